"""How the rest of triggerfish reaches queues: the :class:`QueueSource` port Lambda consumes them
through, and delivery by ARN (``sqs``) for destinations, dead-letter queues and notifications."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from triggerfish.core.delivery import Delivery, DeliveryFailed
from triggerfish.core.queue_port import QueueInfo, ReceivedMessage
from triggerfish.services.sqs.errors import SqsError
from triggerfish.services.sqs.models import OutgoingMessage
from triggerfish.services.sqs.naming import key_from_arn
from triggerfish.services.sqs.queue_state import LiveQueue

if TYPE_CHECKING:
    from triggerfish.services.sqs.service import SqsService


class SqsQueueSource:
    """:class:`~triggerfish.core.queue_port.QueueSource` over the service's live queues."""

    def __init__(self, service: SqsService) -> None:
        self._service = service

    def queue(self, arn: str) -> QueueInfo | None:
        found = self._service.registry.by_arn(arn)
        if found is None:
            return None
        config = found.config
        policy = config.settings.redrive_policy
        return QueueInfo(
            arn=config.arn,
            url=self._service.queue_url(found),
            name=config.name,
            fifo=config.fifo,
            visibility_timeout=config.settings.visibility_timeout,
            dead_letter_target=None if policy is None else policy.dead_letter_target_arn,
            max_receive_count=None if policy is None else policy.max_receive_count,
        )

    async def receive(self, arn: str, max_messages: int) -> Sequence[ReceivedMessage]:
        found = self._service.registry.by_arn(arn)
        if found is None or max_messages <= 0:
            return []
        received = await self._service.receiver.take(found, max_messages, None)
        sender = self._service.queues.sender_id
        return [message.received(handle, sender) for message, handle in received]

    async def delete(self, arn: str, receipt_handles: Sequence[str]) -> None:
        found = self._service.registry.by_arn(arn)
        if found is not None and receipt_handles:
            await self._service.receiver.delete(found, receipt_handles, lenient=True)

    async def change_visibility(self, arn: str, receipt_handles: Sequence[str], timeout: int) -> None:
        found = self._service.registry.by_arn(arn)
        if found is not None and receipt_handles:
            changes = [(handle, timeout) for handle in receipt_handles]
            await self._service.receiver.change_visibility(found, changes, lenient=True)

    def on_available(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        key = key_from_arn(arn)
        listeners = self._service.queues.listeners(arn if key is None else key.arn)
        listeners.append(callback)

        def stop() -> None:
            if callback in listeners:
                listeners.remove(callback)

        return stop

    def next_visible_at(self, arn: str) -> float | None:
        found = self._service.registry.by_arn(arn)
        return None if found is None else found.next_visible_at()


class SqsDeliverer:
    """Delivery by ARN: a message to a queue, or :class:`DeliveryFailed` saying why not."""

    def __init__(self, service: SqsService) -> None:
        self._service = service

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        found = self._queue(arn)
        message = OutgoingMessage(
            body=delivery.body,
            attributes=dict(delivery.attributes),
            group_id=delivery.message_group_id,
            deduplication_id=delivery.deduplication_id,
        )
        (result,) = await self._service.sender.send(found, [message])
        if isinstance(result, SqsError):
            raise DeliveryFailed(f"{arn} refused the message: {result.message}")

    def exists(self, arn: str) -> bool:
        return self._service.registry.by_arn(arn) is not None

    def _queue(self, arn: str) -> LiveQueue:
        found = self._service.registry.by_arn(arn)
        if found is None:
            raise DeliveryFailed(f"the queue {arn} does not exist")
        return found
