"""Schedules in memory, each stored as one document (kind ``scheduler.schedule``, named
``<group>/<name>`` in its account and region), and the last tick each one fired for.

Changes of one schedule (create, update, delete, firing) run under that schedule's lock, so a write
that was answered is durable and a firing never interleaves with a change of the same schedule.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

from triggerfish.core.clock import Clock
from triggerfish.core.scope import scope_key
from triggerfish.services.scheduler.documents import decode_schedule, decode_tick, encode_schedule, encode_tick
from triggerfish.services.scheduler.models import SCHEDULE_KIND, TICK_KIND, Schedule, ScheduleKey, Scope
from triggerfish.store.interfaces import DocumentStore


class ScheduleRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock
        self._schedules: dict[ScheduleKey, Schedule] = {}
        self._ticks: dict[ScheduleKey, float] = {}
        self._locks: dict[ScheduleKey, asyncio.Lock] = {}

    async def load(self) -> None:
        """Read every stored schedule and last tick back (after a restart)."""
        self._schedules = {}
        for document in await self._documents.list(SCHEDULE_KIND):
            schedule = decode_schedule(document.body)
            self._schedules[schedule.key] = schedule
        self._ticks = {}
        for document in await self._documents.list(TICK_KIND):
            group, _, name = document.name.partition("/")
            self._ticks[ScheduleKey(document.scope, group, name)] = decode_tick(document.body)

    def lock(self, key: ScheduleKey) -> asyncio.Lock:
        found = self._locks.get(key)
        if found is None:
            found = self._locks[key] = asyncio.Lock()
        return found

    def find(self, key: ScheduleKey) -> Schedule | None:
        return self._schedules.get(key)

    def __iter__(self) -> Iterator[Schedule]:
        return iter(list(self._schedules.values()))

    def in_scope(self, scope: Scope, group: str | None = None) -> list[Schedule]:
        where = scope_key(scope)
        found = [s for k, s in self._schedules.items() if k.scope == where and (group is None or k.group == group)]
        return sorted(found, key=lambda s: (s.group, s.name))

    async def save(self, schedule: Schedule) -> None:
        key = schedule.key
        await self._documents.put(
            SCHEDULE_KIND, key.scope, key.document_name, encode_schedule(schedule), now=self._clock.now()
        )
        self._schedules[key] = schedule

    async def remove(self, key: ScheduleKey) -> bool:
        """Forget the schedule and its last tick; returns whether it existed."""
        existed = await self._documents.delete(SCHEDULE_KIND, key.scope, key.document_name)
        await self._documents.delete(TICK_KIND, key.scope, key.document_name)
        self._ticks.pop(key, None)
        return self._schedules.pop(key, None) is not None or existed

    def last_tick(self, key: ScheduleKey) -> float | None:
        return self._ticks.get(key)

    async def record_tick(self, key: ScheduleKey, tick: float) -> None:
        """Durably note that ``tick`` fired, before its invocation is made, so a restart never
        fires it again."""
        await self._documents.put(TICK_KIND, key.scope, key.document_name, encode_tick(tick), now=self._clock.now())
        self._ticks[key] = tick
