"""S3 event notifications as Lambda, SQS and SNS receive them: ``{"Records": [...]}`` (spec §3.3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NotRequired, TypedDict
from urllib.parse import quote_plus

from triggerfish.core.payloads.timestamps import iso_millis


class S3Principal(TypedDict):
    principalId: str


class S3RequestParameters(TypedDict):
    sourceIPAddress: str


S3ResponseElements = TypedDict("S3ResponseElements", {"x-amz-request-id": str, "x-amz-id-2": str})


class S3Bucket(TypedDict):
    name: str
    ownerIdentity: S3Principal
    arn: str


class _ObjectSize(TypedDict, total=False):
    size: int
    eTag: str


class _ObjectVersion(TypedDict, total=False):
    versionId: str


class S3Object(TypedDict):
    key: str
    size: NotRequired[int]
    eTag: NotRequired[str]
    versionId: NotRequired[str]
    sequencer: str


class S3Entity(TypedDict):
    s3SchemaVersion: str
    configurationId: str
    bucket: S3Bucket
    object: S3Object


class S3RestoreEventData(TypedDict):
    lifecycleRestorationExpiryTime: str
    lifecycleRestoreStorageClass: str


class S3GlacierEventData(TypedDict):
    restoreEventData: S3RestoreEventData


class S3Record(TypedDict):
    eventVersion: str
    eventSource: str
    awsRegion: str
    eventTime: str
    eventName: str
    userIdentity: S3Principal
    requestParameters: S3RequestParameters
    responseElements: S3ResponseElements
    s3: S3Entity
    glacierEventData: NotRequired[S3GlacierEventData]


class S3Event(TypedDict):
    Records: list[S3Record]


# eventVersion 2.2 for replication; 2.3 for lifecycle, intelligent-tiering, ACL, tagging and restore-delete (§3.3)
_VERSION_2_3_PREFIXES = (
    "LifecycleExpiration:",
    "LifecycleTransition",
    "IntelligentTiering",
    "ObjectAcl:",
    "ObjectTagging:",
    "ObjectRestore:Delete",
)


def record_event_name(event_name: str) -> str:
    """``s3:ObjectCreated:Put`` -> ``ObjectCreated:Put``: the record's ``eventName`` drops the prefix (§3.1)."""
    return event_name.removeprefix("s3:")


def event_version(event_name: str) -> str:
    name = record_event_name(event_name)
    if name.startswith("Replication:"):
        return "2.2"
    if name.startswith(_VERSION_2_3_PREFIXES):
        return "2.3"
    return "2.1"


def encode_key(key: str) -> str:
    """The object key as records carry it: form-urlencoded, so ``a b@c`` is ``a+b%40c`` (§3.3).

    Slashes stay as they are: a key ``photos/cat.jpg`` reads ``photos/cat.jpg`` in the record.
    """
    return quote_plus(key, safe="/")


def sequencer_from(value: int) -> str:
    """A ``sequencer`` from a number that grows with every change to a key: upper-case hex, 18 digits."""
    return f"{value:018X}"


def s3_record(
    *,
    event_name: str,
    bucket: str,
    key: str,
    region: str,
    time: float,
    sequencer: str,
    requester: str,
    source_ip: str,
    request_id: str,
    host_id: str,
    bucket_owner: str,
    configuration_id: str,
    size: int | None = None,
    etag: str | None = None,
    version_id: str | None = None,
    restore_expiry_time: float | None = None,
    restore_storage_class: str | None = None,
) -> S3Record:
    """One notification record. ``key`` is the raw key (encoded here); ``etag`` without quotes.

    ``requester`` is the caller's principal id (``AWS:AIDA...``), ``bucket_owner`` the owner's canonical
    principal id, ``request_id``/``host_id`` the ``x-amz-request-id``/``x-amz-id-2`` of the request.
    """
    name = record_event_name(event_name)
    # size and eTag are absent on ObjectRemoved records (§3.3)
    sized: _ObjectSize = {}
    if not name.startswith("ObjectRemoved:"):
        if size is not None:
            sized["size"] = size
        if etag is not None:
            sized["eTag"] = etag
    # versionId is present only for versioned buckets, never null (§3.3, Appendix A)
    versioned: _ObjectVersion = {} if version_id is None else {"versionId": version_id}
    record: S3Record = {
        "eventVersion": event_version(name),
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": iso_millis(time),
        "eventName": name,
        "userIdentity": {"principalId": requester},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {"x-amz-request-id": request_id, "x-amz-id-2": host_id},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {"name": bucket, "ownerIdentity": {"principalId": bucket_owner}, "arn": f"arn:aws:s3:::{bucket}"},
            "object": {"key": encode_key(key), **sized, **versioned, "sequencer": sequencer},
        },
    }
    if restore_expiry_time is not None:
        # a completed restore says until when the restored copy stays and in which class (§3.3)
        record["glacierEventData"] = {
            "restoreEventData": {
                "lifecycleRestorationExpiryTime": iso_millis(restore_expiry_time),
                "lifecycleRestoreStorageClass": restore_storage_class or "STANDARD",
            }
        }
    return record


def s3_event(records: Iterable[S3Record]) -> S3Event:
    return {"Records": list(records)}
