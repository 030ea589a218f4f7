"""ReceiveMessage (with long polling), DeleteMessage and ChangeMessageVisibility, and redrive to the
dead-letter queue on receive (spec §2.1)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any

from triggerfish.services.sqs.checks import MAX_VISIBILITY, check_visibility
from triggerfish.services.sqs.errors import InvalidParameterValue, SqsError
from triggerfish.services.sqs.fifo import RECEIVE_ATTEMPT_INTERVAL, sequence_after
from triggerfish.services.sqs.message import Message, MessageState
from triggerfish.services.sqs.naming import key_from_arn
from triggerfish.services.sqs.queue_state import LiveQueue
from triggerfish.services.sqs.receipts import parse_receipt_handle, receipt_handle
from triggerfish.services.sqs.runtime import Queues

Received = tuple[Message, str]  # a message and the receipt handle of this receive
_MAX_ATTEMPTS_KEPT = 1024


class Receiver:
    def __init__(self, queues: Queues) -> None:
        self._queues = queues

    # --- receiving ----------------------------------------------------------------------------

    async def receive(
        self, queue: LiveQueue, limit: int, visibility: int | None, wait: float, attempt_id: str | None = None
    ) -> list[Received]:
        """Receive at once if anything is receivable, else wait up to ``wait`` seconds for the first
        message to arrive: a send or a timer wakes this, nothing polls."""
        clock = self._queues.clock
        if attempt_id is not None and queue.config.fifo:
            repeated = self._repeat_attempt(queue, attempt_id, clock.now())
            if repeated is not None:
                return repeated
        deadline = clock.now() + wait
        while True:
            received = await self.take(queue, limit, visibility)
            if received or queue.deleted or clock.now() >= deadline:
                break
            await _wait(queue, clock.sleep_until(deadline))
        if attempt_id is not None and queue.config.fifo and received:
            self._remember_attempt(queue, attempt_id, received, clock.now())
        return received

    async def take(self, queue: LiveQueue, limit: int, visibility: int | None) -> list[Received]:
        """Receive without waiting; messages past ``maxReceiveCount`` go to the dead-letter queue."""
        queues = self._queues
        now = queues.clock.now()
        queues.refresh(queue, now)
        if not queue.visible_count:
            return []  # the common answer of a consumer woken for nothing: no more work than this
        max_receives, dead_letter = self._dead_letter_target(queue)
        timeout = queue.config.settings.visibility_timeout if visibility is None else visibility
        taken = queue.take(limit, now, timeout, max_receives)
        arn = queue.arn
        received = [
            (message, queue.issue_receipt(message, receipt_handle(message.id, message.receive_count)))
            for message in taken.received
        ]
        if taken.received:
            queues.note_receipts(arn, taken.received)
        if taken.expired:
            expired = [message.id for message in taken.expired]
            queues.forget_receipts(arn, expired)
            queues.background(queues.store.remove(arn, expired))
        if taken.dead and dead_letter is not None:
            await self.move(queue, dead_letter, taken.dead, now, dead_lettered=True)
        queues.arm(queue)
        return received

    def _dead_letter_target(self, queue: LiveQueue) -> tuple[int | None, LiveQueue | None]:
        policy = queue.config.settings.redrive_policy
        if policy is None:
            return None, None
        key = key_from_arn(policy.dead_letter_target_arn)
        target = None if key is None else self._queues.get(key.arn)
        # without its dead-letter queue a queue keeps redelivering (the target is checked on create)
        return (policy.max_receive_count, target) if target is not None else (None, None)

    async def move(
        self, source: LiveQueue, destination: LiveQueue, messages: Sequence[Message], now: float, *, dead_lettered: bool
    ) -> None:
        """Move ``messages`` (already removed from ``source``) into ``destination`` in one commit.

        To a dead-letter queue a message keeps its id, body, attributes, receive count and first
        receive time (and, on a standard queue, its sent time), and gains DeadLetterQueueSourceArn;
        a FIFO dead-letter queue gives it a new sequence number and its message id as deduplication
        id (spec §2.1). Moved back by a
        move task it starts over: new sent time, never received."""
        copies = [self._copy(source, destination, message, now, dead_lettered) for message in messages]
        stored = [copy.stored(destination.arn) for copy in copies]
        moved = [message.id for message in messages]
        self._queues.forget_receipts(source.arn, moved)
        await self._queues.store.transfer(source.arn, moved, stored)
        if destination.deleted:
            return
        now = self._queues.clock.now()
        visible = False
        for copy in copies:
            old = destination.messages.get(copy.id)
            if old is not None:
                destination.remove(old)
            visible = destination.add(copy, now) or visible
        if visible:
            destination.signal()
        self._queues.arm(destination)

    def _copy(self, source: LiveQueue, destination: LiveQueue, message: Message, now: float, dead: bool) -> Message:
        sequence = None
        if destination.config.fifo:
            destination.last_sequence = sequence_after(destination.last_sequence, now)
            sequence = str(destination.last_sequence)
        deduplication_id = message.deduplication_id
        if dead and destination.config.fifo:
            deduplication_id = message.id
        # retention counts from the original enqueue time on standard queues; a FIFO dead-letter
        # queue starts it over (SQS developer guide, "Using dead-letter queues")
        keeps_time = dead and not destination.config.fifo
        return Message(
            message.id,
            message.body,
            message.attributes,
            sent_at=message.sent_at if keeps_time else now,
            visible_at=now,
            receive_count=message.receive_count if dead else 0,
            first_received_at=message.first_received_at if dead else None,
            group_id=message.group_id,
            deduplication_id=deduplication_id if destination.config.fifo else None,
            sequence_number=sequence,
            trace_header=message.trace_header,
            dead_letter_source=source.arn if dead else None,
        )

    def _repeat_attempt(self, queue: LiveQueue, attempt_id: str, now: float) -> list[Received] | None:
        # ReceiveRequestAttemptId: a retried receive gets the same messages and handles while none
        # of them was deleted or changed (SQS API reference, ReceiveMessage)
        found = queue.attempts.get(attempt_id)
        if found is None or found[0] <= now:
            return None
        _, entries = found
        if all(m.state is MessageState.IN_FLIGHT and m.receive_count == count for m, count, _ in entries):
            return [(message, handle) for message, _, handle in entries]
        return None

    def _remember_attempt(self, queue: LiveQueue, attempt_id: str, received: list[Received], now: float) -> None:
        attempts = queue.attempts
        if len(attempts) >= _MAX_ATTEMPTS_KEPT:
            for key in [key for key, (expires, _) in attempts.items() if expires <= now]:
                del attempts[key]
        entries = [(message, message.receive_count, handle) for message, handle in received]
        attempts[attempt_id] = (now + RECEIVE_ATTEMPT_INTERVAL, entries)

    # --- deleting and changing visibility ------------------------------------------------------

    async def delete(self, queue: LiveQueue, handles: Sequence[str], *, lenient: bool = False) -> list[SqsError | None]:
        """Delete each handle's message; one error (or ``None``) per handle. ``lenient`` ignores
        handles that are malformed or stale, as the port promises."""
        outcomes: list[SqsError | None] = []
        removed: list[str] = []
        woke = False
        for handle in handles:
            try:
                message = self._deletable(queue, handle)
            except SqsError as error:
                outcomes.append(None if lenient else error)
                continue
            if message is not None:
                woke = queue.remove(message) or woke
                removed.append(message.id)
            outcomes.append(None)
        if removed:
            self._queues.forget_receipts(queue.arn, removed)
            await self._queues.store.remove(queue.arn, removed)
        if woke:
            queue.signal()
        return outcomes

    def _deletable(self, queue: LiveQueue, handle: str) -> Message | None:
        message = queue.receipts.get(handle)  # the latest handle of a message held here
        if message is not None:
            current = True
        else:
            receipt = parse_receipt_handle(handle)  # older, or issued before a restart
            message = queue.messages.get(receipt.message_id)
            if message is None:
                return None  # already deleted: deleting again succeeds (SQS API reference, DeleteMessage)
            current = message.receive_count == receipt.receive_count
        if queue.config.fifo and (not current or message.state is not MessageState.IN_FLIGHT):
            # FIFO: a handle whose visibility timeout has passed no longer deletes (observed)
            raise InvalidParameterValue(
                f"Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired."
            )
        # standard: only the latest receive's handle deletes; an older one succeeds doing nothing
        return message if current else None

    async def change_visibility(
        self, queue: LiveQueue, changes: Sequence[tuple[str, int]], *, lenient: bool = False
    ) -> list[SqsError | None]:
        queues = self._queues
        now = queues.clock.now()
        queues.refresh(queue, now)
        outcomes: list[SqsError | None] = []
        changed: list[Message] = []
        woke = False
        for handle, timeout in changes:
            try:
                message = self._changeable(queue, handle, timeout, now)
            except SqsError as error:
                outcomes.append(None if lenient else error)
                continue
            if message is not None:
                woke = queue.change_visibility(message, now, timeout) or woke
                changed.append(message)
            outcomes.append(None)
        if changed:
            # written behind, as for receives: a lost change only moves when a message reappears
            queues.note_receipts(queue.arn, changed)
        if woke:
            queue.signal()
        queues.arm(queue)
        return outcomes

    def _changeable(self, queue: LiveQueue, handle: str, timeout: int, now: float) -> Message | None:
        check_visibility(timeout)
        receipt = parse_receipt_handle(handle)
        message = queue.messages.get(receipt.message_id)
        if message is None or message.receive_count != receipt.receive_count:
            raise InvalidParameterValue(
                f"Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not "
                "available for visibility timeout change."
            )
        if message.state is not MessageState.IN_FLIGHT:
            return None  # its visibility timeout already ran out: AWS answers OK and changes nothing (observed)
        if message.received_at is not None and now + timeout - message.received_at > MAX_VISIBILITY:
            # at most 12 hours from the receive, all changes together (spec §2.1)
            raise InvalidParameterValue(
                f"Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for "
                f"the message is beyond the limit [{MAX_VISIBILITY} seconds]."
            )
        return message


async def _wait(queue: LiveQueue, timeout: Coroutine[Any, Any, None]) -> None:
    """Until the queue signals (a message may be receivable) or ``timeout`` (a coroutine) ends."""
    loop = asyncio.get_running_loop()
    woken: asyncio.Future[None] = loop.create_future()
    queue.waiters.add(woken)
    timer = asyncio.ensure_future(timeout)
    try:
        await asyncio.wait((woken, timer), return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
        queue.waiters.discard(woken)
        woken.cancel()
