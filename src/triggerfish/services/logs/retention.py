"""Retention: a log group's events older than its retention period are deleted.

One task sleeps on the clock until the earliest event of any group with a retention policy expires,
then removes every expired event from the index and the stream log. It is woken whenever a policy
or an event arrives that might expire sooner. Expiry is exact here, where AWS takes up to 72 hours
("Change log data retention", Logs user guide); it is not triggered work (settling does not wait).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from triggerfish.core.clock import Clock, sleep_until_woken
from triggerfish.services.logs.models import store_stream
from triggerfish.services.logs.registry import GroupRegistry
from triggerfish.services.logs.validation import DAY_MS
from triggerfish.store.streams import StreamLogStore

log = logging.getLogger(__name__)


class RetentionKeeper:
    def __init__(self, registry: GroupRegistry, log_store: StreamLogStore, clock: Clock) -> None:
        self._registry = registry
        self._log = log_store
        self._clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def poke(self) -> None:
        self._wake.set()

    def next_expiry(self) -> float | None:
        """Epoch seconds at which the earliest retained event expires."""
        dues = []
        for live in self._registry.all():
            days = live.config.retention_days
            oldest = live.oldest_timestamp()
            if days is not None and oldest is not None:
                dues.append((oldest + days * DAY_MS) / 1000)
        return min(dues) if dues else None

    async def expire(self, now: float) -> int:
        """Delete every expired event; returns how many."""
        now_ms = round(now * 1000)
        removed = 0
        for live in self._registry.all():
            days = live.config.retention_days
            if days is None:
                continue
            cutoff = now_ms - days * DAY_MS
            dropped = sum(stream.events.expire(cutoff) for stream in live.streams.values())
            if dropped:
                removed += dropped
                # records arrive at their event timestamp: those before cutoff + 1 ms are the expired ones
                await self._log.trim(store_stream(live.config.region, live.name), before=(cutoff + 1) / 1000)
        return removed

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            due = self.next_expiry()
            if due is not None and due <= self._clock.now():
                try:
                    await self.expire(self._clock.now())
                except Exception:
                    log.exception("deleting expired log events failed")
                    await self._sleep(self._clock.now() + 60.0)
                continue
            await self._sleep(due)

    async def _sleep(self, due: float | None) -> None:
        await sleep_until_woken(self._clock, self._wake, due)
