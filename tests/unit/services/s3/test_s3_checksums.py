"""The checksum algorithms against their published check values."""

from __future__ import annotations

import base64
import hashlib

import pytest

from triggerfish.services.s3.checksums import ALGORITHMS, DIGEST_SIZES, is_base64_of, new_hasher

CHECK = b"123456789"


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("CRC32", 0xCBF43926),
        ("CRC32C", 0xE3069283),
        ("CRC64NVME", 0xAE8B14860A799888),
    ],
)
def test_crc_check_values(algorithm: str, expected: int) -> None:
    hasher = new_hasher(algorithm)
    hasher.update(CHECK)
    assert int.from_bytes(hasher.digest(), "big") == expected
    assert hasher.b64() == base64.b64encode(hasher.digest()).decode()


@pytest.mark.parametrize(("algorithm", "name"), [("SHA1", "sha1"), ("SHA256", "sha256")])
def test_sha_matches_hashlib(algorithm: str, name: str) -> None:
    hasher = new_hasher(algorithm)
    hasher.update(CHECK)
    assert hasher.digest() == hashlib.new(name, CHECK).digest()


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_pieces_hash_like_the_whole(algorithm: str) -> None:
    data = bytes(range(256)) * 40
    whole = new_hasher(algorithm)
    whole.update(data)
    pieces = new_hasher(algorithm.lower())
    for start in range(0, len(data), 777):
        pieces.update(data[start : start + 777])
    assert pieces.digest() == whole.digest()
    assert len(whole.digest()) == DIGEST_SIZES[algorithm]


def test_empty_input_digests() -> None:
    assert new_hasher("CRC32").digest() == b"\x00\x00\x00\x00"
    assert new_hasher("CRC64NVME").digest() == b"\x00" * 8


def test_unknown_algorithm() -> None:
    with pytest.raises(ValueError, match="MD4"):
        new_hasher("MD4")


def test_base64_size_check() -> None:
    assert is_base64_of("AAAAAA==", 4)
    assert not is_base64_of("AAAAAA==", 8)
    assert not is_base64_of("not base64!", 4)
