"""Retention: records older than a stream's retention period are removed by a periodic trim.

Reads already hide expired records, so the trim only reclaims space: it runs on the clock every
few minutes and does not count as triggered work (a test waiting for things to settle does not
wait for it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from triggerfish.core.clock import Clock
from triggerfish.services.kinesis.registry import StreamRegistry
from triggerfish.store.streams import StreamLogStore

log = logging.getLogger(__name__)

TRIM_INTERVAL = 300.0


class RetentionTrimmer:
    def __init__(self, registry: StreamRegistry, log_store: StreamLogStore, clock: Clock) -> None:
        self._registry = registry
        self._log = log_store
        self._clock = clock
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

    async def trim(self, now: float) -> int:
        """Remove every stream's expired records; returns how many."""
        removed = 0
        for live in self._registry.all():
            removed += await self._log.trim(live.arn, before=now - live.config.retention_hours * 3600)
        return removed

    async def _run(self) -> None:
        while True:
            await self._clock.sleep_until(self._clock.now() + TRIM_INTERVAL)
            try:
                await self.trim(self._clock.now())
            except Exception:
                log.exception("trimming expired Kinesis records failed")
