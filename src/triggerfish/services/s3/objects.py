"""Object writes and reads: PutObject, GetObject / HeadObject, and object tagging.

Bodies stream to the blob store and back; nothing here holds an object's content in memory.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterable, Callable, Mapping
from dataclasses import dataclass, field, replace

from triggerfish.services.s3.blobs import Blob
from triggerfish.services.s3.checksums import ALGORITHMS, DIGEST_SIZES, header_name, is_base64_of
from triggerfish.services.s3.conditions import Conditions, check_read, check_write
from triggerfish.services.s3.errors import (
    BadDigest,
    EntityTooLarge,
    InvalidArgument,
    InvalidDigest,
    InvalidRequest,
    InvalidStorageClass,
    KeyTooLong,
    MetadataTooLarge,
    MethodNotAllowed,
    NoSuchKey,
    NoSuchVersion,
    XAmzContentSHA256Mismatch,
)
from triggerfish.services.s3.models import NULL_VERSION, Bucket, ContentHeaders, RequestInfo, StoredObject
from triggerfish.services.s3.ranges import ByteRange, parse_range, part_range
from triggerfish.services.s3.service import CREATED_PUT, TAGGING_DELETE, TAGGING_PUT, S3Service, uncommitted

#: the largest object a single PUT may upload: 5 GB (S3 User Guide, "Uploading objects")
MAX_PUT_SIZE = 5 * 1024**3
#: user-defined metadata: the UTF-8 bytes of every key and value, at most 2 KB (S3 "Object metadata")
MAX_METADATA = 2048
MAX_KEY_BYTES = 1024
STORAGE_CLASSES = frozenset(
    {
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
        "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS",
    }
)  # fmt: skip
_SHA256 = "SHA256"
NO_CONDITIONS = Conditions()


@dataclass(frozen=True)
class PutInput:
    bucket: str
    key: str
    body: bytes | AsyncIterable[bytes]
    content: ContentHeaders = field(default_factory=ContentHeaders)
    metadata: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    storage_class: str | None = None
    content_length: int | None = None
    content_md5: str | None = None
    #: ``x-amz-sdk-checksum-algorithm``: the algorithm to compute and keep
    checksum_algorithm: str | None = None
    #: ``x-amz-checksum-<algorithm>`` headers sent: algorithm -> base64 value
    checksums: Mapping[str, str] = field(default_factory=dict)
    #: the ``x-amz-trailer`` header: the checksum that follows an aws-chunked body
    trailer: str | None = None
    #: the trailers of the body, known once it has been read
    trailers: Callable[[], Mapping[str, str]] | None = None
    #: ``x-amz-content-sha256`` when it is a digest (a signed payload)
    content_sha256: str | None = None
    if_match: str | None = None
    if_none_match: str | None = None


def check_key(key: str) -> None:
    size = len(key.encode("utf-8"))
    if size > MAX_KEY_BYTES:
        raise KeyTooLong(size, MAX_KEY_BYTES)


def check_metadata(metadata: Mapping[str, str]) -> None:
    size = sum(len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in metadata.items())
    if size > MAX_METADATA:
        raise MetadataTooLarge(size, MAX_METADATA)


def check_storage_class(storage_class: str | None) -> str:
    if storage_class is None:
        return "STANDARD"
    if storage_class not in STORAGE_CLASSES:
        raise InvalidStorageClass(storage_class)
    return storage_class


def _md5_hex(content_md5: str) -> str:
    try:
        digest = base64.b64decode(content_md5, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidDigest(content_md5) from None
    if len(digest) != 16:
        raise InvalidDigest(content_md5)
    return digest.hex()


@dataclass(frozen=True)
class _ChecksumPlan:
    algorithm: str | None
    expected: str | None
    from_trailer: bool


def _plan_checksum(put: PutInput) -> _ChecksumPlan:
    given = {name.upper(): value for name, value in put.checksums.items() if value}
    if len(given) > 1:
        raise InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.")
    if given:
        algorithm, value = next(iter(given.items()))
        if not is_base64_of(value, DIGEST_SIZES[algorithm]):
            raise InvalidRequest(f"Value for {header_name(algorithm)} header is invalid.")
        return _ChecksumPlan(algorithm, value, False)
    if put.trailer:
        name = put.trailer.strip().lower().removeprefix("x-amz-checksum-").upper()
        if name not in ALGORITHMS:
            raise InvalidRequest("The value specified in the x-amz-trailer header is not supported")
        return _ChecksumPlan(name, None, True)
    if put.checksum_algorithm:
        name = put.checksum_algorithm.upper()
        if name not in ALGORITHMS:
            raise InvalidRequest(
                "Checksum algorithm provided is unsupported. Please try again with any of the valid types: "
                "[CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"
            )
        return _ChecksumPlan(name, None, False)
    return _ChecksumPlan(None, None, False)


def _is_digest(value: str | None) -> bool:
    return value is not None and len(value) == 64 and all(c in "0123456789abcdef" for c in value.lower())


async def put_object(service: S3Service, put: PutInput, request: RequestInfo) -> StoredObject:
    bucket = service.buckets.get(put.bucket)
    check_key(put.key)
    check_metadata(put.metadata)
    storage_class = check_storage_class(put.storage_class)
    md5 = _md5_hex(put.content_md5) if put.content_md5 is not None else None
    if put.content_length is not None and put.content_length > MAX_PUT_SIZE:
        raise EntityTooLarge(put.content_length, MAX_PUT_SIZE)
    plan = _plan_checksum(put)
    if put.if_match is not None or put.if_none_match is not None:
        check_write(put.key, await service.index.current(bucket.name, put.key), put.if_match, put.if_none_match)
    wanted = {plan.algorithm} if plan.algorithm else set()
    if _is_digest(put.content_sha256):
        wanted.add(_SHA256)
    blob = await service.blobs.write(put.body, checksums=wanted, limit=MAX_PUT_SIZE)
    try:
        checksums = _verify(put, plan, md5, blob)
    except BaseException:
        await service.blobs.delete(blob.id)
        raise
    obj = uncommitted(
        bucket,
        put.key,
        blob,
        headers=put.content,
        metadata=dict(put.metadata),
        checksums=checksums,
        checksum_type="FULL_OBJECT" if checksums else None,
        tags=dict(put.tags),
        storage_class=storage_class,
    )
    if put.if_match is not None or put.if_none_match is not None:
        # the condition holds at commit time too: a racing write may have come in meanwhile
        check_write(put.key, await service.index.current(bucket.name, put.key), put.if_match, put.if_none_match)
    return await service.commit(bucket, obj, CREATED_PUT, request)


def _verify(put: PutInput, plan: _ChecksumPlan, md5: str | None, blob: Blob) -> dict[str, str]:
    if md5 is not None and md5 != blob.md5:
        raise BadDigest.content_md5(put.content_md5 or "", base64.b64encode(bytes.fromhex(blob.md5)).decode())
    if _is_digest(put.content_sha256) and put.content_sha256 is not None:
        computed = base64.b64decode(blob.checksums[_SHA256]).hex()
        if computed != put.content_sha256.lower():
            raise XAmzContentSHA256Mismatch(put.content_sha256, computed)
    if plan.algorithm is None:
        return {}
    actual = blob.checksums[plan.algorithm]
    expected = plan.expected
    if plan.from_trailer:
        trailers = {k.lower(): v for k, v in (put.trailers() if put.trailers else {}).items()}
        expected = trailers.get(header_name(plan.algorithm))
    if expected is not None and expected != actual:
        raise BadDigest.checksum(plan.algorithm)
    return {plan.algorithm: actual}


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectRead:
    """What GetObject / HeadObject answer: the version and the bytes asked for (``None``: all)."""

    bucket: Bucket
    obj: StoredObject
    range: ByteRange | None = None


async def find_version(service: S3Service, bucket: Bucket, key: str, version_id: str | None) -> StoredObject:
    """The version asked for, delete markers included; NoSuchKey / NoSuchVersion otherwise."""
    if version_id is None:
        obj = await service.index.current(bucket.name, key)
        if obj is None:
            raise NoSuchKey(key)
        return obj
    if not bucket.versioned and version_id != NULL_VERSION:
        # S3 checks the form of a version id before looking for it
        raise InvalidArgument("Invalid version id specified", "versionId", version_id)
    obj = await service.index.version(bucket.name, key, version_id)
    if obj is None:
        raise NoSuchVersion(key, version_id)
    return obj


async def read_object(
    service: S3Service,
    bucket_name: str,
    key: str,
    *,
    method: str = "GET",
    version_id: str | None = None,
    conditions: Conditions = NO_CONDITIONS,
    range_header: str | None = None,
    part_number: int | None = None,
) -> ObjectRead:
    bucket = service.buckets.get(bucket_name)
    obj = await find_version(service, bucket, key, version_id)
    if obj.delete_marker:
        if version_id is None:
            raise NoSuchKey(key)
        # asking a delete marker by version for its content is not allowed (S3 GetObject)
        raise MethodNotAllowed(method)
    check_read(obj, conditions)
    if part_number is not None:
        if range_header is not None:
            raise InvalidRequest("Cannot specify both Range header and partNumber query parameter")
        return ObjectRead(bucket, obj, part_range(obj, part_number))
    return ObjectRead(bucket, obj, parse_range(range_header, obj.size))


# --- tagging ---------------------------------------------------------------------------------


async def _live_version(service: S3Service, bucket: Bucket, key: str, version_id: str | None) -> StoredObject:
    obj = await find_version(service, bucket, key, version_id)
    if obj.delete_marker:
        if version_id is None:
            raise NoSuchKey(key)
        raise MethodNotAllowed("GET")
    return obj


async def get_tags(service: S3Service, bucket_name: str, key: str, version_id: str | None) -> StoredObject:
    bucket = service.buckets.get(bucket_name)
    return await _live_version(service, bucket, key, version_id)


async def put_tags(
    service: S3Service,
    bucket_name: str,
    key: str,
    version_id: str | None,
    tags: Mapping[str, str],
    request: RequestInfo,
) -> StoredObject:
    bucket = service.buckets.get(bucket_name)
    obj = await _live_version(service, bucket, key, version_id)
    changed = await service.rewrite(bucket, replace(obj, tags=dict(tags)))
    await service.report(bucket, TAGGING_PUT, changed, request)
    return changed


async def delete_tags(
    service: S3Service, bucket_name: str, key: str, version_id: str | None, request: RequestInfo
) -> StoredObject:
    bucket = service.buckets.get(bucket_name)
    obj = await _live_version(service, bucket, key, version_id)
    changed = await service.rewrite(bucket, replace(obj, tags={}))
    await service.report(bucket, TAGGING_DELETE, changed, request)
    return changed
