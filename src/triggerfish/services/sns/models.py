"""SNS's values: topics, subscriptions and the notifications published to them (spec §5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from triggerfish.core.delivery import MessageAttribute

TOPIC_KIND = "sns.topic"
SUBSCRIPTION_KIND = "sns.subscription"


class Endpoint(StrEnum):
    """A subscription's ``Protocol``: how its endpoint is reached."""

    LAMBDA = "lambda"
    SQS = "sqs"
    HTTP = "http"
    HTTPS = "https"
    EMAIL = "email"
    EMAIL_JSON = "email-json"
    SMS = "sms"
    APPLICATION = "application"
    FIREHOSE = "firehose"

    @property
    def aws_managed(self) -> bool:
        # Lambda and SQS endpoints get the AWS-managed delivery policy (spec §5.5)
        return self in (Endpoint.LAMBDA, Endpoint.SQS, Endpoint.FIREHOSE)


class FilterScope(StrEnum):
    MESSAGE_ATTRIBUTES = "MessageAttributes"
    MESSAGE_BODY = "MessageBody"


@dataclass(frozen=True)
class Topic:
    """A topic. ``attributes`` holds the settable attributes as the API spells them (``DisplayName``,
    ``Policy``, ``DeliveryPolicy``, ``FifoTopic``, ``ContentBasedDeduplication``, ...)."""

    arn: str
    name: str
    account: str
    region: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    created_at: float = 0.0

    @property
    def fifo(self) -> bool:
        return self.attributes.get("FifoTopic", "false").lower() == "true"

    @property
    def content_based_deduplication(self) -> bool:
        return self.attributes.get("ContentBasedDeduplication", "false").lower() == "true"


@dataclass(frozen=True)
class Subscription:
    """A subscription. ``attributes`` holds the settable ones as the API spells them
    (``RawMessageDelivery``, ``FilterPolicy``, ``FilterPolicyScope``, ``RedrivePolicy``,
    ``DeliveryPolicy``, ``SubscriptionRoleArn``, ``ReplayPolicy``). ``token`` is the confirmation
    token of a subscription still pending confirmation (HTTP/S, email)."""

    arn: str
    topic_arn: str
    protocol: Endpoint
    endpoint: str
    owner: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    confirmed: bool = True
    token: str | None = None
    created_at: float = 0.0

    @property
    def raw_delivery(self) -> bool:
        return self.attributes.get("RawMessageDelivery", "false").lower() == "true"

    @property
    def filter_policy(self) -> str | None:
        return self.attributes.get("FilterPolicy") or None

    @property
    def filter_scope(self) -> FilterScope:
        return FilterScope(self.attributes.get("FilterPolicyScope") or FilterScope.MESSAGE_ATTRIBUTES)


@dataclass(frozen=True)
class Notification:
    """One published message, as every subscriber of the topic is sent it.

    ``message`` is the default text; with ``MessageStructure=json`` ``per_protocol`` holds the text
    for each protocol that has its own (``sqs``, ``lambda``, ``http``...), and ``message`` the
    ``default`` one. ``timestamp`` is the publish time (seconds). FIFO topics fill ``group_id``,
    ``deduplication_id`` and ``sequence_number``.
    """

    message_id: str
    topic_arn: str
    message: str
    timestamp: float
    subject: str | None = None
    attributes: Mapping[str, MessageAttribute] = field(default_factory=dict)
    per_protocol: Mapping[str, str] = field(default_factory=dict)
    group_id: str | None = None
    deduplication_id: str | None = None
    sequence_number: str | None = None

    def message_for(self, protocol: Endpoint) -> str:
        return self.per_protocol.get(protocol.value, self.message)


class Fanout(Protocol):
    """Hands a published notification to the topic's subscribers (:mod:`.delivery`)."""

    async def publish(self, topic: Topic, notification: Notification, subscriptions: Sequence[Subscription]) -> None:
        """Deliver to every confirmed subscription whose filter policy matches. Returns once each
        delivery has either been made or is held durably for a retry."""

    async def request_confirmation(self, topic: Topic, subscription: Subscription) -> None:
        """Send an HTTP/S endpoint its ``SubscriptionConfirmation`` (and retry it as SNS does)."""

    async def announce_unsubscribe(self, topic: Topic, subscription: Subscription, token: str) -> None:
        """Send an HTTP/S endpoint its ``UnsubscribeConfirmation`` once it is unsubscribed."""

    async def close(self) -> None: ...
