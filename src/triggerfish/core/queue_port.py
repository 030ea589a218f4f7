"""What a queue consumer inside triggerfish (the Lambda SQS event source mapping) needs from SQS.

The SQS service implements :class:`QueueSource`; ``app`` hands it to Lambda, so that Lambda never
imports SQS. Receiving through this port follows ReceiveMessage's rules exactly (visibility
timeout, receive counts, redrive to the dead-letter queue, FIFO group locking); what differs is
that a consumer is *told* when messages may be available instead of polling.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from triggerfish.core.delivery import MessageAttribute


@dataclass(frozen=True)
class QueueInfo:
    arn: str
    url: str
    name: str
    fifo: bool
    visibility_timeout: int  # seconds, the queue's default
    #: the dead-letter queue's ARN and maxReceiveCount from the RedrivePolicy, if any
    dead_letter_target: str | None = None
    max_receive_count: int | None = None


@dataclass(frozen=True)
class ReceivedMessage:
    """A message as ReceiveMessage returns it with ``AttributeNames=All`` and every message attribute."""

    message_id: str
    receipt_handle: str
    body: str
    md5_of_body: str
    #: SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp, SenderId; FIFO:
    #: SequenceNumber, MessageGroupId, MessageDeduplicationId; AWSTraceHeader when set
    attributes: Mapping[str, str]
    message_attributes: Mapping[str, MessageAttribute] = field(default_factory=dict)
    md5_of_message_attributes: str | None = None
    size: int = 0  # body + attribute bytes, for the 6 MB batch limit


class QueueSource(Protocol):
    def queue(self, arn: str) -> QueueInfo | None:
        """The queue with this ARN, or ``None`` when it does not exist (any account and region)."""

    async def receive(self, arn: str, max_messages: int) -> Sequence[ReceivedMessage]:
        """Receive up to ``max_messages`` (1-10,000) visible messages at once, as ReceiveMessage does
        without waiting: counts go up, the queue's visibility timeout starts, messages past
        maxReceiveCount go to the dead-letter queue instead, FIFO groups in flight are skipped."""

    async def delete(self, arn: str, receipt_handles: Sequence[str]) -> None:
        """DeleteMessageBatch without its 10-entry limit; unknown or stale handles are ignored."""

    async def change_visibility(self, arn: str, receipt_handles: Sequence[str], timeout: int) -> None:
        """ChangeMessageVisibility for each handle (0 makes a message visible again at once)."""

    def on_available(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` (on the event loop, without arguments) whenever messages of the queue may
        have become receivable: sent, delay over, visibility timeout over, moved back by redrive.
        Returns a function that stops the notifications. Spurious calls are allowed; a missed one
        is not."""

    def next_visible_at(self, arn: str) -> float | None:
        """When the next message that is not receivable now becomes receivable (delay or
        visibility), on the injected clock; ``None`` if none is waiting."""
