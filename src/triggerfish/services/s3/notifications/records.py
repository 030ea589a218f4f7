"""What destinations receive: notification records (§3.3), the test event (§3.2) and EventBridge details (§3.4)."""

from __future__ import annotations

from typing import Any

from triggerfish.core.payloads.s3 import S3Record, s3_record, sequencer_from
from triggerfish.core.payloads.timestamps import iso_millis
from triggerfish.services.s3.models import ObjectChange

#: the x-amz-id-2 our endpoint answers with, so a record names the host its response named
HOST_ID = "triggerfish"
#: a delete marker has no content; S3 reports the ETag of empty content for it (§3.4)
EMPTY_ETAG = "d41d8cd98f00b204e9800998ecf8427e"

# EventBridge detail-type per record event family (§3.4)
_DETAIL_TYPES = (
    ("ObjectCreated:", "Object Created"),
    ("ObjectRemoved:", "Object Deleted"),
    ("LifecycleExpiration:", "Object Deleted"),
    ("ObjectTagging:Put", "Object Tags Added"),
    ("ObjectTagging:Delete", "Object Tags Deleted"),
    ("ObjectAcl:Put", "Object ACL Updated"),
    ("ObjectRestore:Post", "Object Restore Initiated"),
    ("ObjectRestore:Completed", "Object Restore Completed"),
    ("ObjectRestore:Delete", "Object Restore Expired"),
    ("LifecycleTransition", "Object Storage Class Changed"),
    ("IntelligentTiering", "Object Access Tier Changed"),
)

# EventBridge `reason` per event (§3.4)
_REASONS = {
    "ObjectCreated:Put": "PutObject",
    "ObjectCreated:Post": "POST Object",
    "ObjectCreated:Copy": "CopyObject",
    "ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
    "ObjectRemoved:Delete": "DeleteObject",
    "ObjectRemoved:DeleteMarkerCreated": "DeleteObject",
    "LifecycleExpiration:Delete": "Lifecycle Expiration",
    "LifecycleExpiration:DeleteMarkerCreated": "Lifecycle Expiration",
}


def _is_tagging(event: str) -> bool:
    return event.startswith("ObjectTagging:")


def notification_record(change: ObjectChange, *, configuration_id: str, owner: str) -> S3Record:
    """The one record a Queue/Topic/LambdaFunction configuration receives for ``change`` (§3.3)."""
    obj, bucket = change.obj, change.bucket
    # tagging records carry the tagged version's ETag but no size (eventVersion 2.3, §3.3)
    size = None if _is_tagging(change.event) else obj.size
    return s3_record(
        event_name=change.event,
        bucket=bucket.name,
        key=obj.key,
        region=bucket.region,
        time=change.time,
        sequencer=sequencer_from(obj.sequence),
        requester=change.request.principal,
        source_ip=change.request.source_ip,
        request_id=change.request.request_id,
        host_id=HOST_ID,
        bucket_owner=owner,
        configuration_id=configuration_id,
        size=size,
        etag=obj.etag,
        # versionId only for versioned buckets (§3.3)
        version_id=obj.version_id if bucket.versioned else None,
    )


def test_event(*, bucket: str, request_id: str, time: float) -> dict[str, str]:
    """The message S3 sends to a queue or topic when a configuration names it (§3.2)."""
    return {
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": iso_millis(time),
        "Bucket": bucket,
        "RequestId": request_id,
        "HostId": HOST_ID,
    }


def detail_type(event: str) -> str | None:
    """The EventBridge detail-type of a record event, or ``None`` for events EventBridge does not get."""
    return next((kind for prefix, kind in _DETAIL_TYPES if event.startswith(prefix)), None)


def eventbridge_detail(change: ObjectChange, *, requester: str) -> dict[str, Any]:
    """The ``detail`` of the event put on the default bus (§3.4): key not url-encoded, hyphenated names."""
    obj, bucket, event = change.obj, change.bucket, change.event
    created = event.startswith("ObjectCreated:")
    removed = event.startswith(("ObjectRemoved:", "LifecycleExpiration:"))
    described: dict[str, Any] = {"key": obj.key}
    if created:
        described["size"] = obj.size
    # deletions omit size, and the ETag too when the bucket is unversioned (§3.4)
    if not removed or bucket.versioned:
        described["etag"] = obj.etag or EMPTY_ETAG
    if bucket.versioned:
        described["version-id"] = obj.version_id
    if not _is_tagging(event):
        described["sequencer"] = sequencer_from(obj.sequence)
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket.name},
        "object": described,
        "request-id": change.request.request_id,
        "requester": requester,
        "source-ip-address": change.request.source_ip,
    }
    reason = _REASONS.get(event)
    if reason is not None:
        detail["reason"] = reason
    if removed:
        marker = event.endswith(":DeleteMarkerCreated")
        detail["deletion-type"] = "Delete Marker Created" if marker else "Permanently Deleted"
    return detail
