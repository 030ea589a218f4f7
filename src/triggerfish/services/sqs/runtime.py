"""The live queues of one service, their timers, and the store writes nobody waits for."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable

from triggerfish.core.clock import Clock
from triggerfish.core.ids import DEFAULT_ACCOUNT
from triggerfish.services.sqs.message import Message
from triggerfish.services.sqs.models import QueueConfig
from triggerfish.services.sqs.queue_state import LiveQueue
from triggerfish.store.queues import QueueMessageStore, ReceiptState

log = logging.getLogger(__name__)

Listener = Callable[[], None]

#: Receive counts and visibility are written behind, at most this many seconds later, in one write;
#: a message deleted meanwhile needs no write at all.
RECEIPT_WRITE_DELAY = 0.05
RECEIPT_WRITE_BATCH = 10_000


class QueueTimer:
    """Wakes its queue at the next due time on the injected clock; re-armed only for an earlier one."""

    __slots__ = ("_clock", "_due", "_fire", "_task")

    def __init__(self, clock: Clock, fire: Callable[[], None]) -> None:
        self._clock = clock
        self._fire = fire
        self._due: float | None = None
        self._task: asyncio.Task[None] | None = None

    def arm(self, due: float | None) -> None:
        if due is None or (self._task is not None and self._due is not None and self._due <= due):
            return
        self.cancel()
        self._due = due
        self._task = asyncio.get_running_loop().create_task(self._wait(due))

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task = None
        self._due = None

    async def _wait(self, due: float) -> None:
        await self._clock.sleep_until(due)
        self._task = None
        self._due = None
        self._fire()


class Queues:
    """Live queues by ARN. Listeners (the port's ``on_available``) are kept by ARN, so they outlive
    a queue that is deleted and created again."""

    def __init__(self, store: QueueMessageStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        #: SenderId of every message: the account, as for messages its root user sends
        self.sender_id = DEFAULT_ACCOUNT
        self._queues: dict[str, LiveQueue] = {}
        self._timers: dict[str, QueueTimer] = {}
        self._listeners: dict[str, list[Listener]] = {}
        self._pending: set[asyncio.Future[object]] = set()
        self._receipts: dict[tuple[str, str], ReceiptState] = {}
        self._receipts_due: asyncio.TimerHandle | None = None

    def get(self, arn: str) -> LiveQueue | None:
        return self._queues.get(arn)

    def all(self) -> list[LiveQueue]:
        return list(self._queues.values())

    def attach(self, config: QueueConfig) -> LiveQueue:
        queue = LiveQueue(config, self.listeners(config.arn))
        self._queues[config.arn] = queue
        self._timers[config.arn] = QueueTimer(self.clock, lambda: self.refresh(queue))
        return queue

    def detach(self, arn: str) -> LiveQueue | None:
        queue = self._queues.pop(arn, None)
        timer = self._timers.pop(arn, None)
        if timer is not None:
            timer.cancel()
        if queue is not None:
            queue.deleted = True
            queue.signal()  # long polls end; consumers find the queue gone
        return queue

    def listeners(self, arn: str) -> list[Listener]:
        return self._listeners.setdefault(arn, [])

    def refresh(self, queue: LiveQueue, now: float | None = None) -> None:
        """Bring ``queue`` up to ``now``: due messages become visible, expired ones go; re-arm its timer."""
        if queue.deleted:
            return
        woke, expired = queue.tick(self.clock.now() if now is None else now)
        if expired:
            ids = [message.id for message in expired]
            self.forget_receipts(queue.arn, ids)
            self.background(self.store.remove(queue.arn, ids))
            woke = woke or queue.config.fifo  # an expired head may unblock its group
        if woke:
            queue.signal()
        self.arm(queue)

    def arm(self, queue: LiveQueue) -> None:
        timer = self._timers.get(queue.arn)
        if timer is not None:
            timer.arm(queue.next_due())

    def note_receipts(self, arn: str, messages: Iterable[Message]) -> None:
        """Record receive counts and visibility soon. Not awaited: a count lost in a crash means one
        more delivery, never a lost message."""
        receipts = self._receipts
        for message in messages:
            receipts[(arn, message.id)] = message.receipt_state(arn)
        if len(receipts) >= RECEIPT_WRITE_BATCH:
            self.write_receipts()
        elif self._receipts_due is None:
            self._receipts_due = asyncio.get_running_loop().call_later(RECEIPT_WRITE_DELAY, self.write_receipts)

    def forget_receipts(self, arn: str, message_ids: Iterable[str]) -> None:
        """The messages left ``arn``: their pending receipt writes are moot."""
        if self._receipts:
            for message_id in message_ids:
                self._receipts.pop((arn, message_id), None)

    def write_receipts(self) -> None:
        if self._receipts_due is not None:
            self._receipts_due.cancel()
            self._receipts_due = None
        if self._receipts:
            states = list(self._receipts.values())
            self._receipts.clear()
            self.background(self.store.record_receipts(states))

    def background(self, write: Awaitable[object]) -> None:
        """A store write nobody waits for; its failure is logged, never lost silently."""
        future = asyncio.ensure_future(write)
        self._pending.add(future)
        future.add_done_callback(self._written)

    def _written(self, future: asyncio.Future[object]) -> None:
        self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            log.error("an SQS store write failed", exc_info=future.exception())

    async def flush(self) -> None:
        """Write pending receipts and wait for every background write started so far."""
        self.write_receipts()
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        for queue in self._queues.values():
            queue.deleted = True
            queue.signal()
