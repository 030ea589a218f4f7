"""S3's values: buckets, stored object versions, and the changes that notifications report (spec §3)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

BUCKET_KIND = "s3.bucket"
#: the current version of each key; scope is the bucket name, name the key
OBJECT_KIND = "s3.object"
#: every version of a key in a bucket whose versioning was ever enabled; name is ``<key>\x00<order>``
VERSION_KIND = "s3.version"
#: multipart uploads in progress; scope is the bucket name, name ``<key>\x00<upload id>``
UPLOAD_KIND = "s3.upload"
#: buckets are global in a partition, so their documents share one scope
BUCKET_SCOPE = "global"
NULL_VERSION = "null"


class Versioning(StrEnum):
    ENABLED = "Enabled"
    SUSPENDED = "Suspended"


@dataclass(frozen=True)
class Bucket:
    """A bucket and its configurations, each kept as the API's shape (a dict) or ``None`` when unset."""

    name: str
    account: str
    region: str
    created_at: float
    versioning: Versioning | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    cors: Mapping[str, Any] | None = None
    policy: str | None = None
    #: the NotificationConfiguration as PutBucketNotificationConfiguration takes it (ids filled in)
    notification: Mapping[str, Any] | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"

    @property
    def versioned(self) -> bool:
        """Whether versions are kept (an enabled or suspended bucket keeps the ones it has)."""
        return self.versioning is not None

    @property
    def eventbridge(self) -> bool:
        return self.notification is not None and "EventBridgeConfiguration" in self.notification


@dataclass(frozen=True)
class ContentHeaders:
    """The representation headers stored with an object and returned by GET and HEAD."""

    content_type: str = "binary/octet-stream"
    content_encoding: str | None = None
    content_disposition: str | None = None
    content_language: str | None = None
    cache_control: str | None = None
    expires: str | None = None


@dataclass(frozen=True)
class StoredObject:
    """One version of one key. A delete marker has ``blob=None`` and ``delete_marker=True``.

    ``etag`` is S3's ETag without quotes: the MD5 hex of the content, or ``<md5 of part md5s>-<N>``
    for a multipart upload. ``checksums`` maps an algorithm (``CRC32``, ``CRC32C``, ``SHA1``,
    ``SHA256``, ``CRC64NVME``) to its base64 value; ``checksum_type`` is ``FULL_OBJECT`` or
    ``COMPOSITE``. ``part_sizes`` lists a multipart object's part sizes in order. ``sequence``
    grows with every change of the bucket and makes the notification ``sequencer``.
    """

    bucket: str
    key: str
    version_id: str
    blob: str | None
    size: int
    etag: str
    last_modified: float
    sequence: int
    headers: ContentHeaders = field(default_factory=ContentHeaders)
    metadata: Mapping[str, str] = field(default_factory=dict)
    checksums: Mapping[str, str] = field(default_factory=dict)
    checksum_type: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    storage_class: str = "STANDARD"
    part_sizes: tuple[int, ...] = ()
    delete_marker: bool = False


@dataclass(frozen=True)
class RequestInfo:
    """Who asked for a change, as notification records tell it."""

    request_id: str
    source_ip: str = "127.0.0.1"
    principal: str = "AWS:000000000000"


@dataclass(frozen=True)
class ObjectChange:
    """A change to report: ``event`` is the name without ``s3:`` (``ObjectCreated:Put``,
    ``ObjectCreated:Copy``, ``ObjectCreated:CompleteMultipartUpload``, ``ObjectRemoved:Delete``,
    ``ObjectRemoved:DeleteMarkerCreated``, ``ObjectTagging:Put``, ``ObjectTagging:Delete``).
    ``obj`` is the version created (or the delete marker); for a permanent delete it is the
    version removed. ``time`` is when the change happened."""

    bucket: Bucket
    event: str
    obj: StoredObject
    request: RequestInfo
    time: float


class ObjectEvents(Protocol):
    """Where the object side reports changes; the notification side decides who hears of them."""

    async def notify(self, change: ObjectChange) -> None:
        """Hand the change to every matching destination; returns once each has it durably."""
