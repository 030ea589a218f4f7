"""CopyObject: a new version made of another object's content (S3 CopyObject).

The copy gets a blob of its own (a version's blob goes with the version), is reported as
``ObjectCreated:Copy`` and, like every new version, is stored through ``S3Service.commit``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from triggerfish.services.s3.checksums import ALGORITHMS
from triggerfish.services.s3.conditions import Conditions, check_copy_source
from triggerfish.services.s3.errors import InvalidArgument, InvalidRequest, NoSuchKey
from triggerfish.services.s3.models import ContentHeaders, RequestInfo, StoredObject
from triggerfish.services.s3.objects import check_key, check_metadata, check_storage_class, find_version
from triggerfish.services.s3.service import CREATED_COPY, S3Service, uncommitted

_SELF_COPY = (
    "This copy request is illegal because it is trying to copy an object to itself without changing the "
    "object's metadata, storage class, website redirect location or encryption attributes."
)


@dataclass(frozen=True)
class CopySource:
    bucket: str
    key: str
    version_id: str | None = None


def parse_copy_source(header: str) -> CopySource:
    """``x-amz-copy-source``: ``[/]bucket/key[?versionId=id]``, the key URL-encoded."""
    path, _, query = header.partition("?")
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    if not bucket or not key:
        raise InvalidArgument(
            "Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", header
        )
    version_id: str | None = None
    if query:
        name, _, value = query.partition("=")
        if name != "versionId" or not value:
            raise InvalidArgument("Invalid copy source version id", "x-amz-copy-source", header)
        version_id = unquote(value)
    return CopySource(bucket, key, version_id)


@dataclass(frozen=True)
class CopyInput:
    bucket: str
    key: str
    source: CopySource
    #: ``COPY`` keeps the source's metadata and content headers; ``REPLACE`` takes these
    metadata_directive: str = "COPY"
    content: ContentHeaders | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    tagging_directive: str = "COPY"
    tags: Mapping[str, str] = field(default_factory=dict)
    storage_class: str | None = None
    checksum_algorithm: str | None = None
    website_redirect: str | None = None
    encryption: str | None = None
    conditions: Conditions = field(default_factory=Conditions)


@dataclass(frozen=True)
class CopyResult:
    obj: StoredObject
    source: StoredObject


async def copy_object(service: S3Service, copy: CopyInput, request: RequestInfo) -> CopyResult:
    target = service.buckets.get(copy.bucket)
    check_key(copy.key)
    source_bucket = service.buckets.get(copy.source.bucket)
    source = await find_version(service, source_bucket, copy.source.key, copy.source.version_id)
    if source.delete_marker:
        if copy.source.version_id is None:
            raise NoSuchKey(copy.source.key)
        raise InvalidRequest(
            "The source of a copy request may not specifically refer to a delete marker by version id."
        )
    check_copy_source(source, copy.conditions)
    replace_metadata = _directive(copy.metadata_directive, "x-amz-metadata-directive") == "REPLACE"
    replace_tags = _directive(copy.tagging_directive, "x-amz-tagging-directive") == "REPLACE"
    storage_class = check_storage_class(copy.storage_class)
    if (
        copy.bucket == copy.source.bucket
        and copy.key == copy.source.key
        and not replace_metadata
        and copy.storage_class is None
        and copy.website_redirect is None
        and copy.encryption is None
    ):
        raise InvalidRequest(_SELF_COPY)
    metadata = dict(copy.metadata) if replace_metadata else dict(source.metadata)
    check_metadata(metadata)
    algorithms = _algorithms(copy.checksum_algorithm, source)
    assert source.blob is not None
    blob = await service.blobs.compose([(source.blob, 0, source.size)], checksums=algorithms)
    obj = uncommitted(
        target,
        copy.key,
        blob,
        headers=(copy.content or ContentHeaders()) if replace_metadata else source.headers,
        metadata=metadata,
        checksums=dict(blob.checksums),
        checksum_type="FULL_OBJECT" if blob.checksums else None,
        tags=dict(copy.tags) if replace_tags else dict(source.tags),
        storage_class=storage_class,
    )
    stored = await service.commit(target, obj, CREATED_COPY, request)
    return CopyResult(stored, source)


def _directive(value: str, header: str) -> str:
    if value not in ("COPY", "REPLACE"):
        raise InvalidArgument(f"Unknown {header.removeprefix('x-amz-')}", header, value)
    return value


def _algorithms(asked: str | None, source: StoredObject) -> list[str]:
    if asked is not None:
        if asked.upper() not in ALGORITHMS:
            raise InvalidRequest("Checksum algorithm provided is unsupported.")
        return [asked.upper()]
    # the copy keeps the source's checksum algorithm (S3 "Checking object integrity")
    return [name for name in source.checksums if name in ALGORITHMS]
