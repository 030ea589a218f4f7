"""Tracking triggered work, so callers can wait until everything settles.

Every piece of work a trigger starts (an async event waiting, an invocation running) holds a token
while it is in flight. :meth:`WorkTracker.settled` answers when nothing is in flight and no source
has work due now; sources report work due later through :meth:`WorkSource.next_due`.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Protocol


class WorkSource(Protocol):
    def next_due(self) -> float | None:
        """Epoch seconds of the earliest work this source still has queued, or ``None``."""


class WorkTracker:
    def __init__(self) -> None:
        self._in_flight = 0
        self._sources: list[WorkSource] = []
        self._changed = asyncio.Event()

    def add_source(self, source: WorkSource) -> None:
        self._sources.append(source)

    def hold(self) -> _Hold:
        """A context manager holding one unit of in-flight work."""
        return _Hold(self)

    def _acquire(self) -> None:
        self._in_flight += 1

    def _release(self) -> None:
        self._in_flight -= 1
        self.poke()

    def poke(self) -> None:
        """Something changed: wake anyone waiting to settle."""
        self._changed.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def next_due(self) -> float | None:
        dues = [due for source in self._sources if (due := source.next_due()) is not None]
        return min(dues) if dues else None

    async def wait_changed(self, timeout: float) -> None:
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)


class _Hold:
    __slots__ = ("_tracker",)

    def __init__(self, tracker: WorkTracker) -> None:
        self._tracker = tracker

    def __enter__(self) -> None:
        self._tracker._acquire()

    def __exit__(self, *exc: object) -> None:
        self._tracker._release()
