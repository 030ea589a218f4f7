"""Delivery by ARN to a bucket (``arn:aws:s3:::<bucket>``): a delivery is a PutObject.

Event source mappings send their OnFailure records to a bucket this way (spec §7.1): the body becomes
the object's content at ``Delivery.object_key``. The write goes through PutObject's own path, so
versioning holds and the bucket's notifications fire as for any other upload. A missing bucket, or a
write the bucket refuses, is a failed delivery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triggerfish.core.arns import parse_arn
from triggerfish.core.delivery import Delivery, DeliveryFailed
from triggerfish.core.errors import TriggerfishError
from triggerfish.core.ids import request_id
from triggerfish.services.s3.models import RequestInfo
from triggerfish.services.s3.objects import PutInput, put_object

if TYPE_CHECKING:
    from triggerfish.services.s3.service import S3Service


class S3Deliverer:
    def __init__(self, service: S3Service) -> None:
        self._service = service

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        name = _bucket_name(arn)
        if name is None or self._service.buckets.find(name) is None:
            raise DeliveryFailed(f"the bucket {arn} does not exist")
        if not delivery.object_key:
            raise DeliveryFailed(f"a delivery to the bucket {arn} needs an object key")
        content = delivery.data if delivery.data is not None else delivery.body.encode()
        put = PutInput(bucket=name, key=delivery.object_key, body=content)
        try:
            await put_object(self._service, put, RequestInfo(request_id()))
        except TriggerfishError as exc:
            raise DeliveryFailed(f"the bucket {arn} refused the object: {exc.message}") from exc

    def exists(self, arn: str) -> bool:
        name = _bucket_name(arn)
        return name is not None and self._service.buckets.find(name) is not None


def _bucket_name(arn: str) -> str | None:
    """The bucket an S3 bucket ARN names (no region, no account); ``None`` for any other ARN."""
    try:
        parsed = parse_arn(arn)
    except ValueError:
        return None
    if parsed.service != "s3" or "/" in parsed.resource or not parsed.resource:
        return None
    return parsed.resource
