"""A durable queue of work due at given times, and the loop that hands due work to a handler.

Lambda's asynchronous invocations (spec §1.3) and the retries of EventBridge and Scheduler targets
(§4.4, §4.7) all wait in one: work is acknowledged only once it is in the store; the loop claims due
entries, runs the handler, and the handler completes them or reschedules them for a later attempt.
A crash loses nothing: claims are released when the queue starts again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from triggerfish.core.clock import Clock, sleep_until_woken
from triggerfish.core.work import WorkTracker
from triggerfish.store.interfaces import AsyncEvent, AsyncEventStore

log = logging.getLogger(__name__)

CLAIM_BATCH = 256
MAX_PARALLEL = 256
THROTTLE_BACKOFF_MIN = 1.0
THROTTLE_BACKOFF_MAX = 300.0


EventHandler = Callable[[AsyncEvent], Awaitable[None]]


class DueQueue:
    def __init__(self, store: AsyncEventStore, clock: Clock, tracker: WorkTracker) -> None:
        self._store = store
        self._clock = clock
        self._tracker = tracker
        self._wake = asyncio.Event()
        # _changes counts pokes; _next_due is trustworthy only once refreshed after the latest one
        self._changes = 1
        self._refreshed_at = 0
        self._next_due: float | None = None
        self._processing = 0
        self._slots = asyncio.Semaphore(MAX_PARALLEL)
        self._task: asyncio.Task[None] | None = None
        self._handler: EventHandler | None = None
        self._running: set[asyncio.Task[None]] = set()
        tracker.add_source(self)

    async def start(self, handler: EventHandler) -> None:
        self._handler = handler
        released = await self._store.release_all_claims()
        if released:
            log.info("resuming %d asynchronous events claimed before a restart", released)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def submit(self, event: AsyncEvent) -> None:
        """Durably store ``event``; the caller may acknowledge once this returns."""
        await self._store.enqueue(event)
        self.poke()

    async def complete(self, event: AsyncEvent) -> None:
        await self._store.complete([event.id])
        self.poke()

    async def reschedule(self, event: AsyncEvent, due_at: float) -> None:
        await self._store.reschedule(
            event.id,
            due_at=due_at,
            attempts=event.attempts,
            invoke_count=event.invoke_count,
            last_result=event.last_result,
        )
        self.poke()

    def poke(self) -> None:
        self._changes += 1
        self._wake.set()
        self._tracker.poke()

    def next_due(self) -> float | None:
        """For settling: "now" while anything is unsettled here, else the earliest stored due time."""
        if self._refreshed_at != self._changes or self._processing:
            return self._clock.now()
        return self._next_due

    async def _run(self) -> None:
        while True:
            seen = self._changes
            self._wake.clear()
            events = await self._store.claim_due(self._clock.now(), CLAIM_BATCH)
            for event in events:
                await self._slots.acquire()
                self._processing += 1
                task = asyncio.get_running_loop().create_task(self._process(event))
                self._running.add(task)
                task.add_done_callback(self._running.discard)
            if len(events) == CLAIM_BATCH:
                continue
            self._next_due = await self._store.next_due()
            if self._changes != seen:
                continue
            self._refreshed_at = seen
            self._tracker.poke()
            await self._sleep(self._next_due)

    async def _sleep(self, due: float | None) -> None:
        await sleep_until_woken(self._clock, self._wake, due)

    async def _process(self, event: AsyncEvent) -> None:
        try:
            assert self._handler is not None
            await self._handler(event)
        except Exception:
            # A bug of ours must not lose the event: put it back for a later attempt.
            log.exception("asynchronous event %s failed to process; retrying later", event.id)
            with contextlib.suppress(Exception):
                await self.reschedule(event, self._clock.now() + THROTTLE_BACKOFF_MIN)
        finally:
            self._processing -= 1
            self._slots.release()
            self.poke()

    async def count(self) -> int:
        return await self._store.count()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for task in list(self._running):
            task.cancel()
        for task in list(self._running):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def throttle_backoff(event: AsyncEvent, now: float) -> float:
    """Exponential: wait as long as the event has already waited, between 1 s and 5 min."""
    return min(THROTTLE_BACKOFF_MAX, max(THROTTLE_BACKOFF_MIN, now - event.enqueued_at))
