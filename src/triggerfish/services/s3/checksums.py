"""The checksum algorithms S3 computes and checks (S3 "Checking object integrity").

Values travel base64-encoded, big-endian: ``x-amz-checksum-crc32: <base64 of 4 bytes>``.
"""

from __future__ import annotations

import base64
import hashlib
import zlib
from typing import Protocol

import crc32c

ALGORITHMS = ("CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME")


class Hasher(Protocol):
    def update(self, data: bytes) -> None: ...

    def digest(self) -> bytes: ...

    def b64(self) -> str: ...


class _Crc32:
    def __init__(self) -> None:
        self._value = 0

    def update(self, data: bytes) -> None:
        self._value = zlib.crc32(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(4, "big")

    def b64(self) -> str:
        return base64.b64encode(self.digest()).decode("ascii")


class _Crc32C(_Crc32):
    def update(self, data: bytes) -> None:
        self._value = crc32c.crc32c(data, self._value)


# CRC-64/NVME: reflected polynomial 0x9A6C9329AC4BC9B5, initial value and final xor all ones
_POLY64 = 0x9A6C9329AC4BC9B5
_MASK64 = 0xFFFFFFFFFFFFFFFF


def _table64() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY64 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE64 = _table64()


class _Crc64Nvme:
    def __init__(self) -> None:
        self._crc = _MASK64

    def update(self, data: bytes) -> None:
        crc = self._crc
        table = _TABLE64
        for byte in data:
            crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
        self._crc = crc

    def digest(self) -> bytes:
        return (self._crc ^ _MASK64).to_bytes(8, "big")

    def b64(self) -> str:
        return base64.b64encode(self.digest()).decode("ascii")


class _Sha:
    def __init__(self, name: str) -> None:
        self._hash = hashlib.new(name)

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.digest()

    def b64(self) -> str:
        return base64.b64encode(self._hash.digest()).decode("ascii")


def new_hasher(algorithm: str) -> Hasher:
    """A hasher for one of :data:`ALGORITHMS` (any case); ``ValueError`` for another name."""
    name = algorithm.upper()
    if name == "CRC32":
        return _Crc32()
    if name == "CRC32C":
        return _Crc32C()
    if name == "CRC64NVME":
        return _Crc64Nvme()
    if name == "SHA1":
        return _Sha("sha1")
    if name == "SHA256":
        return _Sha("sha256")
    raise ValueError(f"unknown checksum algorithm {algorithm!r}")


def header_name(algorithm: str) -> str:
    """The header carrying a checksum: ``x-amz-checksum-crc32``."""
    return f"x-amz-checksum-{algorithm.lower()}"


def member_name(algorithm: str) -> str:
    """The API member carrying a checksum: ``ChecksumCRC32``."""
    return f"Checksum{algorithm.upper()}"


def is_base64_of(value: str, size: int) -> bool:
    """Whether ``value`` is the base64 of exactly ``size`` bytes."""
    try:
        return len(base64.b64decode(value, validate=True)) == size
    except ValueError:
        return False


DIGEST_SIZES = {"CRC32": 4, "CRC32C": 4, "SHA1": 20, "SHA256": 32, "CRC64NVME": 8}
