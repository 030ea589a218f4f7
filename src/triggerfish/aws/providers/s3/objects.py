"""Object operations: PutObject, GetObject, HeadObject, CopyObject, DeleteObject, DeleteObjects and
object tagging."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.protocol.chunked import ChunkedStream
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.s3.headers import (
    checksum_members,
    content_headers,
    given_checksums,
    object_headers,
    read_conditions,
    request_info,
    version_member,
)
from triggerfish.services.s3.copying import CopyInput, copy_object, parse_copy_source
from triggerfish.services.s3.deletes import Deleted, DeleteEntry, delete_objects
from triggerfish.services.s3.errors import InvalidRequest, MalformedXML, NotModified
from triggerfish.services.s3.object_tags import tag_set, tags_from_header, tags_from_set
from triggerfish.services.s3.objects import (
    PutInput,
    delete_tags,
    get_tags,
    put_object,
    put_tags,
    read_object,
)
from triggerfish.services.s3.service import S3Service

Operation = Callable[[Call], Awaitable[Reply]]
#: what is still read of a refused upload's body, so the client hears the error on a usable connection
_DRAIN_LIMIT = 8 * 1_048_576


class ObjectOperations:
    def __init__(self, service: S3Service) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "PutObject": self.put_object,
            "GetObject": self.get_object,
            "HeadObject": self.head_object,
            "CopyObject": self.copy_object,
            "DeleteObject": self.delete_object,
            "DeleteObjects": self.delete_objects,
            "GetObjectTagging": self.get_tagging,
            "PutObjectTagging": self.put_tagging,
            "DeleteObjectTagging": self.delete_tagging,
        }

    async def put_object(self, call: Call) -> Reply:
        p = call.params
        body = p.get("Body", b"")
        headers = call.request.headers
        put = PutInput(
            bucket=p["Bucket"],
            key=p["Key"],
            body=body,
            content=content_headers(p),
            metadata=dict(p.get("Metadata") or {}),
            tags=tags_from_header(p.get("Tagging")),
            storage_class=p.get("StorageClass"),
            content_length=p.get("ContentLength"),
            content_md5=p.get("ContentMD5"),
            checksum_algorithm=p.get("ChecksumAlgorithm"),
            checksums=given_checksums(p),
            trailer=headers.get("x-amz-trailer"),
            trailers=(lambda: body.trailers) if isinstance(body, ChunkedStream) else None,
            content_sha256=headers.get("x-amz-content-sha256"),
            if_match=p.get("IfMatch"),
            if_none_match=p.get("IfNoneMatch"),
        )
        stored = await put_object(self._service, put, request_info(call))
        bucket = self._service.buckets.get(stored.bucket)
        return Reply({"ETag": f'"{stored.etag}"', **checksum_members(stored), **version_member(bucket, stored)})

    async def get_object(self, call: Call) -> Reply:
        return await self._read(call, with_body=True)

    async def head_object(self, call: Call) -> Reply:
        return await self._read(call, with_body=False)

    async def _read(self, call: Call, *, with_body: bool) -> Reply:
        p = call.params
        try:
            read = await read_object(
                self._service,
                p["Bucket"],
                p["Key"],
                method="GET" if with_body else "HEAD",
                version_id=p.get("VersionId"),
                conditions=read_conditions(p),
                range_header=p.get("Range"),
                part_number=p.get("PartNumber"),
            )
        except NotModified as exc:
            # a 304 carries no body, only the validators (RFC 7232 §4.1)
            return Reply({"ETag": f'"{exc.etag}"', "LastModified": exc.last_modified}, status=304)
        obj = read.obj
        result = object_headers(read.bucket, obj, p)
        start, end = 0, obj.size
        status: int | None = None
        if read.range is not None:
            start, end = read.range.start, read.range.end
            result["ContentRange"] = read.range.content_range
            result["ContentLength"] = read.range.length
            status = 206
            if p.get("PartNumber") is None:
                # a range's checksum is not the object's
                for member in [m for m in result if m.startswith("Checksum")]:
                    del result[member]
        if p.get("PartNumber") is not None and obj.part_sizes:
            result["PartsCount"] = len(obj.part_sizes)
        if with_body:
            body_needed = obj.blob is not None and end > start
            result["Body"] = self._service.blobs.read(obj.blob, start, end) if body_needed and obj.blob else b""
        return Reply(result, status=status)

    async def copy_object(self, call: Call) -> Reply:
        p = call.params
        copy = CopyInput(
            bucket=p["Bucket"],
            key=p["Key"],
            source=parse_copy_source(p["CopySource"]),
            metadata_directive=p.get("MetadataDirective", "COPY"),
            content=content_headers(p),
            metadata=dict(p.get("Metadata") or {}),
            tagging_directive=p.get("TaggingDirective", "COPY"),
            tags=tags_from_header(p.get("Tagging")),
            storage_class=p.get("StorageClass"),
            checksum_algorithm=p.get("ChecksumAlgorithm"),
            website_redirect=p.get("WebsiteRedirectLocation"),
            encryption=p.get("ServerSideEncryption"),
            conditions=read_conditions(p, "CopySource"),
        )
        done = await copy_object(self._service, copy, request_info(call))
        target = self._service.buckets.get(done.obj.bucket)
        source_bucket = self._service.buckets.get(done.source.bucket)
        result: dict[str, Any] = {
            "CopyObjectResult": {
                "ETag": f'"{done.obj.etag}"',
                "LastModified": done.obj.last_modified,
                **checksum_members(done.obj),
            },
            **version_member(target, done.obj),
        }
        if source_bucket.versioned:
            result["CopySourceVersionId"] = done.source.version_id
        return Reply(result)

    async def delete_object(self, call: Call) -> Reply:
        p = call.params
        bucket = self._service.buckets.get(p["Bucket"])
        done = await self._service.delete_object(bucket, p["Key"], p.get("VersionId"), request_info(call))
        result: dict[str, Any] = {}
        if done.delete_marker:
            result["DeleteMarker"] = True
        if done.version_id is not None:
            result["VersionId"] = done.version_id
        return Reply(result)

    async def delete_objects(self, call: Call) -> Reply:
        p = call.params
        headers = call.request.headers
        # S3 requires an integrity check of the request body (S3 DeleteObjects)
        if "content-md5" not in headers and not any(h.lower().startswith("x-amz-checksum-") for h in headers):
            raise InvalidRequest("Missing required header for this request: Content-MD5")
        request = p.get("Delete") or {}
        objects = request.get("Objects")
        if not isinstance(objects, list):
            raise MalformedXML()
        entries = [DeleteEntry(o.get("Key", ""), o.get("VersionId")) for o in objects]
        results = await delete_objects(self._service, p["Bucket"], entries, request_info(call))
        deleted: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for outcome in results:
            if isinstance(outcome, Deleted):
                deleted.append(_deleted_shape(outcome))
            else:
                errors.append(
                    {
                        "Key": outcome.entry.key,
                        **({"VersionId": outcome.entry.version_id} if outcome.entry.version_id else {}),
                        "Code": outcome.code,
                        "Message": outcome.message,
                    }
                )
        result: dict[str, Any] = {"Errors": errors} if errors else {}
        if not request.get("Quiet"):
            result["Deleted"] = deleted
        return Reply(result)

    async def get_tagging(self, call: Call) -> Reply:
        p = call.params
        obj = await get_tags(self._service, p["Bucket"], p["Key"], p.get("VersionId"))
        bucket = self._service.buckets.get(obj.bucket)
        return Reply({"TagSet": tag_set(obj.tags), **version_member(bucket, obj)})

    async def put_tagging(self, call: Call) -> Reply:
        p = call.params
        tagging: Mapping[str, Any] = p.get("Tagging") or {}
        tags = tags_from_set(tagging.get("TagSet") or [])
        obj = await put_tags(self._service, p["Bucket"], p["Key"], p.get("VersionId"), tags, request_info(call))
        bucket = self._service.buckets.get(obj.bucket)
        return Reply(version_member(bucket, obj))

    async def delete_tagging(self, call: Call) -> Reply:
        p = call.params
        obj = await delete_tags(self._service, p["Bucket"], p["Key"], p.get("VersionId"), request_info(call))
        bucket = self._service.buckets.get(obj.bucket)
        return Reply(version_member(bucket, obj))


def _deleted_shape(outcome: Deleted) -> dict[str, Any]:
    shape: dict[str, Any] = {"Key": outcome.entry.key}
    deletion = outcome.deletion
    if outcome.entry.version_id is not None:
        shape["VersionId"] = outcome.entry.version_id
        if deletion.delete_marker:
            shape["DeleteMarker"] = True
            shape["DeleteMarkerVersionId"] = outcome.entry.version_id
    elif deletion.delete_marker:
        shape["DeleteMarker"] = True
        shape["DeleteMarkerVersionId"] = deletion.version_id
    return shape


__all__ = ["ObjectOperations", "Operation"]
