"""Listing operations: ListObjects, ListObjectsV2 and ListObjectVersions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.s3.bucket_settings import owner
from triggerfish.services.s3.listing import (
    ListQuery,
    check_encoding,
    continuation_token,
    list_objects,
    page_size,
    token_position,
    url_encode,
)
from triggerfish.services.s3.listing_versions import VersionQuery, list_versions, versions_page_size
from triggerfish.services.s3.models import StoredObject
from triggerfish.services.s3.service import S3Service

Operation = Callable[[Call], Awaitable[Reply]]


class ListingOperations:
    def __init__(self, service: S3Service) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "ListObjects": self.list_objects,
            "ListObjectsV2": self.list_objects_v2,
            "ListObjectVersions": self.list_object_versions,
        }

    async def list_objects_v2(self, call: Call) -> Reply:
        p = call.params
        bucket = self._service.buckets.get(p["Bucket"])
        encoded = _Names(check_encoding(p.get("EncodingType")))
        token: str | None = p.get("ContinuationToken") or None
        start_after: str | None = p.get("StartAfter") or None
        # a continuation token wins over StartAfter (S3 ListObjectsV2)
        after = token_position(token) if token is not None else start_after
        query = ListQuery(p.get("Prefix") or "", p.get("Delimiter") or "", page_size(p.get("MaxKeys")), after)
        page = await list_objects(self._service.index, bucket.name, query)
        owned_by = owner(bucket.account) if p.get("FetchOwner") else None
        result: dict[str, Any] = {
            "IsTruncated": page.truncated,
            "Contents": [_object(obj, encoded, owned_by) for obj in page.objects],
            "Name": bucket.name,
            "Prefix": encoded(query.prefix),
            "MaxKeys": query.max_keys,
            "CommonPrefixes": [{"Prefix": encoded(prefix)} for prefix in page.common_prefixes],
            "KeyCount": page.count,
            **encoded.optional("Delimiter", query.delimiter),
            **encoded.kind(),
            **encoded.optional("StartAfter", start_after),
        }
        if token is not None:
            result["ContinuationToken"] = token
        if page.truncated and page.last is not None:
            result["NextContinuationToken"] = continuation_token(page.last)
        return Reply(result)

    async def list_objects(self, call: Call) -> Reply:
        p = call.params
        bucket = self._service.buckets.get(p["Bucket"])
        encoded = _Names(check_encoding(p.get("EncodingType")))
        marker: str = p.get("Marker") or ""
        query = ListQuery(p.get("Prefix") or "", p.get("Delimiter") or "", page_size(p.get("MaxKeys")), marker or None)
        page = await list_objects(self._service.index, bucket.name, query)
        result: dict[str, Any] = {
            "IsTruncated": page.truncated,
            "Marker": encoded(marker),
            "Contents": [_object(obj, encoded, owner(bucket.account)) for obj in page.objects],
            "Name": bucket.name,
            "Prefix": encoded(query.prefix),
            "MaxKeys": query.max_keys,
            "CommonPrefixes": [{"Prefix": encoded(prefix)} for prefix in page.common_prefixes],
            **encoded.optional("Delimiter", query.delimiter),
            **encoded.kind(),
        }
        # S3 ListObjects sends NextMarker only with a delimiter; without one the last key is the marker
        if page.truncated and query.delimiter and page.last is not None:
            result["NextMarker"] = encoded(page.last)
        return Reply(result)

    async def list_object_versions(self, call: Call) -> Reply:
        p = call.params
        bucket = self._service.buckets.get(p["Bucket"])
        encoded = _Names(check_encoding(p.get("EncodingType")))
        query = VersionQuery(
            p.get("Prefix") or "",
            p.get("Delimiter") or "",
            versions_page_size(p.get("MaxKeys")),
            p.get("KeyMarker") or None,
            p.get("VersionIdMarker") or None,
        )
        page = await list_versions(self._service.index, bucket.name, query)
        owned_by = owner(bucket.account)
        versions: list[dict[str, Any]] = []
        markers: list[dict[str, Any]] = []
        for listed in page.versions:
            obj = listed.obj
            entry = {"Key": encoded(obj.key), "VersionId": obj.version_id, "IsLatest": listed.latest}
            if obj.delete_marker:
                markers.append({**entry, "LastModified": obj.last_modified, "Owner": owned_by})
            else:
                versions.append({**_object(obj, encoded, owned_by), **entry})
        result: dict[str, Any] = {
            "IsTruncated": page.truncated,
            "KeyMarker": encoded(query.key_marker or ""),
            "VersionIdMarker": query.version_marker or "",
            "Versions": versions,
            "DeleteMarkers": markers,
            "Name": bucket.name,
            "Prefix": encoded(query.prefix),
            "MaxKeys": query.max_keys,
            "CommonPrefixes": [{"Prefix": encoded(prefix)} for prefix in page.common_prefixes],
            **encoded.optional("Delimiter", query.delimiter),
            **encoded.kind(),
        }
        if page.next_key_marker is not None:
            result["NextKeyMarker"] = encoded(page.next_key_marker)
        if page.next_version_marker is not None:
            result["NextVersionIdMarker"] = page.next_version_marker
        return Reply(result)


class _Names:
    """Writes names as asked: URL-encoded under ``EncodingType=url``, as they are otherwise."""

    def __init__(self, url: bool) -> None:
        self.url = url

    def __call__(self, name: str) -> str:
        return url_encode(name) if self.url else name

    def optional(self, member: str, name: str | None) -> dict[str, str]:
        return {member: self(name)} if name else {}

    def kind(self) -> dict[str, str]:
        return {"EncodingType": "url"} if self.url else {}


def _object(obj: StoredObject, encoded: _Names, owned_by: dict[str, str] | None) -> dict[str, Any]:
    """An object (or version) as listings show it; ETags are quoted on the wire."""
    shape: dict[str, Any] = {
        "Key": encoded(obj.key),
        "LastModified": obj.last_modified,
        "ETag": f'"{obj.etag}"',
        "Size": obj.size,
        "StorageClass": obj.storage_class,
    }
    if obj.checksums:
        shape["ChecksumAlgorithm"] = sorted(obj.checksums)
    if obj.checksum_type:
        shape["ChecksumType"] = obj.checksum_type
    if owned_by is not None:
        shape["Owner"] = owned_by
    return shape
