"""Multipart uploads: create, upload (or copy) parts, complete, abort, and list them.

Parts are blobs; the upload's document names them. Completing composes the parts into one new blob
(streamed, never read whole), stores the object through :meth:`S3Service.commit` (so versioning and
notifications treat it like any other new object) and then drops the part blobs. Every change to an
upload's document is a compare-and-swap on its revision, so parts uploaded in parallel never lose
one another.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace

from triggerfish.services.s3.composite import (
    FULL_OBJECT,
    MAX_PART_NUMBER,
    MIN_PART_SIZE,
    RequestedPart,
    check_object_checksums,
    check_part_algorithm,
    checksum_mode,
    chosen_parts,
    final_checksums,
    multipart_etag,
)
from triggerfish.services.s3.conditions import Conditions, check_copy_source, check_write
from triggerfish.services.s3.copying import CopySource
from triggerfish.services.s3.errors import (
    InvalidArgument,
    InvalidRequest,
    NoSuchKey,
    NoSuchUpload,
    PreconditionFailed,
)
from triggerfish.services.s3.models import UPLOAD_KIND, Bucket, ContentHeaders, RequestInfo, StoredObject
from triggerfish.services.s3.multipart_parts import (
    Completion,
    Part,
    PartChecks,
    PartsPage,
    Upload,
    UploadsPage,
    after_markers,
    copy_range,
    decode_upload,
    document_name,
    encode_upload,
    new_upload_id,
    page_of_uploads,
    verify_part,
)
from triggerfish.services.s3.objects import find_version
from triggerfish.services.s3.service import S3Service, uncommitted
from triggerfish.store.interfaces import Document, DocumentStore, RevisionMismatch

#: S3 "Multipart upload limits": a part holds at most 5 GiB
MAX_PART_SIZE = 5 * 1024**3
#: how long a completed upload answers a retried CompleteMultipartUpload with its result
COMPLETION_KEPT = 15 * 60.0
_COMPLETE_EVENT = "ObjectCreated:CompleteMultipartUpload"


def check_part_number(number: int) -> None:
    if not 1 <= number <= MAX_PART_NUMBER:
        raise InvalidArgument(
            "Part number must be an integer between 1 and 10000, inclusive", "partNumber", str(number)
        )


class MultipartUploads:
    def __init__(self, service: S3Service, *, min_part_size: int = MIN_PART_SIZE) -> None:
        self._service = service
        self._min_part_size = min_part_size
        self._completing: dict[str, asyncio.Lock] = {}

    @property
    def service(self) -> S3Service:
        return self._service

    async def create(
        self,
        bucket: str,
        key: str,
        *,
        headers: ContentHeaders | None = None,
        metadata: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        storage_class: str | None = None,
        checksum_algorithm: str | None = None,
        checksum_type: str | None = None,
    ) -> Upload:
        self._service.buckets.get(bucket)
        algorithm, mode = checksum_mode(checksum_algorithm, checksum_type)
        upload = Upload(
            bucket=bucket,
            key=key,
            upload_id=new_upload_id(),
            initiated=self._now(),
            headers=headers or ContentHeaders(),
            metadata=dict(metadata or {}),
            tags=dict(tags or {}),
            storage_class=storage_class or "STANDARD",
            checksum_algorithm=algorithm,
            checksum_type=mode,
        )
        await self._documents.put(
            UPLOAD_KIND, bucket, upload.document_name, encode_upload(upload), now=upload.initiated, expected_revision=0
        )
        return upload

    async def upload_part(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        number: int,
        body: bytes | AsyncIterable[bytes],
        checks: PartChecks | None = None,
    ) -> Part:
        checks = checks or PartChecks()
        self._service.buckets.get(bucket)
        check_part_number(number)
        upload = await self.get(bucket, key, upload_id)
        check_part_algorithm(upload, checks.algorithms())
        wanted = set(checks.algorithms()) | ({upload.checksum_algorithm} if upload.checksum_algorithm else set())
        blob = await self._service.blobs.write(body, checksums=sorted(wanted), limit=MAX_PART_SIZE)
        try:
            verify_part(blob, checks)
        except BaseException:
            await self._service.blobs.delete(blob.id)
            raise
        part = Part(number, blob.id, blob.size, blob.md5, self._now(), blob.checksums)
        await self._store_part(bucket, key, upload_id, part)
        return part

    async def copy_part(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        number: int,
        source: CopySource,
        *,
        range_header: str | None = None,
        conditions: Conditions | None = None,
    ) -> tuple[Part, StoredObject]:
        """UploadPartCopy: a part made of (a range of) an existing object; returns it and the source."""
        self._service.buckets.get(bucket)
        check_part_number(number)
        upload = await self.get(bucket, key, upload_id)
        found = await self._copy_source(source, conditions or Conditions())
        first, last = copy_range(range_header, found.size)
        part = await self._copy_bytes(upload, number, found, first, last)
        return part, found

    async def _copy_source(self, source: CopySource, conditions: Conditions) -> StoredObject:
        origin = self._service.buckets.get(source.bucket)
        found = await find_version(self._service, origin, source.key, source.version_id)
        if found.delete_marker or found.blob is None:
            if source.version_id is None:
                raise NoSuchKey(source.key)
            # S3 CopyObject: a delete marker named by version id is no copy source
            raise InvalidRequest(
                "The source of a copy request may not specifically refer to a delete marker by version id."
            )
        check_copy_source(found, conditions)
        return found

    async def _copy_bytes(self, upload: Upload, number: int, source: StoredObject, first: int, last: int) -> Part:
        assert source.blob is not None
        wanted = [upload.checksum_algorithm] if upload.checksum_algorithm else []
        blob = await self._service.blobs.compose([(source.blob, first, last + 1)], checksums=wanted)
        part = Part(number, blob.id, blob.size, blob.md5, self._now(), blob.checksums)
        await self._store_part(upload.bucket, upload.key, upload.upload_id, part)
        return part

    async def complete(
        self,
        bucket: str,
        key: str,
        upload_id: str,
        requested: Sequence[RequestedPart],
        request: RequestInfo,
        *,
        if_match: str | None = None,
        if_none_match: str | None = None,
        checksums: Mapping[str, str] | None = None,
        checksum_type: str | None = None,
    ) -> Completion:
        target = self._service.buckets.get(bucket)
        lock = self._completing.setdefault(upload_id, asyncio.Lock())
        try:
            async with lock:
                return await self._complete(
                    target, key, upload_id, requested, request, if_match, if_none_match, checksums or {}, checksum_type
                )
        finally:
            if not lock.locked():
                self._completing.pop(upload_id, None)

    async def abort(self, bucket: str, key: str, upload_id: str, *, if_initiated: float | None = None) -> None:
        self._service.buckets.get(bucket)
        upload = await self.get(bucket, key, upload_id)
        # S3 AbortMultipartUpload x-amz-if-match-initiated-time: abort only the upload started then
        if if_initiated is not None and int(if_initiated) != int(upload.initiated):
            raise PreconditionFailed("x-amz-if-match-initiated-time")
        await self._documents.delete(UPLOAD_KIND, bucket, upload.document_name)
        await self._delete_blobs(part.blob for part in upload.parts.values())

    async def list_parts(
        self, bucket: str, key: str, upload_id: str, *, marker: int | None = None, max_parts: int | None = None
    ) -> PartsPage:
        self._service.buckets.get(bucket)
        upload = await self.get(bucket, key, upload_id)
        limit = 1000 if max_parts is None else max_parts
        after = [part for number, part in sorted(upload.parts.items()) if number > (marker or 0)]
        page = after[:limit]
        truncated = len(after) > len(page)
        next_marker = page[-1].number if page else None
        return PartsPage(upload, page, next_marker, truncated)

    async def list_uploads(
        self,
        bucket: str,
        *,
        prefix: str = "",
        delimiter: str | None = None,
        key_marker: str | None = None,
        upload_id_marker: str | None = None,
        max_uploads: int | None = None,
    ) -> UploadsPage:
        self._service.buckets.get(bucket)
        limit = 1000 if max_uploads is None else min(max_uploads, 1000)
        pending = [u for u in await self._in_progress(bucket) if u.key.startswith(prefix)]
        # S3 lists uploads by key, then by when each was started
        pending.sort(key=lambda u: (u.key.encode("utf-8"), u.initiated, u.upload_id))
        pending = after_markers(pending, key_marker, upload_id_marker)
        return page_of_uploads(pending, prefix, delimiter, limit, key_marker)

    async def get(self, bucket: str, key: str, upload_id: str) -> Upload:
        """The upload in progress, or ``NoSuchUpload``."""
        found = await self._load(bucket, key, upload_id)
        if found is None or found[1].completion is not None:
            raise NoSuchUpload(upload_id)
        return found[1]

    # --- internals ----------------------------------------------------------------------------

    async def _complete(
        self,
        bucket: Bucket,
        key: str,
        upload_id: str,
        requested: Sequence[RequestedPart],
        request: RequestInfo,
        if_match: str | None,
        if_none_match: str | None,
        checksums: Mapping[str, str],
        checksum_type: str | None,
    ) -> Completion:
        found = await self._load(bucket.name, key, upload_id)
        if found is None:
            raise NoSuchUpload(upload_id)
        upload = found[1]
        if upload.completion is not None:
            # S3 answers a retried CompleteMultipartUpload with the same parts with its first result
            if upload.completion.parts == tuple((p.number, p.etag.strip('"')) for p in requested):
                return upload.completion
            raise NoSuchUpload(upload_id)
        if checksum_type is not None and upload.checksum_type is not None and checksum_type != upload.checksum_type:
            raise InvalidRequest(
                f"The upload was created using the {upload.checksum_type} checksum mode. "
                "The complete request must use the same checksum mode."
            )
        parts = chosen_parts(upload, requested, min_part_size=self._min_part_size)
        check_write(key, await self._service.index.current(bucket.name, key), if_match, if_none_match)
        algorithm = upload.checksum_algorithm
        full = [algorithm] if algorithm and upload.checksum_type == FULL_OBJECT else []
        blob = await self._service.blobs.compose([(part.blob, 0, part.size) for part in parts], checksums=full)
        try:
            final = final_checksums(upload, parts, blob.checksums)
            check_object_checksums(final, checksums)
            obj = uncommitted(
                bucket,
                key,
                blob,
                etag=multipart_etag([part.md5 for part in parts]),
                headers=upload.headers,
                metadata=upload.metadata,
                checksums=final,
                checksum_type=upload.checksum_type if final else None,
                tags=upload.tags,
                storage_class=upload.storage_class,
                part_sizes=tuple(part.size for part in parts),
            )
            stored = await self._service.commit(bucket, obj, _COMPLETE_EVENT, request)
        except BaseException:
            await self._service.blobs.delete(blob.id)
            raise
        completion = Completion(
            parts=tuple((part.number, part.md5) for part in parts),
            version_id=stored.version_id,
            etag=stored.etag,
            completed_at=self._now(),
            checksums=stored.checksums,
            checksum_type=stored.checksum_type,
        )
        dropped = await self._update(bucket.name, key, upload_id, lambda u: replace(u, parts={}, completion=completion))
        await self._delete_blobs(part.blob for part in dropped)
        return completion

    async def _store_part(self, bucket: str, key: str, upload_id: str, part: Part) -> None:
        def add(upload: Upload) -> Upload:
            return replace(upload, parts={**upload.parts, part.number: part})

        try:
            replaced = await self._update(bucket, key, upload_id, add)
        except NoSuchUpload:
            await self._service.blobs.delete(part.blob)  # aborted or completed while the part arrived
            raise
        await self._delete_blobs(old.blob for old in replaced if old.blob != part.blob)

    async def _update(self, bucket: str, key: str, upload_id: str, change: Callable[[Upload], Upload]) -> list[Part]:
        """Apply ``change`` to the upload in progress; returns the parts the change dropped."""
        while True:
            found = await self._load(bucket, key, upload_id)
            if found is None or found[1].completion is not None:
                raise NoSuchUpload(upload_id)
            doc, upload = found
            changed = change(upload)
            try:
                await self._documents.put(
                    UPLOAD_KIND,
                    bucket,
                    doc.name,
                    encode_upload(changed),
                    now=self._now(),
                    expected_revision=doc.revision,
                )
            except RevisionMismatch:
                continue  # another part (or the completion) landed first: apply ours to the new state
            return [old for number, old in upload.parts.items() if changed.parts.get(number) is not old]

    async def _load(self, bucket: str, key: str, upload_id: str) -> tuple[Document, Upload] | None:
        doc = await self._documents.get(UPLOAD_KIND, bucket, document_name(key, upload_id))
        if doc is None:
            return None
        upload = decode_upload(doc.body)
        if upload.completion is not None and self._now() - upload.completion.completed_at > COMPLETION_KEPT:
            await self._documents.delete(UPLOAD_KIND, bucket, doc.name)
            return None
        return doc, upload

    async def _in_progress(self, bucket: str) -> list[Upload]:
        found: list[Upload] = []
        after: str | None = None
        while True:
            page = await self._documents.list(UPLOAD_KIND, bucket, after=after, limit=1000)
            for doc in page:
                upload = decode_upload(doc.body)
                if upload.completion is None:
                    found.append(upload)
                elif self._now() - upload.completion.completed_at > COMPLETION_KEPT:
                    await self._documents.delete(UPLOAD_KIND, bucket, doc.name)
            if len(page) < 1000:
                return found
            after = page[-1].name

    async def _delete_blobs(self, blob_ids: Iterable[str]) -> None:
        for blob_id in list(blob_ids):
            await self._service.blobs.delete(blob_id)

    @property
    def _documents(self) -> DocumentStore:
        return self._service.documents

    def _now(self) -> float:
        return self._service.clock.now()
