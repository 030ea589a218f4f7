"""Delivery by ARN to a topic (``arn:aws:sns:<region>:<account>:<name>``): a delivery is a publish.

S3 notifications, EventBridge targets, Lambda destinations and dead-letter queues and Scheduler
targets hand their message here: the body becomes the message, with its subject, attributes and,
for FIFO topics, its group and deduplication ids. A missing topic, or a message the topic refuses,
is a failed delivery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triggerfish.core.delivery import Delivery, DeliveryFailed
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.sns.publishing import Message, check_message

if TYPE_CHECKING:
    from triggerfish.services.sns.service import SnsService


class SnsDeliverer:
    def __init__(self, service: SnsService) -> None:
        self._service = service

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        topic = self._service.topic(arn)
        if topic is None:
            raise DeliveryFailed(f"the topic {arn} does not exist")
        message = Message(
            message=delivery.body,
            subject=delivery.subject,
            attributes=dict(delivery.attributes),
            group_id=delivery.message_group_id,
            deduplication_id=delivery.deduplication_id if topic.fifo else None,
        )
        try:
            await self._service.publish_checked(topic, check_message(topic, message))
        except TriggerfishError as exc:
            raise DeliveryFailed(f"the topic {arn} refused the message: {exc.message}") from exc

    def exists(self, arn: str) -> bool:
        return self._service.topic(arn) is not None
