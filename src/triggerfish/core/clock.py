"""The one clock every timer reads.

Services never call ``time.time()`` or ``asyncio.sleep()`` to wait for a due time; they ask the
clock. Production uses :class:`SystemClock`; tests use :class:`VirtualClock` and advance it, so a
two-minute retry delay is tested in microseconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol


class Clock(Protocol):
    """Wall-clock time in epoch seconds, and waiting for a point in it."""

    def now(self) -> float: ...

    async def sleep_until(self, when: float) -> None:
        """Return at or after ``when`` (never before)."""

    @property
    def is_virtual(self) -> bool: ...


class SystemClock:
    """The real clock."""

    is_virtual = False

    def now(self) -> float:
        return time.time()

    async def sleep_until(self, when: float) -> None:
        # Sleep on the loop's monotonic timer, then re-check the wall clock so we never wake early.
        while True:
            delay = when - time.time()
            if delay <= 0:
                return
            await asyncio.sleep(delay)


class VirtualClock:
    """A clock that only moves when told to.

    Sleepers are woken strictly in due-time order by :meth:`advance`; between two wake-ups the event
    loop runs until the work the first one started has had a chance to schedule its own timers.
    """

    is_virtual = True

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self._now

    async def sleep_until(self, when: float) -> None:
        if when <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (when, next(self._seq), future))
        await future

    def next_wakeup(self) -> float | None:
        self._drop_cancelled()
        return self._sleepers[0][0] if self._sleepers else None

    async def advance(self, seconds: float, *, settle_rounds: int = 50) -> None:
        """Move time forward by ``seconds``, firing every timer that falls inside, in order."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        target = self._now + seconds
        await _let_loop_run(settle_rounds)
        while True:
            self._drop_cancelled()
            if not self._sleepers or self._sleepers[0][0] > target:
                break
            when, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, when)
            future.set_result(None)
            await _let_loop_run(settle_rounds)
        self._now = target
        await _let_loop_run(settle_rounds)

    async def set(self, when: float) -> None:
        await self.advance(max(0.0, when - self._now))

    def _drop_cancelled(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)


async def sleep_until_woken(clock: Clock, wake: asyncio.Event, due: float | None) -> None:
    """Until ``due`` on ``clock`` or until ``wake`` is set, whichever comes first (``None``: only ``wake``).
    The event is left as it is: clearing it is the caller's decision."""
    if due is None:
        await wake.wait()
        return
    waiter = asyncio.ensure_future(wake.wait())
    timer = asyncio.ensure_future(clock.sleep_until(due))
    try:
        await asyncio.wait((waiter, timer), return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
        timer.cancel()


async def _let_loop_run(rounds: int) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)
