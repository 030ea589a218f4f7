"""Delivery by ARN.

Many features hand a message to "a target given by its ARN" (destinations, DLQs, notifications,
subscriptions, rule targets). Each service registers a :class:`Deliverer` for the ARN service it
owns (``lambda``, ``sqs``, ``sns``, ``events``, ``s3``...), so no service imports another to
deliver to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from triggerfish.core.arns import parse_arn
from triggerfish.core.errors import InvalidParameterValue
from triggerfish.core.payloads.attributes import MessageAttribute

__all__ = ["Deliverer", "Delivery", "DeliveryFailed", "DeliveryRegistry", "MessageAttribute"]


@dataclass(frozen=True)
class Delivery:
    """What is handed to a target. Each kind of target reads the fields that apply to it.

    ``body`` is the message body (SQS, SNS), the invoke payload (Lambda), the event detail
    (EventBridge) or the object's content (S3). The EventBridge fields are used only by event-bus targets.
    """

    body: str
    attributes: Mapping[str, MessageAttribute] = field(default_factory=dict)
    subject: str | None = None
    detail_type: str | None = None
    source: str | None = None
    resources: tuple[str, ...] = ()
    message_group_id: str | None = None
    deduplication_id: str | None = None
    #: S3 targets: the key of the object the body is written to (ESM on-failure destinations)
    object_key: str | None = None
    #: S3 targets: the object's exact bytes, when they are not text (a received email); ``body`` is then ""
    data: bytes | None = None


class DeliveryFailed(Exception):
    """The target exists but would not take the message (too large, FIFO, gone...)."""


class Deliverer(Protocol):
    async def deliver(self, arn: str, delivery: Delivery) -> None:
        """Accept ``delivery`` for the resource named by ``arn`` or raise :class:`DeliveryFailed`."""

    def exists(self, arn: str) -> bool:
        """Whether ``arn`` names a resource that can receive deliveries now."""


class DeliveryRegistry:
    """Maps an ARN's service (``sqs``, ``lambda``...) to the service that accepts deliveries."""

    def __init__(self) -> None:
        self._by_service: dict[str, Deliverer] = {}

    def register(self, service: str, deliverer: Deliverer) -> None:
        self._by_service[service] = deliverer

    def supports(self, arn: str) -> bool:
        try:
            return parse_arn(arn).service in self._by_service
        except ValueError:
            return False

    def exists(self, arn: str) -> bool:
        deliverer = self._lookup(arn)
        return deliverer is not None and deliverer.exists(arn)

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        deliverer = self._lookup(arn)
        if deliverer is None:
            raise DeliveryFailed(f"no service accepts deliveries for {arn}")
        await deliverer.deliver(arn, delivery)

    def _lookup(self, arn: str) -> Deliverer | None:
        try:
            service = parse_arn(arn).service
        except ValueError as exc:
            raise InvalidParameterValue(str(exc)) from exc
        return self._by_service.get(service)
