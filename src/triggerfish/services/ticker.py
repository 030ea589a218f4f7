"""Timers for schedules: one task sleeps on the clock until the earliest timer is due and fires it.

Scheduled rules and Scheduler schedules each keep one timer per schedule under a key. A timer fires
at or after its due time, never before, and timers fire in due order (ties in the order they were
set). Firing runs the callback as a task held in the :class:`WorkTracker`.

A recurring timer should be re-armed with ``following``: it is asked for the next due time at the
moment the timer fires, before the callback runs, so the next timer exists at once. That matters
on the virtual clock, where ``advance`` fires every timer in its interval in one go and would pass a
timer that the callback only set after awaiting a store write. A callback may still call
:meth:`Ticker.set` or :meth:`Ticker.cancel` itself (say, to stop after the last occurrence).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from triggerfish.core.clock import Clock, sleep_until_woken
from triggerfish.core.work import WorkTracker

log = logging.getLogger(__name__)

#: What a timer runs; it is given the due time it fired for.
TickCallback = Callable[[float], Awaitable[None]]
#: The due time after a tick, or ``None`` when there is none.
Following = Callable[[float], "float | None"]


@dataclass(frozen=True, eq=False)
class _Timer:
    key: Hashable
    due: float
    seq: int
    callback: TickCallback
    following: Following | None


class Ticker:
    def __init__(self, clock: Clock, tracker: WorkTracker) -> None:
        self._clock = clock
        self._tracker = tracker
        self._timers: dict[Hashable, _Timer] = {}
        self._heap: list[tuple[float, int, _Timer]] = []
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        tracker.add_source(self)

    def set(self, key: Hashable, due: float, callback: TickCallback, following: Following | None = None) -> None:
        """Arm the one timer of ``key`` for ``due``, replacing any timer it had."""
        timer = _Timer(key, due, next(self._seq), callback, following)
        self._timers[key] = timer
        heapq.heappush(self._heap, (due, timer.seq, timer))
        self._wake.set()

    def cancel(self, key: Hashable) -> None:
        if self._timers.pop(key, None) is not None:
            self._wake.set()

    def due_of(self, key: Hashable) -> float | None:
        timer = self._timers.get(key)
        return None if timer is None else timer.due

    def __len__(self) -> int:
        return len(self._timers)

    def next_due(self) -> float | None:
        """For settling: a timer counts as pending work only once it is due. Schedules recur for
        ever, so a timer due later must not keep anyone waiting for things to settle."""
        head = self._head()
        return head.due if head is not None and head.due <= self._clock.now() else None

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for task in list(self._running):
            task.cancel()
        for task in list(self._running):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def _head(self) -> _Timer | None:
        heap = self._heap
        while heap and self._timers.get(heap[0][2].key) is not heap[0][2]:
            heapq.heappop(heap)
        return heap[0][2] if heap else None

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            head = self._head()
            if head is None:
                await self._wake.wait()
                continue
            if head.due > self._clock.now():
                await self._sleep(head.due)
                continue
            heapq.heappop(self._heap)
            del self._timers[head.key]
            self._fire(head)

    def _fire(self, timer: _Timer) -> None:
        if timer.following is not None:
            following = timer.following(timer.due)
            if following is not None and timer.key not in self._timers:
                self.set(timer.key, following, timer.callback, timer.following)
        task = asyncio.get_running_loop().create_task(self._call(timer))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _call(self, timer: _Timer) -> None:
        with self._tracker.hold():
            try:
                await timer.callback(timer.due)
            except Exception:
                log.exception("the timer %r failed when it fired", timer.key)

    async def _sleep(self, due: float) -> None:
        await sleep_until_woken(self._clock, self._wake, due)
