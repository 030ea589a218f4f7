"""Multipart upload operations: CreateMultipartUpload, UploadPart, UploadPartCopy,
CompleteMultipartUpload, AbortMultipartUpload, ListParts and ListMultipartUploads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote

from triggerfish.aws.protocol.chunked import ChunkedStream
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.s3.headers import content_headers, request_info
from triggerfish.services.s3.bucket_settings import owner
from triggerfish.services.s3.checksums import ALGORITHMS, member_name
from triggerfish.services.s3.composite import RequestedPart, unquote_etag
from triggerfish.services.s3.conditions import Conditions
from triggerfish.services.s3.copying import parse_copy_source
from triggerfish.services.s3.errors import InvalidArgument, MalformedXML
from triggerfish.services.s3.listing import check_encoding, url_encode
from triggerfish.services.s3.models import NULL_VERSION
from triggerfish.services.s3.multipart import MultipartUploads
from triggerfish.services.s3.multipart_parts import Part, PartChecks, Upload
from triggerfish.services.s3.object_tags import tags_from_header
from triggerfish.services.s3.objects import check_key, check_metadata, check_storage_class

Operation = Callable[[Call], Awaitable[Reply]]
_MAX_LISTED = 2_147_483_647


class MultipartOperations:
    def __init__(self, uploads: MultipartUploads) -> None:
        self._uploads = uploads

    def table(self) -> dict[str, Operation]:
        return {
            "CreateMultipartUpload": self.create,
            "UploadPart": self.upload_part,
            "UploadPartCopy": self.upload_part_copy,
            "CompleteMultipartUpload": self.complete,
            "AbortMultipartUpload": self.abort,
            "ListParts": self.list_parts,
            "ListMultipartUploads": self.list_uploads,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        check_key(p["Key"])
        metadata = dict(p.get("Metadata") or {})
        check_metadata(metadata)
        upload = await self._uploads.create(
            p["Bucket"],
            p["Key"],
            headers=content_headers(p),
            metadata=metadata,
            tags=tags_from_header(p.get("Tagging")),
            storage_class=check_storage_class(p.get("StorageClass")),
            checksum_algorithm=p.get("ChecksumAlgorithm"),
            checksum_type=p.get("ChecksumType"),
        )
        result: dict[str, Any] = {"Bucket": upload.bucket, "Key": upload.key, "UploadId": upload.upload_id}
        if upload.checksum_algorithm:
            result.update(ChecksumAlgorithm=upload.checksum_algorithm, ChecksumType=upload.checksum_type)
        return Reply(result)

    async def upload_part(self, call: Call) -> Reply:
        p = call.params
        body = p.get("Body", b"")
        part = await self._uploads.upload_part(
            p["Bucket"], p["Key"], p["UploadId"], p["PartNumber"], body, _part_checks(call, body)
        )
        return Reply({"ETag": f'"{part.md5}"', **_checksums(part)})

    async def upload_part_copy(self, call: Call) -> Reply:
        p = call.params
        conditions = Conditions(
            if_match=p.get("CopySourceIfMatch"),
            if_none_match=p.get("CopySourceIfNoneMatch"),
            if_modified_since=_epoch(p.get("CopySourceIfModifiedSince")),
            if_unmodified_since=_epoch(p.get("CopySourceIfUnmodifiedSince")),
        )
        part, source = await self._uploads.copy_part(
            p["Bucket"],
            p["Key"],
            p["UploadId"],
            p["PartNumber"],
            parse_copy_source(p["CopySource"]),
            range_header=p.get("CopySourceRange"),
            conditions=conditions,
        )
        result: dict[str, Any] = {
            "CopyPartResult": {"ETag": f'"{part.md5}"', "LastModified": part.last_modified, **_checksums(part)}
        }
        if self._uploads.service.buckets.get(source.bucket).versioned:
            result["CopySourceVersionId"] = source.version_id
        return Reply(result)

    async def complete(self, call: Call) -> Reply:
        p = call.params
        bucket, key = p["Bucket"], p["Key"]
        done = await self._uploads.complete(
            bucket,
            key,
            p["UploadId"],
            _requested_parts(p.get("MultipartUpload")),
            request_info(call),
            if_match=p.get("IfMatch"),
            if_none_match=p.get("IfNoneMatch"),
            checksums={name: p[member_name(name)] for name in ALGORITHMS if p.get(member_name(name))},
            checksum_type=p.get("ChecksumType"),
        )
        host = call.request.headers.get("host", "localhost")
        result: dict[str, Any] = {
            "Location": f"http://{host}/{bucket}/{quote(key)}",
            "Bucket": bucket,
            "Key": key,
            "ETag": f'"{done.etag}"',
            **{member_name(name): value for name, value in done.checksums.items()},
        }
        if done.checksum_type:
            result["ChecksumType"] = done.checksum_type
        if done.version_id != NULL_VERSION or self._uploads.service.buckets.get(bucket).versioned:
            result["VersionId"] = done.version_id
        return Reply(result)

    async def abort(self, call: Call) -> Reply:
        p = call.params
        await self._uploads.abort(
            p["Bucket"], p["Key"], p["UploadId"], if_initiated=_epoch(p.get("IfMatchInitiatedTime"))
        )
        return Reply()

    async def list_parts(self, call: Call) -> Reply:
        p = call.params
        max_parts = _limit(p.get("MaxParts"), "max-parts")
        marker = p.get("PartNumberMarker")
        page = await self._uploads.list_parts(p["Bucket"], p["Key"], p["UploadId"], marker=marker, max_parts=max_parts)
        upload = page.upload
        by = owner(self._uploads.service.buckets.get(upload.bucket).account)
        result: dict[str, Any] = {
            "Bucket": upload.bucket,
            "Key": upload.key,
            "UploadId": upload.upload_id,
            "PartNumberMarker": marker or 0,
            "MaxParts": 1000 if max_parts is None else max_parts,
            "IsTruncated": page.truncated,
            "Parts": [_part(part) for part in page.parts],
            "Initiator": by,
            "Owner": by,
            "StorageClass": upload.storage_class,
            **_checksum_mode(upload),
        }
        if page.next_marker is not None:
            result["NextPartNumberMarker"] = page.next_marker
        return Reply(result)

    async def list_uploads(self, call: Call) -> Reply:
        p = call.params
        url = check_encoding(p.get("EncodingType"))
        name: Callable[[str], str] = url_encode if url else str
        max_uploads = _limit(p.get("MaxUploads"), "max-uploads")
        prefix, delimiter = p.get("Prefix") or "", p.get("Delimiter") or None
        key_marker, upload_id_marker = p.get("KeyMarker") or None, p.get("UploadIdMarker") or None
        page = await self._uploads.list_uploads(
            p["Bucket"],
            prefix=prefix,
            delimiter=delimiter,
            key_marker=key_marker,
            upload_id_marker=upload_id_marker,
            max_uploads=max_uploads,
        )
        by = owner(self._uploads.service.buckets.get(p["Bucket"]).account)
        result: dict[str, Any] = {
            "Bucket": p["Bucket"],
            "KeyMarker": name(key_marker or ""),
            "UploadIdMarker": upload_id_marker or "",
            "MaxUploads": 1000 if max_uploads is None else min(max_uploads, 1000),
            "IsTruncated": page.truncated,
            "Uploads": [_upload(upload, name, by) for upload in page.uploads],
            "CommonPrefixes": [{"Prefix": name(common)} for common in page.common_prefixes],
        }
        if prefix:
            result["Prefix"] = name(prefix)
        if delimiter:
            result["Delimiter"] = name(delimiter)
        if page.next_key_marker is not None:
            result["NextKeyMarker"] = name(page.next_key_marker)
            result["NextUploadIdMarker"] = page.next_upload_id_marker or ""
        if url:
            result["EncodingType"] = "url"
        return Reply(result)


def _part_checks(call: Call, body: object) -> PartChecks:
    p = call.params
    trailer = call.request.headers.get("x-amz-trailer", "")
    trailing = tuple(
        name.strip().lower().removeprefix("x-amz-checksum-").upper()
        for name in trailer.split(",")
        if name.strip().lower().startswith("x-amz-checksum-")
    )
    stream = body if isinstance(body, ChunkedStream) else None
    return PartChecks(
        content_md5=p.get("ContentMD5"),
        checksums={name: p[member_name(name)] for name in ALGORITHMS if p.get(member_name(name))},
        trailing=trailing,
        trailers=(lambda: stream.trailers) if stream is not None else (dict),
        sdk_algorithm=p.get("ChecksumAlgorithm"),
    )


def _requested_parts(document: Mapping[str, Any] | None) -> list[RequestedPart]:
    parts: list[RequestedPart] = []
    for raw in (document or {}).get("Parts") or []:
        if raw.get("PartNumber") is None or raw.get("ETag") is None:
            raise MalformedXML()
        checksums = {name: raw[member_name(name)] for name in ALGORITHMS if raw.get(member_name(name))}
        parts.append(RequestedPart(int(raw["PartNumber"]), unquote_etag(raw["ETag"]), checksums))
    return parts


def _limit(value: int | None, argument: str) -> int | None:
    if value is not None and not 0 <= value <= _MAX_LISTED:
        raise InvalidArgument(f"Argument {argument} must be an integer between 0 and 2147483647", argument, str(value))
    return value


def _epoch(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def _checksums(part: Part) -> dict[str, str]:
    return {member_name(name): value for name, value in part.checksums.items()}


def _checksum_mode(upload: Upload) -> dict[str, str]:
    if upload.checksum_algorithm is None:
        return {}
    return {"ChecksumAlgorithm": upload.checksum_algorithm, "ChecksumType": upload.checksum_type or ""}


def _part(part: Part) -> dict[str, Any]:
    return {
        "PartNumber": part.number,
        "LastModified": part.last_modified,
        "ETag": f'"{part.md5}"',
        "Size": part.size,
        **_checksums(part),
    }


def _upload(upload: Upload, name: Callable[[str], str], by: dict[str, str]) -> dict[str, Any]:
    return {
        "UploadId": upload.upload_id,
        "Key": name(upload.key),
        "Initiated": upload.initiated,
        "StorageClass": upload.storage_class,
        "Owner": by,
        "Initiator": by,
        **_checksum_mode(upload),
    }
