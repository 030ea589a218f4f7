"""Get/PutBucketNotificationConfiguration: a bucket's event notification destinations (spec §3.2).

The legacy GetBucketNotification shares its request line with GetBucketNotificationConfiguration
and loses the tie to it (deprecated operations do), so it never reaches a provider.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.s3.notifications import Notifier, normalise, probed_destinations
from triggerfish.services.s3.service import S3Service

Operation = Callable[[Call], Awaitable[Reply]]


class NotificationOperations:
    def __init__(self, service: S3Service, notifier: Notifier) -> None:
        self._buckets = service.buckets
        self._clock = service.clock
        self._notifier = notifier

    def table(self) -> dict[str, Operation]:
        return {
            "GetBucketNotificationConfiguration": self.get_configuration,
            "PutBucketNotificationConfiguration": self.put_configuration,
        }

    async def get_configuration(self, call: Call) -> Reply:
        # a bucket never configured answers an empty NotificationConfiguration
        bucket = self._buckets.get(call.params["Bucket"])
        return Reply(dict(bucket.notification or {}))

    async def put_configuration(self, call: Call) -> Reply:
        bucket = self._buckets.get(call.params["Bucket"])
        # x-amz-skip-destination-validation: true skips the destination checks and the test events (§3.2)
        skip = bool(call.params.get("SkipDestinationValidation"))
        given = call.params.get("NotificationConfiguration") or {}
        stored = normalise(given, exists=None if skip else self._notifier.deliveries.exists)
        bucket = await self._buckets.update(replace(bucket, notification=stored))
        if not skip:
            arns = probed_destinations(stored)
            await self._notifier.send_test_events(bucket, arns, request_id=call.request_id, time=self._clock.now())
        return Reply()
