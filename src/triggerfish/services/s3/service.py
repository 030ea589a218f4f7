"""The S3 service: buckets, the object index, the blob store, and the one way object versions are
created or removed, so that versioning and notifications hold for every operation.

Every new version (PutObject, CopyObject, CompleteMultipartUpload, a delete marker) goes through
:meth:`S3Service.commit`; removals through :meth:`S3Service.delete_object`; changes to a stored
version that keep its id (tags) through :meth:`S3Service.rewrite`.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from triggerfish.core.clock import Clock
from triggerfish.services.s3.blobs import Blob, BlobStore
from triggerfish.services.s3.buckets import BucketRegistry
from triggerfish.services.s3.errors import BucketNotEmpty, InvalidArgument
from triggerfish.services.s3.models import (
    NULL_VERSION,
    Bucket,
    ContentHeaders,
    ObjectChange,
    ObjectEvents,
    RequestInfo,
    StoredObject,
    Versioning,
)
from triggerfish.services.s3.object_index import ObjectIndex
from triggerfish.store.interfaces import DocumentStore

CREATED_PUT = "ObjectCreated:Put"
CREATED_COPY = "ObjectCreated:Copy"
REMOVED_DELETE = "ObjectRemoved:Delete"
REMOVED_MARKER = "ObjectRemoved:DeleteMarkerCreated"
TAGGING_PUT = "ObjectTagging:Put"
TAGGING_DELETE = "ObjectTagging:Delete"


@dataclass(frozen=True)
class Deletion:
    """What a DeleteObject did: the version removed or the marker created (``None``: nothing to do)."""

    version_id: str | None
    delete_marker: bool
    obj: StoredObject | None = None


def uncommitted(
    bucket: Bucket,
    key: str,
    blob: Blob,
    *,
    headers: ContentHeaders,
    metadata: Mapping[str, str],
    checksums: Mapping[str, str],
    checksum_type: str | None,
    tags: Mapping[str, str],
    storage_class: str,
    etag: str | None = None,
    part_sizes: tuple[int, ...] = (),
) -> StoredObject:
    """A new version made of ``blob``, before :meth:`S3Service.commit` gives it its version id,
    sequence and time. The ETag is the blob's MD5 unless given (a multipart upload's)."""
    return StoredObject(
        bucket=bucket.name,
        key=key,
        version_id="",
        blob=blob.id,
        size=blob.size,
        etag=etag or blob.md5,
        last_modified=0,
        sequence=0,
        headers=headers,
        metadata=metadata,
        checksums=checksums,
        checksum_type=checksum_type,
        tags=tags,
        storage_class=storage_class,
        part_sizes=part_sizes,
    )


def new_version_id() -> str:
    # S3 version ids are opaque URL-safe strings of 32 characters
    return secrets.token_urlsafe(24)


class S3Service:
    def __init__(
        self, documents: DocumentStore, clock: Clock, blobs: BlobStore, events: ObjectEvents | None = None
    ) -> None:
        self.documents = documents
        self.clock = clock
        self.buckets = BucketRegistry(documents, clock)
        self.index = ObjectIndex(documents)
        self.blobs = blobs
        self.events = events
        self._sequence = 0
        self._locks: dict[str, asyncio.Lock] = {}

    async def start(self) -> None:
        """Load the buckets and remove blobs no document names (left by a crash mid-write)."""
        await self.buckets.load()
        live = await self.index.blob_ids(bucket.name for bucket in self.buckets.all())
        await self.blobs.sweep(live)

    async def close(self) -> None:
        self._locks.clear()

    # --- creating versions ---------------------------------------------------------------------

    async def commit(self, bucket: Bucket, obj: StoredObject, event: str, request: RequestInfo) -> StoredObject:
        """Store ``obj`` as the newest version of its key and report ``event``.

        The version id is new when versioning is Enabled and ``null`` otherwise; a replaced
        ``null`` version goes, blob and all. ``last_modified`` and ``sequence`` are set here.
        """
        async with self._locked(bucket.name):
            bucket = self.buckets.get(bucket.name)
            stored = await self._store_new(bucket, obj)
        await self.report(bucket, event, stored, request)
        return stored

    async def _store_new(self, bucket: Bucket, obj: StoredObject) -> StoredObject:
        now = self.clock.now()
        current = await self.index.current(bucket.name, obj.key)
        version_id = new_version_id() if bucket.versioning is Versioning.ENABLED else NULL_VERSION
        stored = replace(obj, version_id=version_id, sequence=self._next_sequence(now, current), last_modified=now)
        replaced: StoredObject | None = None
        if bucket.versioned:
            if version_id == NULL_VERSION:
                replaced = await self.index.version(bucket.name, obj.key, NULL_VERSION)
            await self.index.put_version(stored, now=now)
            await self.index.put_current(stored, now=now)
            if replaced is not None:
                await self.index.remove_version(replaced)
        else:
            replaced = current
            await self.index.put_current(stored, now=now)
        if replaced is not None and replaced.blob is not None and replaced.blob != stored.blob:
            await self.blobs.delete(replaced.blob)
        return stored

    def _next_sequence(self, now: float, current: StoredObject | None) -> int:
        # grows with every change, and past the key's newest version even after a restart
        floor = current.sequence + 1 if current is not None else 0
        self._sequence = max(self._sequence + 1, int(now * 1_000_000), floor)
        return self._sequence

    async def rewrite(self, bucket: Bucket, obj: StoredObject) -> StoredObject:
        """Store a changed version under the same id (new tags); it stays where it was in the order."""
        now = self.clock.now()
        async with self._locked(bucket.name):
            bucket = self.buckets.get(bucket.name)
            current = await self.index.current(bucket.name, obj.key)
            if current is not None and current.version_id == obj.version_id:
                await self.index.put_current(obj, now=now)
            if bucket.versioned:
                await self.index.put_version(obj, now=now)
        return obj

    # --- removing ------------------------------------------------------------------------------

    async def delete_object(self, bucket: Bucket, key: str, version_id: str | None, request: RequestInfo) -> Deletion:
        """DeleteObject: remove the object (unversioned), add a delete marker (versioned), or
        remove one version for good (``version_id``). A missing key or version is no error."""
        async with self._locked(bucket.name):
            bucket = self.buckets.get(bucket.name)
            if version_id is not None:
                removed = await self._remove_version(bucket, key, version_id)
                if removed is None:
                    return Deletion(version_id, False)
                event, result = REMOVED_DELETE, Deletion(version_id, removed.delete_marker, removed)
            elif bucket.versioned:
                marker = StoredObject(
                    bucket=bucket.name, key=key, version_id="", blob=None, size=0, etag="",
                    last_modified=0, sequence=0, delete_marker=True,
                )  # fmt: skip
                stored = await self._store_new(bucket, marker)
                event, result = REMOVED_MARKER, Deletion(stored.version_id, True, stored)
            else:
                current = await self.index.current(bucket.name, key)
                if current is None:
                    return Deletion(None, False)
                await self.index.remove_current(bucket.name, key)
                if current.blob is not None:
                    await self.blobs.delete(current.blob)
                event, result = REMOVED_DELETE, Deletion(None, False, current)
        assert result.obj is not None
        await self.report(bucket, event, result.obj, request)
        return result

    async def _remove_version(self, bucket: Bucket, key: str, version_id: str) -> StoredObject | None:
        if not bucket.versioned:
            # an unversioned bucket holds only null versions (S3: "Invalid version id specified")
            if version_id != NULL_VERSION:
                raise InvalidArgument("Invalid version id specified", "versionId", version_id)
            current = await self.index.current(bucket.name, key)
            if current is None:
                return None
            await self.index.remove_current(bucket.name, key)
        else:
            found = await self.index.version(bucket.name, key, version_id)
            if found is None:
                return None
            current = found
            await self.index.remove_version(found)
            latest = await self.index.current(bucket.name, key)
            if latest is not None and latest.version_id == version_id:
                newest = await anext(self.index.versions_of(bucket.name, key), None)
                if newest is None:
                    await self.index.remove_current(bucket.name, key)
                else:
                    await self.index.put_current(newest, now=self.clock.now())
        if current.blob is not None:
            await self.blobs.delete(current.blob)
        return current

    # --- buckets -------------------------------------------------------------------------------

    async def delete_bucket(self, name: str) -> None:
        """DeleteBucket: a bucket holding any object, version or delete marker cannot go."""
        self.buckets.get(name)
        if await self.index.any_in(name):
            raise BucketNotEmpty(name)
        await self.buckets.delete(name)

    # --- versioning ----------------------------------------------------------------------------

    async def set_versioning(self, name: str, status: Versioning) -> Bucket:
        """PutBucketVersioning. The first time versions are kept, the objects already there
        become their keys' ``null`` versions."""
        async with self._locked(name):
            bucket = self.buckets.get(name)
            if bucket.versioning is None:
                now = self.clock.now()
                async for obj in self.index.iter_current(name):
                    await self.index.put_version(obj, now=now)
            return await self.buckets.update(replace(bucket, versioning=status))

    # --- reporting -----------------------------------------------------------------------------

    async def report(self, bucket: Bucket, event: str, obj: StoredObject, request: RequestInfo) -> None:
        """Tell ``events`` (when set) of a change (spec §3.1)."""
        if self.events is not None:
            await self.events.notify(ObjectChange(bucket, event, obj, request, self.clock.now()))

    @asynccontextmanager
    async def _locked(self, bucket: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(bucket, asyncio.Lock())
        async with lock:
            yield


__all__ = [
    "CREATED_COPY",
    "CREATED_PUT",
    "REMOVED_DELETE",
    "REMOVED_MARKER",
    "TAGGING_DELETE",
    "TAGGING_PUT",
    "Deletion",
    "S3Service",
    "new_version_id",
]
