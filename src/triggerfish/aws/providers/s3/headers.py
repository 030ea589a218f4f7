"""What object operations read from and write to the wire: content headers, checksums, the
requester, and the headers GetObject and HeadObject answer with."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.aws.providers.base import Call
from triggerfish.services.s3.checksums import ALGORITHMS, member_name
from triggerfish.services.s3.conditions import Conditions
from triggerfish.services.s3.models import Bucket, ContentHeaders, RequestInfo, StoredObject

_CONTENT_MEMBERS = {
    "ContentType": "content_type",
    "ContentEncoding": "content_encoding",
    "ContentDisposition": "content_disposition",
    "ContentLanguage": "content_language",
    "CacheControl": "cache_control",
    "Expires": "expires",
}
#: GetObject's ``response-*`` query parameters and the header each one overrides (S3 GetObject)
_OVERRIDES = {
    "ResponseContentType": "ContentType",
    "ResponseContentEncoding": "ContentEncoding",
    "ResponseContentDisposition": "ContentDisposition",
    "ResponseContentLanguage": "ContentLanguage",
    "ResponseCacheControl": "CacheControl",
    "ResponseExpires": "Expires",
}


def request_info(call: Call) -> RequestInfo:
    forwarded = call.request.headers.get("x-forwarded-for", "")
    return RequestInfo(call.request_id, forwarded.split(",")[0].strip() or "127.0.0.1")


def content_headers(params: Mapping[str, Any]) -> ContentHeaders:
    values = {field: params[member] for member, field in _CONTENT_MEMBERS.items() if params.get(member)}
    return ContentHeaders(**{k: str(v) for k, v in values.items()})


def given_checksums(params: Mapping[str, Any]) -> dict[str, str]:
    """The ``x-amz-checksum-*`` values a request carries: algorithm -> base64."""
    return {name: params[member_name(name)] for name in ALGORITHMS if params.get(member_name(name))}


def checksum_members(obj: StoredObject) -> dict[str, Any]:
    members: dict[str, Any] = {member_name(name): value for name, value in obj.checksums.items()}
    if members and obj.checksum_type:
        members["ChecksumType"] = obj.checksum_type
    return members


def read_conditions(params: Mapping[str, Any], prefix: str = "") -> Conditions:
    def seconds(member: str) -> float | None:
        value = params.get(prefix + member)
        return None if value is None else float(value.timestamp())

    return Conditions(
        if_match=params.get(prefix + "IfMatch"),
        if_none_match=params.get(prefix + "IfNoneMatch"),
        if_modified_since=seconds("IfModifiedSince"),
        if_unmodified_since=seconds("IfUnmodifiedSince"),
    )


def version_member(bucket: Bucket, obj: StoredObject) -> dict[str, str]:
    """``x-amz-version-id`` is answered by buckets that keep versions, ``null`` ones included."""
    return {"VersionId": obj.version_id} if bucket.versioned else {}


def object_headers(bucket: Bucket, obj: StoredObject, params: Mapping[str, Any]) -> dict[str, Any]:
    """The members GetObject and HeadObject answer for a whole object."""
    headers = obj.headers
    result: dict[str, Any] = {
        "AcceptRanges": "bytes",
        "LastModified": obj.last_modified,
        "ContentLength": obj.size,
        "ETag": f'"{obj.etag}"',
        "ContentType": headers.content_type,
        "ContentEncoding": headers.content_encoding,
        "ContentDisposition": headers.content_disposition,
        "ContentLanguage": headers.content_language,
        "CacheControl": headers.cache_control,
        "Expires": headers.expires,
        "Metadata": dict(obj.metadata) or None,
        **version_member(bucket, obj),
    }
    if obj.storage_class != "STANDARD":
        result["StorageClass"] = obj.storage_class
    if obj.tags:
        result["TagCount"] = len(obj.tags)
    if str(params.get("ChecksumMode", "")).upper() == "ENABLED":
        result.update(checksum_members(obj))
    for query, member in _OVERRIDES.items():
        value = params.get(query)
        if value is not None:
            result[member] = value.strftime("%a, %d %b %Y %H:%M:%S GMT") if member == "Expires" else value
    return {k: v for k, v in result.items() if v is not None}
