"""The SNS service: topics, subscriptions and publishing, addressed as the API addresses them (spec §5).

Topics and subscriptions live in memory and are stored as documents before a change is
acknowledged (:mod:`.topics`, :mod:`.subscriptions`). A publish is answered once the fanout has
delivered it or holds it durably for a retry. The service is also the fanout's lookup of topics
and subscriptions by ARN.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.scope import Location, Scope
from triggerfish.core.work import WorkTracker
from triggerfish.services.sns import subscription_attributes, topic_attributes
from triggerfish.services.sns import tags as tag_rules
from triggerfish.services.sns.deliverer import SnsDeliverer
from triggerfish.services.sns.errors import InvalidParameter, ResourceNotFound, invalid, subscription_not_found
from triggerfish.services.sns.fifo import FifoLedger, Published
from triggerfish.services.sns.models import Fanout, Notification, Subscription, Topic
from triggerfish.services.sns.naming import (
    PENDING_CONFIRMATION,
    TopicRef,
    parse_subscription_arn,
    parse_topic_arn,
    topic_of_arn,
)
from triggerfish.services.sns.publishing import Checked, Message, check_batch, check_message
from triggerfish.services.sns.subscription_attributes import AttributeProblem, on_set, on_subscribe
from triggerfish.services.sns.subscriptions import (
    NEEDS_CONFIRMATION,
    SubscriptionRegistry,
    check_endpoint,
    new_token,
    parse_protocol,
    token_is_well_formed,
)
from triggerfish.services.sns.topics import TopicRegistry
from triggerfish.store.interfaces import AsyncEventStore, DocumentStore

if TYPE_CHECKING:
    from triggerfish.services.sns.delivery import SnsDelivery

#: ListTopics, ListSubscriptions and ListSubscriptionsByTopic pages (SNS API reference)
TOPICS_PER_PAGE = 100
SUBSCRIPTIONS_PER_PAGE = 100
_HERE = Location()
T = TypeVar("T")


class SnsService:
    def __init__(
        self,
        documents: DocumentStore,
        clock: Clock,
        deliveries: DeliveryRegistry,
        tracker: WorkTracker,
        pending: AsyncEventStore,
        *,
        delay_scale: float = 1.0,
        endpoint_url: Callable[[], str] = lambda: "http://localhost:4566",
        fanout: Fanout | None = None,
    ) -> None:
        self.clock = clock
        self.topics = TopicRegistry(documents, clock)
        self.subscriptions = SubscriptionRegistry(documents, clock)
        self.fifo = FifoLedger(clock)
        self._delivery: SnsDelivery | None = None
        if fanout is None:
            from triggerfish.services.sns.delivery import SnsDelivery

            self._delivery = SnsDelivery(
                self, deliveries, clock, tracker, pending, delay_scale=delay_scale, endpoint_url=endpoint_url
            )
            fanout = self._delivery
        self.fanout: Fanout = fanout
        #: the ``sns`` deliverer; the composition root registers it with the delivery registry
        self.deliverer = SnsDeliverer(self)

    async def start(self) -> None:
        await self.topics.load()
        await self.subscriptions.load()
        if self._delivery is not None:
            await self._delivery.start()

    async def close(self) -> None:
        await self.fanout.close()

    # --- the fanout's lookup ----------------------------------------------------------------------

    def topic(self, arn: str) -> Topic | None:
        return self.topics.get(arn)

    def subscription(self, arn: str) -> Subscription | None:
        return self.subscriptions.get(arn)

    # --- topics -----------------------------------------------------------------------------------

    async def create_topic(
        self,
        name: str,
        attributes: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
        *,
        scope: Scope = _HERE,
    ) -> str:
        ref = TopicRef(scope.account, scope.region, name)
        topic = await self.topics.create(ref, attributes or {}, tags or {})
        return topic.arn

    def _topic(self, arn: str, scope: Scope, parameter: str = "TopicArn") -> Topic:
        return self.topics.require(parse_topic_arn(arn, scope, parameter))

    async def delete_topic(self, arn: str, *, scope: Scope = _HERE) -> None:
        topic = self.topics.get(parse_topic_arn(arn, scope).arn)
        if topic is None:
            return  # DeleteTopic of a missing topic succeeds (recorded)
        for subscription in self.subscriptions.of_topic(topic.arn):
            await self.subscriptions.remove(subscription)
        await self.topics.delete(topic)
        self.fifo.forget(topic.arn)

    def list_topics(self, next_token: str | None = None, *, scope: Scope = _HERE) -> tuple[list[str], str | None]:
        topics = [topic.arn for topic in self.topics.in_scope(scope.account, scope.region)]
        return _page(topics, next_token, TOPICS_PER_PAGE)

    def get_topic_attributes(self, arn: str, *, scope: Scope = _HERE) -> dict[str, str]:
        topic = self._topic(arn, scope)
        subscriptions = self.subscriptions.of_topic(topic.arn)
        confirmed = sum(1 for s in subscriptions if s.confirmed)
        return topic_attributes.report(topic, confirmed, len(subscriptions) - confirmed, 0)

    async def set_topic_attributes(self, arn: str, name: str, value: str | None, *, scope: Scope = _HERE) -> None:
        topic = self._topic(arn, scope)
        await self.topics.set_attribute(topic, name, value or "")

    # --- tags -------------------------------------------------------------------------------------

    def _tagged(self, arn: str, scope: Scope) -> Topic:
        ref = topic_of_arn(arn)
        topic = None if ref is None or ref.region != scope.region else self.topics.get(ref.arn)
        if topic is None:
            raise ResourceNotFound("Resource does not exist")
        return topic

    async def tag_resource(self, arn: str, tags: Mapping[str, str], *, scope: Scope = _HERE) -> None:
        topic = self._tagged(arn, scope)
        await self.topics.save(replace(topic, tags=tag_rules.merged(topic.tags, tags)))

    async def untag_resource(self, arn: str, keys: Sequence[str], *, scope: Scope = _HERE) -> None:
        topic = self._tagged(arn, scope)
        await self.topics.save(replace(topic, tags=tag_rules.without(topic.tags, keys)))

    def list_tags_for_resource(self, arn: str, *, scope: Scope = _HERE) -> dict[str, str]:
        return dict(self._tagged(arn, scope).tags)

    # --- subscriptions ----------------------------------------------------------------------------

    async def subscribe(
        self,
        topic_arn: str,
        protocol: str,
        endpoint: str | None,
        attributes: Mapping[str, str] | None = None,
        *,
        return_arn: bool = False,
        scope: Scope = _HERE,
    ) -> str:
        """The new (or existing, identical) subscription's ARN, or ``"pending confirmation"``."""
        topic = self._topic(topic_arn, scope)
        kind = parse_protocol(protocol)
        endpoint = endpoint or ""
        check_endpoint(kind, endpoint, topic)
        given = dict(attributes or {})
        try:
            wanted = subscription_attributes.checked(given, kind, topic)
        except AttributeProblem as problem:
            raise on_subscribe(problem) from None
        existing = self.subscriptions.find(topic.arn, kind, endpoint)
        if existing is not None:
            # Subscribe is idempotent for the same attributes (recorded)
            if any(existing.attributes.get(name) != wanted.get(name) for name in given):
                raise invalid("Attributes", "Subscription already exists with different attributes")
            subscription = existing
        else:
            pending = kind in NEEDS_CONFIRMATION
            subscription = await self.subscriptions.save(
                Subscription(
                    arn=f"{topic.arn}:{uuid.uuid4()}",
                    topic_arn=topic.arn,
                    protocol=kind,
                    endpoint=endpoint,
                    owner=scope.account,
                    attributes=wanted,
                    confirmed=not pending,
                    token=new_token() if pending else None,
                    created_at=self.clock.now(),
                )
            )
        if not subscription.confirmed:
            await self.fanout.request_confirmation(topic, subscription)
            if not return_arn:
                return PENDING_CONFIRMATION
        return subscription.arn

    async def confirm_subscription(self, topic_arn: str, token: str, *, scope: Scope = _HERE) -> str:
        try:
            ref = parse_topic_arn(topic_arn, scope)
        except InvalidParameter:
            raise invalid("Topic") from None
        if not token_is_well_formed(token):
            # a token that cannot be one is "Invalid token"; an unknown one "Invalid parameter: Token" (recorded)
            raise InvalidParameter("Invalid token")
        topic = self.topics.get(ref.arn)
        subscription = None if topic is None else self.subscriptions.by_token(topic.arn, token)
        if subscription is None:
            raise invalid("Token")
        if not subscription.confirmed:
            subscription = await self.subscriptions.save(replace(subscription, confirmed=True))
        return subscription.arn

    async def unsubscribe(self, arn: str, *, scope: Scope = _HERE) -> None:
        parse_subscription_arn(arn, scope)
        subscription = self.subscriptions.get(arn)
        if subscription is not None:
            await self.subscriptions.remove(subscription)
            topic = self.topics.get(subscription.topic_arn)
            if topic is not None and subscription.confirmed:
                # an HTTP/S endpoint is told it was unsubscribed, with a token to subscribe again (recorded)
                await self.fanout.announce_unsubscribe(topic, subscription, new_token())

    def list_subscriptions(
        self, next_token: str | None = None, *, scope: Scope = _HERE
    ) -> tuple[list[Subscription], str | None]:
        return _page(self.subscriptions.in_scope(scope.account, scope.region), next_token, SUBSCRIPTIONS_PER_PAGE)

    def list_subscriptions_by_topic(
        self, topic_arn: str, next_token: str | None = None, *, scope: Scope = _HERE
    ) -> tuple[list[Subscription], str | None]:
        topic = self._topic(topic_arn, scope)
        return _page(self.subscriptions.of_topic(topic.arn), next_token, SUBSCRIPTIONS_PER_PAGE)

    def _subscription(self, arn: str, scope: Scope) -> Subscription:
        parse_subscription_arn(arn, scope)
        found = self.subscriptions.get(arn)
        if found is None:
            raise subscription_not_found()
        return found

    def get_subscription_attributes(self, arn: str, *, scope: Scope = _HERE) -> dict[str, str]:
        subscription = self._subscription(arn, scope)
        return subscription_attributes.report(subscription, self.topics.get(subscription.topic_arn))

    async def set_subscription_attributes(
        self, arn: str, name: str, value: str | None, *, scope: Scope = _HERE
    ) -> None:
        subscription = self._subscription(arn, scope)
        topic = self.topics.get(subscription.topic_arn)
        if topic is None:
            raise subscription_not_found()
        try:
            attributes = subscription_attributes.checked(
                {name: value or ""}, subscription.protocol, topic, subscription.attributes
            )
        except AttributeProblem as problem:
            raise on_set(problem) from None
        await self.subscriptions.set_attributes(subscription, attributes)

    # --- publishing -------------------------------------------------------------------------------

    async def publish(
        self,
        message: Message,
        *,
        topic_arn: str | None = None,
        target_arn: str | None = None,
        phone_number: str | None = None,
        scope: Scope = _HERE,
    ) -> Published:
        if topic_arn is None and target_arn is not None:
            if topic_of_arn(target_arn) is None or "/" in target_arn:
                raise invalid("TargetArn", "No endpoint found for the target arn specified")
            topic_arn = target_arn
        if topic_arn is None:
            return self._publish_sms(message, phone_number)
        topic = self._topic(topic_arn, scope)
        return await self.publish_checked(topic, check_message(topic, message))

    def _publish_sms(self, message: Message, phone_number: str | None) -> Published:
        # SMS is not delivered here: a valid number is accepted and the text dropped
        number = phone_number or ""
        if not number.startswith("+") or not number[1:].isdigit():
            raise invalid("PhoneNumber", f"{number} is not valid to publish to")
        if not message.message:
            raise invalid("Empty message")
        return Published(str(uuid.uuid4()))

    async def publish_batch(
        self, topic_arn: str, entries: Sequence[tuple[str, Message]], *, scope: Scope = _HERE
    ) -> list[tuple[str, Published]]:
        topic = self._topic(topic_arn, scope)
        check_batch(entries)
        # an entry that breaks a publish rule fails the whole request (recorded PublishBatch answers)
        checked = [(entry_id, check_message(topic, message)) for entry_id, message in entries]
        return [(entry_id, await self.publish_checked(topic, message)) for entry_id, message in checked]

    async def publish_checked(self, topic: Topic, checked: Checked) -> Published:
        message = checked.message
        dedup = checked.deduplication_id
        if topic.fifo and dedup is not None:
            earlier = self.fifo.duplicate(topic, message.group_id or "", dedup)
            if earlier is not None:
                return earlier  # a duplicate within the window is acknowledged, not delivered (§5.1)
        notification = Notification(
            message_id=str(uuid.uuid4()),
            topic_arn=topic.arn,
            message=checked.text,
            timestamp=self.clock.now(),
            subject=message.subject,
            attributes=dict(message.attributes),
            per_protocol=dict(checked.per_protocol),
            group_id=message.group_id,
            deduplication_id=dedup,
            sequence_number=self.fifo.next_sequence(topic) if topic.fifo else None,
        )
        confirmed = [s for s in self.subscriptions.of_topic(topic.arn) if s.confirmed]
        await self.fanout.publish(topic, notification, confirmed)
        published = Published(notification.message_id, notification.sequence_number)
        if topic.fifo and dedup is not None:
            self.fifo.record(topic, message.group_id or "", dedup, published)
        return published


def _page(items: list[T], next_token: str | None, size: int) -> tuple[list[T], str | None]:
    start = 0
    if next_token:
        try:
            start = int(base64.urlsafe_b64decode(next_token.encode()).decode())
        except (binascii.Error, UnicodeError, ValueError):
            raise invalid("NextToken") from None
    end = start + size
    more = end < len(items)
    return items[start:end], base64.urlsafe_b64encode(str(end).encode()).decode() if more else None
