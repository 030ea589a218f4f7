"""Telling destinations about object changes: one record per matching configuration, and the default bus.

S3 hands each notification over once and drops it when the destination is gone or refuses it
(spec §3.2): a failed destination is logged and never stops the others. Every delivery has been
handed over (and stored by its receiver) when :meth:`Notifier.notify` returns, so a caller that
answers its client afterwards never loses one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import orjson

from triggerfish.core.arns import parse_arn
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.errors import TriggerfishError
from triggerfish.core.ids import DEFAULT_ACCOUNT
from triggerfish.core.payloads.s3 import s3_event
from triggerfish.services.s3.models import Bucket, ObjectChange
from triggerfish.services.s3.notifications.config import TOPIC, Target, targets
from triggerfish.services.s3.notifications.matching import event_matches
from triggerfish.services.s3.notifications.records import (
    detail_type,
    eventbridge_detail,
    notification_record,
    test_event,
)

logger = logging.getLogger(__name__)

#: the Subject S3 gives the SNS messages it publishes
SNS_SUBJECT = "Amazon S3 Notification"


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


class Notifier:
    """The :class:`~triggerfish.services.s3.models.ObjectEvents` that S3's object side reports to."""

    def __init__(self, deliveries: DeliveryRegistry, *, account: str = DEFAULT_ACCOUNT) -> None:
        """``account`` is the one callers act as: the ``requester`` of EventBridge details (§3.4)."""
        self._deliveries = deliveries
        self._account = account

    @property
    def deliveries(self) -> DeliveryRegistry:
        return self._deliveries

    async def notify(self, change: ObjectChange) -> None:
        for target in self.matching(change):
            record = notification_record(change, configuration_id=target.id, owner=change.bucket.account)
            # one record per message (§3.2)
            await self._send(target.arn, self._delivery(target, _json(s3_event([record]))))
        if change.bucket.eventbridge:
            await self._to_eventbridge(change)

    def matching(self, change: ObjectChange) -> list[Target]:
        """The configurations that hear of ``change``: an event name covers it and the raw key passes the filter."""
        key = change.obj.key
        return [
            target
            for target in targets(change.bucket.notification)
            if any(event_matches(name, change.event) for name in target.events) and target.key_filter.matches(key)
        ]

    async def send_test_events(self, bucket: Bucket, arns: Iterable[str], *, request_id: str, time: float) -> None:
        """s3:TestEvent to each queue or topic a new configuration names (§3.2)."""
        body = _json(test_event(bucket=bucket.name, request_id=request_id, time=time))
        for arn in arns:
            subject = SNS_SUBJECT if parse_arn(arn).service == "sns" else None
            await self._send(arn, Delivery(body=body, subject=subject))

    def _delivery(self, target: Target, body: str) -> Delivery:
        # a function is invoked asynchronously by its deliverer (§3.2); SNS messages carry S3's subject
        return Delivery(body=body, subject=SNS_SUBJECT if target.kind is TOPIC else None)

    async def _to_eventbridge(self, change: ObjectChange) -> None:
        kind = detail_type(change.event)
        if kind is None:
            return
        bus = f"arn:aws:events:{change.bucket.region}:{change.bucket.account}:event-bus/default"
        detail = eventbridge_detail(change, requester=self._account)
        delivery = Delivery(body=_json(detail), detail_type=kind, source="aws.s3", resources=(change.bucket.arn,))
        await self._send(bus, delivery)

    async def _send(self, arn: str, delivery: Delivery) -> None:
        try:
            await self._deliveries.deliver(arn, delivery)
        except (DeliveryFailed, TriggerfishError) as exc:
            # S3 drops a notification its destination will not take (§3.2)
            logger.warning("S3 notification to %s dropped: %s", arn, exc)
        except Exception:
            # one destination's failure never keeps the others from hearing of the change
            logger.exception("S3 notification to %s dropped", arn)
