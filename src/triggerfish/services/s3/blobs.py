"""Object contents on disk, apart from the documents that describe them.

A blob is a file named by a generated id: a key never becomes a path, whatever it holds. Writes
stream into ``tmp/``, are hashed on the way, fsync'd and renamed into ``blobs/`` before
:meth:`BlobStore.write` returns, so a document written afterwards never names a missing blob;
blobs no document names (a crash between the two) are swept at start. File I/O and hashing run
off the event loop in batches of a few megabytes, overlapping the receipt of the next batch, so
memory stays bounded whatever the object's size.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from triggerfish.services.s3.checksums import Hasher, new_hasher
from triggerfish.services.s3.errors import EntityTooLarge

#: bytes handed to a worker thread at once when writing
WRITE_BATCH = 4 * 1_048_576
#: bytes per chunk when streaming a blob back
READ_CHUNK = 1_048_576
_BLOB_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Blob:
    id: str
    size: int
    #: MD5 of the content, hex
    md5: str
    #: algorithm -> base64 value, for the algorithms asked for
    checksums: Mapping[str, str] = field(default_factory=dict)


class MissingBlob(LookupError):
    """A document names a blob that is not on disk."""


class _Digests:
    def __init__(self, checksums: Iterable[str]) -> None:
        self.md5 = hashlib.md5(usedforsecurity=False)
        self.hashers: dict[str, Hasher] = {name.upper(): new_hasher(name) for name in checksums}
        self.size = 0

    def update(self, data: bytes) -> None:
        self.size += len(data)
        self.md5.update(data)
        for hasher in self.hashers.values():
            hasher.update(data)

    def blob(self, blob_id: str) -> Blob:
        return Blob(blob_id, self.size, self.md5.hexdigest(), {n: h.b64() for n, h in self.hashers.items()})


class BlobStore:
    def __init__(self, root: Path) -> None:
        self._blobs = root / "blobs"
        self._tmp = root / "tmp"
        self._blobs.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)

    @property
    def directory(self) -> Path:
        """Where finished blobs live (every file in it is named by a generated id)."""
        return self._blobs

    async def write(
        self, body: bytes | AsyncIterable[bytes], *, checksums: Iterable[str] = (), limit: int | None = None
    ) -> Blob:
        """Store ``body`` as a new blob; refuses (``EntityTooLarge``) more than ``limit`` bytes."""
        digests = _Digests(checksums)
        blob_id = uuid.uuid4().hex
        temp = self._tmp / blob_id
        file = await asyncio.to_thread(open, temp, "wb")
        try:
            if isinstance(body, bytes | bytearray):
                _check_limit(len(body), limit)
                await asyncio.to_thread(_write_batch, file, digests, [bytes(body)])
            else:
                await _write_stream(file, digests, body, limit)
            await asyncio.to_thread(_finish, file, temp, self._blobs / blob_id)
        except BaseException:
            await asyncio.to_thread(_discard, file, temp)
            raise
        return digests.blob(blob_id)

    async def compose(self, pieces: Sequence[tuple[str, int, int]], *, checksums: Iterable[str] = ()) -> Blob:
        """A new blob made of ``(blob_id, start, end_exclusive)`` ranges of existing blobs, in order."""
        sources = [(self._path(blob_id), start, end) for blob_id, start, end in pieces]
        digests = _Digests(checksums)
        blob_id = uuid.uuid4().hex
        temp = self._tmp / blob_id
        await asyncio.to_thread(_compose, sources, temp, self._blobs / blob_id, digests)
        return digests.blob(blob_id)

    async def read(self, blob_id: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """The bytes ``[start, end)`` of a blob, in chunks of :data:`READ_CHUNK`."""
        path = self._path(blob_id)
        try:
            file = await asyncio.to_thread(open, path, "rb")
        except FileNotFoundError:
            raise MissingBlob(blob_id) from None
        try:
            await asyncio.to_thread(file.seek, start)
            remaining = None if end is None else max(0, end - start)
            while remaining is None or remaining > 0:
                size = READ_CHUNK if remaining is None else min(READ_CHUNK, remaining)
                chunk = await asyncio.to_thread(file.read, size)
                if not chunk:
                    return
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk
        finally:
            file.close()

    async def delete(self, blob_id: str) -> None:
        path = self._path(blob_id)
        await asyncio.to_thread(path.unlink, missing_ok=True)

    async def sweep(self, live: Collection[str]) -> int:
        """Remove blobs no document names, and unfinished writes; returns how many blobs went."""
        return await asyncio.to_thread(_sweep, self._blobs, self._tmp, frozenset(live))

    def _path(self, blob_id: str) -> Path:
        if not _BLOB_ID.fullmatch(blob_id):
            raise ValueError(f"not a blob id: {blob_id!r}")
        return self._blobs / blob_id


async def _write_stream(file: BinaryIO, digests: _Digests, body: AsyncIterable[bytes], limit: int | None) -> None:
    pending: asyncio.Future[None] | None = None
    batch: list[bytes] = []
    batched = 0
    received = 0
    try:
        async for chunk in body:
            received += len(chunk)
            _check_limit(received, limit)
            batch.append(chunk)
            batched += len(chunk)
            if batched >= WRITE_BATCH:
                if pending is not None:
                    await pending
                # the write of this batch overlaps the receipt of the next one
                pending = asyncio.ensure_future(asyncio.to_thread(_write_batch, file, digests, batch))
                batch, batched = [], 0
    finally:
        if pending is not None:
            await pending
    if batch:
        await asyncio.to_thread(_write_batch, file, digests, batch)


def _check_limit(size: int, limit: int | None) -> None:
    if limit is not None and size > limit:
        raise EntityTooLarge(size, limit)


def _write_batch(file: BinaryIO, digests: _Digests, batch: list[bytes]) -> None:
    data = batch[0] if len(batch) == 1 else b"".join(batch)
    digests.update(data)
    file.write(data)


def _finish(file: BinaryIO, temp: Path, final: Path) -> None:
    file.flush()
    os.fsync(file.fileno())
    file.close()
    os.replace(temp, final)
    _fsync_directory(final.parent)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(file: BinaryIO, temp: Path) -> None:
    file.close()
    temp.unlink(missing_ok=True)


def _compose(sources: list[tuple[Path, int, int]], temp: Path, final: Path, digests: _Digests) -> None:
    try:
        with open(temp, "wb") as out:
            for path, start, end in sources:
                if not path.exists():
                    raise MissingBlob(path.name)
                with open(path, "rb") as source:
                    source.seek(start)
                    remaining = end - start
                    while remaining > 0:
                        chunk = source.read(min(WRITE_BATCH, remaining))
                        if not chunk:
                            break
                        remaining -= len(chunk)
                        digests.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, final)
        _fsync_directory(final.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _sweep(blobs: Path, tmp: Path, live: frozenset[str]) -> int:
    for leftover in tmp.iterdir():
        leftover.unlink(missing_ok=True)
    removed = 0
    for path in blobs.iterdir():
        if path.name not in live:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
