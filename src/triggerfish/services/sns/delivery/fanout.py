"""Handing a published notification to every subscriber, with SNS's retries and dead-letter queues.

A notification goes to each confirmed subscription whose filter policy matches (spec §5.4). Lambda
and SQS subscribers get a first attempt inline, since Publish's latency is their start latency;
HTTP/S subscribers are POSTed from the durable queue, so a slow endpoint never holds Publish up. A
failure that may be retried is stored in the durable queue (``store.pending("sns")``) before
``publish`` returns, at the time the delivery policy names (spec §5.5), so retries survive a restart.
A subscription deleted meanwhile gets no more attempts.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import orjson

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry, MessageAttribute
from triggerfish.core.ids import request_id
from triggerfish.core.patterns import FilterPolicy, InvalidFilterPolicy, compile_filter_policy
from triggerfish.core.work import WorkTracker
from triggerfish.services.due_queue import DueQueue
from triggerfish.services.sns.delivery.attempts import AttemptResult, Attempts, Outcome
from triggerfish.services.sns.delivery.dead_letter import dead_letter
from triggerfish.services.sns.delivery.envelopes import MessageType, aws_json, confirmation_document
from triggerfish.services.sns.delivery.http_endpoint import HttpMessage
from triggerfish.services.sns.delivery.policies import HTTP_DEFAULT, retry_policy
from triggerfish.services.sns.delivery.signing import Signer
from triggerfish.services.sns.models import Endpoint, FilterScope, Notification, Subscription, Topic
from triggerfish.store.interfaces import AsyncEvent, AsyncEventStore

log = logging.getLogger(__name__)

_HTTP = (Endpoint.HTTP, Endpoint.HTTPS)


class SubscriptionLookup(Protocol):
    """Where a queued retry finds its subscription and topic as they are now."""

    def subscription(self, arn: str) -> Subscription | None: ...

    def topic(self, arn: str) -> Topic | None: ...


@dataclass(frozen=True)
class _Confirmation:
    """A ``SubscriptionConfirmation`` or ``UnsubscribeConfirmation`` waiting to be POSTed."""

    kind: MessageType
    topic_arn: str
    subscription_arn: str
    url: str
    token: str
    message_id: str
    timestamp: float


class SnsDelivery:
    def __init__(
        self,
        lookup: SubscriptionLookup,
        deliveries: DeliveryRegistry,
        clock: Clock,
        tracker: WorkTracker,
        pending: AsyncEventStore,
        *,
        delay_scale: float = 1.0,
        endpoint_url: Callable[[], str] = lambda: "http://localhost:4566",
    ) -> None:
        self._lookup = lookup
        self._deliveries = deliveries
        self._clock = clock
        self._queue = DueQueue(pending, clock, tracker)
        self._endpoint_url = endpoint_url
        self.delay_scale = delay_scale
        self.signer = Signer()
        self.attempts = Attempts(deliveries, self.signer, endpoint_url)
        self._filters: dict[tuple[str, str], FilterPolicy | None] = {}

    async def start(self) -> None:
        await self._queue.start(self._handle)

    async def close(self) -> None:
        await self._queue.close()

    async def publish(self, topic: Topic, notification: Notification, subscriptions: Sequence[Subscription]) -> None:
        """Deliver to each confirmed, matching subscription, or hold the delivery durably for a retry."""
        matched = [sub for sub in subscriptions if sub.confirmed and self._matches(sub, notification)]
        await asyncio.gather(*(self._first_attempt(topic, notification, sub) for sub in matched))

    async def request_confirmation(self, topic: Topic, subscription: Subscription) -> None:
        """POST the HTTP/S endpoint its ``SubscriptionConfirmation`` (from the durable queue)."""
        if subscription.protocol not in _HTTP or subscription.token is None:
            return
        await self._submit_confirmation(MessageType.SUBSCRIPTION_CONFIRMATION, topic, subscription, subscription.token)

    async def announce_unsubscribe(self, topic: Topic, subscription: Subscription, token: str) -> None:
        """POST an HTTP/S endpoint its ``UnsubscribeConfirmation`` after Unsubscribe (recorded)."""
        if subscription.protocol in _HTTP:
            await self._submit_confirmation(MessageType.UNSUBSCRIBE_CONFIRMATION, topic, subscription, token)

    def _matches(self, subscription: Subscription, notification: Notification) -> bool:
        text = subscription.filter_policy
        if text is None:
            return True
        scope = subscription.filter_scope
        key = (text, scope.value)
        if key not in self._filters:
            try:
                self._filters[key] = compile_filter_policy(text, scope.value)
            except InvalidFilterPolicy as exc:
                # the API validates policies; one that slipped through matches nothing
                log.warning("subscription %s has an invalid filter policy: %s", subscription.arn, exc)
                self._filters[key] = None
        policy = self._filters[key]
        if policy is None:
            return False
        if scope is FilterScope.MESSAGE_BODY:
            return policy.matches_body(notification.message_for(subscription.protocol))
        return policy.matches_attributes(notification.attributes)

    async def _first_attempt(self, topic: Topic, notification: Notification, subscription: Subscription) -> None:
        payload = orjson.dumps({"notification": _dump_notification(notification), "topic": topic.arn})
        if subscription.protocol in _HTTP:
            now = self._clock.now()
            await self._queue.submit(AsyncEvent(request_id(), subscription.arn, payload, now, now))
            return
        result = await self.attempts.notify(topic, notification, subscription)
        entry = AsyncEvent(request_id(), subscription.arn, payload, self._clock.now(), self._clock.now())
        await self._after(result, entry, topic, notification, subscription, queued=False)

    async def _after(
        self,
        result: AttemptResult,
        entry: AsyncEvent,
        topic: Topic,
        notification: Notification,
        subscription: Subscription,
        *,
        queued: bool,
    ) -> None:
        """Settle ``entry`` after an attempt: done, retried later, or handed to the dead-letter queue."""
        failed = entry.attempts + 1
        if result.outcome is Outcome.RETRY:
            delay = retry_policy(topic, subscription).delay_before(failed)
            if delay is not None:
                later = replace(entry, attempts=failed, invoke_count=failed, last_result=result.detail)
                due = self._clock.now() + delay * self.delay_scale
                if queued:
                    await self._queue.reschedule(later, due)
                else:
                    await self._queue.submit(replace(later, due_at=due))
                return
            await dead_letter(
                self._deliveries,
                self.attempts,
                topic,
                notification,
                subscription,
                f"{failed} attempts failed; the last: {result.detail}",
            )
        elif result.outcome is Outcome.FAILED:
            await dead_letter(self._deliveries, self.attempts, topic, notification, subscription, result.detail)
        elif result.outcome is Outcome.DROPPED:
            log.warning("message %s not delivered to %s: %s", notification.message_id, subscription.arn, result.detail)
        if queued:
            await self._queue.complete(entry)

    async def _handle(self, entry: AsyncEvent) -> None:
        """A delivery from the durable queue: an HTTP/S first attempt, a retry, or a confirmation."""
        try:
            job = orjson.loads(entry.payload)
            if "confirmation" in job:
                await self._handle_confirmation(entry, _load_confirmation(job["confirmation"]))
                return
            notification = _load_notification(job["notification"])
            topic_arn = str(job["topic"])
        except (ValueError, KeyError, TypeError) as exc:
            log.error("dropping unreadable SNS delivery %s for %s: %s", entry.id, entry.function, exc)
            await self._queue.complete(entry)
            return
        subscription = self._lookup.subscription(entry.function)
        topic = self._lookup.topic(topic_arn)
        if subscription is None or topic is None:
            # unsubscribed (or the topic deleted) since: SNS delivers no more to it
            await self._queue.complete(entry)
            return
        result = await self.attempts.notify(topic, notification, subscription)
        await self._after(result, entry, topic, notification, subscription, queued=True)

    async def _submit_confirmation(
        self, kind: MessageType, topic: Topic, subscription: Subscription, token: str
    ) -> None:
        now = self._clock.now()
        confirmation = _Confirmation(kind, topic.arn, subscription.arn, subscription.endpoint, token, request_id(), now)
        payload = orjson.dumps({"confirmation": _dump_confirmation(confirmation)})
        await self._queue.submit(AsyncEvent(request_id(), subscription.arn, payload, now, now))

    async def _handle_confirmation(self, entry: AsyncEvent, confirmation: _Confirmation) -> None:
        topic = self._lookup.topic(confirmation.topic_arn)
        subscription = self._lookup.subscription(confirmation.subscription_arn)
        if confirmation.kind is MessageType.SUBSCRIPTION_CONFIRMATION and (
            subscription is None or subscription.confirmed
        ):
            await self._queue.complete(entry)
            return
        if topic is None:
            topic = Topic(confirmation.topic_arn, *_topic_parts(confirmation.topic_arn))
        document = confirmation_document(
            confirmation.kind,
            topic,
            subscription_arn=confirmation.subscription_arn,
            message_id=confirmation.message_id,
            token=confirmation.token,
            timestamp=confirmation.timestamp,
            signer=self.signer,
            endpoint_url=self._endpoint_url(),
        )
        unsubscribing = confirmation.kind is MessageType.UNSUBSCRIBE_CONFIRMATION
        message = HttpMessage(
            body=aws_json(document),
            message_type=confirmation.kind.value,
            message_id=confirmation.message_id,
            topic_arn=topic.arn,
            subscription_arn=confirmation.subscription_arn if unsubscribing else None,
        )
        result = await self.attempts.post(confirmation.url, message)
        failed = entry.attempts + 1
        policy = retry_policy(topic, subscription) if subscription is not None else HTTP_DEFAULT
        delay = policy.delay_before(failed) if result.outcome is Outcome.RETRY else None
        if delay is not None:
            later = replace(entry, attempts=failed, invoke_count=failed, last_result=result.detail)
            await self._queue.reschedule(later, self._clock.now() + delay * self.delay_scale)
            return
        if result.outcome is not Outcome.DELIVERED:
            log.warning("%s for %s not delivered: %s", confirmation.kind.value, confirmation.url, result.detail)
        await self._queue.complete(entry)


def _topic_parts(arn: str) -> tuple[str, str, str]:
    parts = arn.split(":")
    return (parts[5], parts[4], parts[3]) if len(parts) > 5 else (arn, "", "")


def _dump_notification(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.message_id,
        "topic": notification.topic_arn,
        "message": notification.message,
        "time": notification.timestamp,
        "subject": notification.subject,
        "attributes": {name: _dump_attribute(value) for name, value in notification.attributes.items()},
        "per_protocol": dict(notification.per_protocol),
        "group": notification.group_id,
        "dedup": notification.deduplication_id,
        "sequence": notification.sequence_number,
    }


def _load_notification(data: Mapping[str, Any]) -> Notification:
    return Notification(
        message_id=str(data["id"]),
        topic_arn=str(data["topic"]),
        message=str(data["message"]),
        timestamp=float(data["time"]),
        subject=data.get("subject"),
        attributes={name: _load_attribute(value) for name, value in data.get("attributes", {}).items()},
        per_protocol={str(key): str(value) for key, value in data.get("per_protocol", {}).items()},
        group_id=data.get("group"),
        deduplication_id=data.get("dedup"),
        sequence_number=data.get("sequence"),
    )


def _dump_attribute(attribute: MessageAttribute) -> dict[str, Any]:
    binary = attribute.binary_value
    return {
        "type": attribute.data_type,
        "string": attribute.string_value,
        "binary": base64.b64encode(binary).decode("ascii") if binary is not None else None,
    }


def _load_attribute(data: Mapping[str, Any]) -> MessageAttribute:
    binary = data.get("binary")
    return MessageAttribute(
        str(data["type"]), data.get("string"), base64.b64decode(binary) if binary is not None else None
    )


def _dump_confirmation(confirmation: _Confirmation) -> dict[str, Any]:
    return {
        "kind": confirmation.kind.value,
        "topic": confirmation.topic_arn,
        "subscription": confirmation.subscription_arn,
        "url": confirmation.url,
        "token": confirmation.token,
        "id": confirmation.message_id,
        "time": confirmation.timestamp,
    }


def _load_confirmation(data: Mapping[str, Any]) -> _Confirmation:
    return _Confirmation(
        MessageType(data["kind"]),
        str(data["topic"]),
        str(data["subscription"]),
        str(data["url"]),
        str(data["token"]),
        str(data["id"]),
        float(data["time"]),
    )
