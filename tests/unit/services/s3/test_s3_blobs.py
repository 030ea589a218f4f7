"""The blob store: streamed writes with their digests, ranged reads, composition, sweeping, and
keys that never reach the file system."""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.scope import Location
from triggerfish.services.s3.blobs import WRITE_BATCH, BlobStore, MissingBlob
from triggerfish.services.s3.errors import EntityTooLarge
from triggerfish.services.s3.models import RequestInfo
from triggerfish.services.s3.objects import PutInput, put_object
from triggerfish.services.s3.service import S3Service
from triggerfish.store.factory import open_store


async def _stream(data: bytes, piece: int = 65_536) -> AsyncIterator[bytes]:
    for start in range(0, len(data), piece):
        yield data[start : start + piece]


async def _read(store: BlobStore, blob_id: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join([chunk async for chunk in store.read(blob_id, start, end)])


def _names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


async def test_bytes_write_and_digests(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    blob = await store.write(b"hello world", checksums=["crc32"])
    assert blob.size == 11
    assert blob.md5 == hashlib.md5(b"hello world").hexdigest()
    assert blob.checksums == {"CRC32": "DUoRhQ=="}
    assert await _read(store, blob.id) == b"hello world"
    assert _names(tmp_path / "tmp") == []


async def test_stream_write_over_several_batches(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    data = bytes(range(256)) * ((2 * WRITE_BATCH + 12_345) // 256)
    blob = await store.write(_stream(data), checksums=["CRC32"])
    assert blob.size == len(data)
    assert blob.md5 == hashlib.md5(data).hexdigest()
    assert int.from_bytes(base64.b64decode(blob.checksums["CRC32"]), "big") == zlib.crc32(data)
    assert await _read(store, blob.id) == data
    chunks = [chunk async for chunk in store.read(blob.id)]
    assert max(len(chunk) for chunk in chunks) <= 1_048_576


async def test_ranged_reads(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    blob = await store.write(b"0123456789")
    assert await _read(store, blob.id, 2, 5) == b"234"
    assert await _read(store, blob.id, 7) == b"789"
    assert await _read(store, blob.id, 3, 3) == b""


async def test_limit_refuses_and_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(EntityTooLarge):
        await store.write(_stream(b"x" * 5000, 1000), limit=4096)
    with pytest.raises(EntityTooLarge):
        await store.write(b"x" * 5000, limit=4096)
    assert _names(tmp_path / "tmp") == []
    assert _names(tmp_path / "blobs") == []


async def test_compose_ranges_of_blobs(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    first = await store.write(b"abcdef")
    second = await store.write(b"uvwxyz")
    blob = await store.compose([(first.id, 1, 4), (second.id, 0, 6)], checksums=["SHA256"])
    assert await _read(store, blob.id) == b"bcduvwxyz"
    assert blob.md5 == hashlib.md5(b"bcduvwxyz").hexdigest()
    assert "SHA256" in blob.checksums


async def test_delete_and_missing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    blob = await store.write(b"data")
    await store.delete(blob.id)
    await store.delete(blob.id)  # a missing blob is fine
    with pytest.raises(MissingBlob):
        await _read(store, blob.id)


async def test_ids_are_never_paths(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    for bad in ("../escape", "/etc/passwd", "a" * 31, "A" * 32):
        with pytest.raises(ValueError):
            await store.delete(bad)


async def test_sweep_removes_unnamed_blobs_and_temp_files(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    kept = await store.write(b"kept")
    gone = await store.write(b"gone")
    (tmp_path / "tmp" / "halfwritten").write_bytes(b"x")
    assert await store.sweep({kept.id}) == 1
    assert _names(tmp_path / "blobs") == [kept.id]
    assert _names(tmp_path / "tmp") == []
    assert gone.id not in _names(tmp_path / "blobs")


async def test_hostile_keys_only_ever_name_documents(tmp_path: Path) -> None:
    store = open_store(None)
    await store.open()
    try:
        service = S3Service(store.documents, VirtualClock(), BlobStore(tmp_path / "data"))
        await service.start()
        await service.buckets.create("keys", scope=Location(), region="us-east-1")
        keys = ["../../outside", "/abs/path", "nul\x00byte", "ünïcødé/ключ", "a/../../b", "..", "."]
        for key in keys:
            await put_object(service, PutInput("keys", key, key.encode()), RequestInfo("r"))
        for key in keys:
            found = await service.index.current("keys", key)
            assert found is not None and found.blob is not None
            assert await _read(service.blobs, found.blob) == key.encode()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
        assert _names(tmp_path / "data") == ["blobs", "tmp"]
        names = _names(tmp_path / "data" / "blobs")
        assert len(names) == len(keys)
        assert all(re.fullmatch(r"[0-9a-f]{32}", name) for name in names)
    finally:
        await store.close()
