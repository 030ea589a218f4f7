"""SendMessage and SendMessageBatch: checks, FIFO deduplication and sequencing, then the store."""

from __future__ import annotations

import random
from collections.abc import Sequence

from triggerfish.core.payloads.sqs import body_md5
from triggerfish.services.sqs.checks import (
    MAX_BATCH_BYTES,
    check_attributes,
    check_body,
    check_delay,
    check_size,
    check_system_attributes,
)
from triggerfish.services.sqs.errors import BatchRequestTooLong, InvalidParameterValue, MissingParameter, SqsError
from triggerfish.services.sqs.fifo import (
    DEDUPLICATION_INTERVAL,
    Sent,
    content_deduplication_id,
    sequence_after,
    valid_token,
)
from triggerfish.services.sqs.message import Message, attribute_size, attributes_md5
from triggerfish.services.sqs.models import OutgoingMessage, SendResult
from triggerfish.services.sqs.queue_state import LiveQueue
from triggerfish.services.sqs.runtime import Queues
from triggerfish.store.queues import DeduplicationEntry

_RANDOM = random.SystemRandom().getrandbits(64)
_ids = random.Random(_RANDOM)


def message_id() -> str:
    """A message id shaped as AWS's (a version 4 UUID). Ids need to be unique, not secret: a seeded
    generator avoids a system call per message, which costs more than the rest of a send."""
    h = f"{(_ids.getrandbits(128) & ~(0xF << 76) | (0x4 << 76)) & ~(0x3 << 62) | (0x2 << 62):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


_WRONG_QUEUE_TYPE = "The request include parameter that is not valid for this queue type."


def message_size(outgoing: OutgoingMessage) -> int:
    return len(outgoing.body.encode()) + sum(attribute_size(n, a) for n, a in outgoing.attributes.items())


def check_batch_size(entries: Sequence[OutgoingMessage]) -> None:
    total = sum(message_size(entry) for entry in entries)
    if total > MAX_BATCH_BYTES:
        raise BatchRequestTooLong(
            f"Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. You have sent {total} bytes."
        )


def check_fifo_batch(queue: LiveQueue, entries: Sequence[OutgoingMessage]) -> None:
    """A FIFO batch missing a group or deduplication id fails as a whole (observed SendMessageBatch)."""
    if not queue.config.fifo:
        return
    for entry in entries:
        if entry.group_id is None:
            raise InvalidParameterValue("The request must contain the parameter MessageGroupId.")
        if entry.deduplication_id is None and not queue.config.settings.content_based_deduplication:
            raise InvalidParameterValue(_NO_DEDUPLICATION)


_NO_DEDUPLICATION = (
    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly"
)


class Sender:
    def __init__(self, queues: Queues) -> None:
        self._queues = queues

    async def send(self, queue: LiveQueue, outgoing: Sequence[OutgoingMessage]) -> list[SendResult | SqsError]:
        """Send each message; an entry that breaks a rule gets its error in its place. Everything
        accepted is stored in one commit before this returns, then becomes receivable."""
        now = self._queues.clock.now()
        results: list[SendResult | SqsError] = []
        accepted: list[Message] = []
        entries: list[DeduplicationEntry] = []
        reserved: list[str] = []
        for item in outgoing:
            try:
                results.append(self._prepare(queue, item, now, accepted, entries, reserved))
            except SqsError as error:
                results.append(error)
        if not accepted:
            return results
        try:
            await self._queues.store.append([message.stored(queue.arn) for message in accepted], entries)
        except BaseException:
            for key in reserved:
                queue.deduplication.forget(key)
            raise
        if not queue.deleted:
            now = self._queues.clock.now()
            visible = False
            for message in accepted:
                visible = queue.add(message, now) or visible
            if visible:
                queue.signal()
            self._queues.arm(queue)
        return results

    def _prepare(
        self,
        queue: LiveQueue,
        item: OutgoingMessage,
        now: float,
        accepted: list[Message],
        entries: list[DeduplicationEntry],
        reserved: list[str],
    ) -> SendResult:
        settings = queue.config.settings
        check_body(item.body)
        check_attributes(item.attributes)
        trace = check_system_attributes(item.system_attributes)
        check_size(message_size(item), settings.maximum_message_size)
        md5_system = attributes_md5(item.system_attributes) if item.system_attributes else None
        group = item.group_id
        if group is not None and not valid_token(group):
            raise InvalidParameterValue(
                f"Value {group} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include "
                "alphanumeric and punctuation characters. 1 to 128 in length."
            )
        deduplication_id = item.deduplication_id
        sequence: str | None = None
        key = ""
        if settings.fifo:
            # per-message delays are not allowed on FIFO queues (spec §2.1)
            if item.delay_seconds:
                raise InvalidParameterValue(
                    f"Value {item.delay_seconds} for parameter DelaySeconds is invalid. Reason: {_WRONG_QUEUE_TYPE}"
                )
            if group is None:
                raise MissingParameter("The request must contain the parameter MessageGroupId.")
            if deduplication_id is None:
                if not settings.content_based_deduplication:
                    raise InvalidParameterValue(_NO_DEDUPLICATION)
                deduplication_id = content_deduplication_id(item.body)
            elif not valid_token(deduplication_id):
                raise InvalidParameterValue(
                    f"Value {deduplication_id} for parameter MessageDeduplicationId is invalid. Reason: "
                    "MessageDeduplicationId can only include alphanumeric and punctuation characters. "
                    "1 to 128 in length."
                )
            key = queue.deduplication.key(
                deduplication_id, group, per_group=settings.deduplication_scope == "messageGroup"
            )
            duplicate = queue.deduplication.lookup(key, now)
            if duplicate is not None:
                # a duplicate within five minutes succeeds without being stored again (spec §2.1)
                return SendResult(
                    duplicate.message_id,
                    body_md5(item.body),
                    attributes_md5(item.attributes) if item.attributes else None,
                    md5_system,
                    duplicate.sequence_number,
                )
            number = sequence_after(queue.last_sequence, now)
            queue.last_sequence = number
            sequence = str(number)
            delay = settings.delay_seconds
        else:
            if deduplication_id is not None:
                raise InvalidParameterValue(
                    f"Value {deduplication_id} for parameter MessageDeduplicationId is invalid. "
                    f"Reason: {_WRONG_QUEUE_TYPE}"
                )
            delay = settings.delay_seconds if item.delay_seconds is None else item.delay_seconds
            check_delay(delay)
        message = Message(
            message_id(),
            item.body,
            item.attributes,
            sent_at=now,
            visible_at=now + delay,
            group_id=group,
            deduplication_id=deduplication_id,
            sequence_number=sequence,
            trace_header=trace,
        )
        if sequence is not None and deduplication_id is not None:
            expires = now + DEDUPLICATION_INTERVAL
            queue.deduplication.remember(key, Sent(message.id, sequence, expires))
            reserved.append(key)
            entries.append(DeduplicationEntry(queue.arn, key, message.id, sequence, expires))
        accepted.append(message)
        return SendResult(message.id, message.md5_of_body, message.md5_of_attributes, md5_system, sequence)
