"""Firing schedules: one Ticker timer per enabled schedule, at its next occurrence plus its
flexible-window offset.

A timer fires its tick in order, never early. At fire time the tick is stored as the schedule's last
fired tick *before* the invocation is queued, so a restart never fires it twice; when the service
starts again, ticks missed while it was down are coalesced into one invocation of the latest of them
(a one-time schedule whose moment passed while it was down fires then). After a schedule's last
invocation (a one-time schedule's only one, or a recurring schedule's last before its EndDate),
``ActionAfterCompletion: DELETE`` deletes it ("Deleting a schedule", Scheduler User Guide; without an
EndDate a recurring schedule is never deleted); with ``NONE`` it stays, ENABLED, and fires no more.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable

from triggerfish.core.clock import Clock
from triggerfish.core.schedules import Timetable
from triggerfish.services.scheduler.invocations import Invocations
from triggerfish.services.scheduler.models import AfterCompletion, Schedule, ScheduleKey, ScheduleState
from triggerfish.services.scheduler.schedules import ScheduleRegistry
from triggerfish.services.scheduler.timing import is_one_time, latest_tick, next_tick, timetable_of, window_offset
from triggerfish.services.ticker import Ticker

log = logging.getLogger(__name__)

_MICROSECOND = 1e-6

#: fire time -> the tick it fires, for the timers of one arming of one schedule
Dues = dict[float, float]


class Firing:
    def __init__(self, registry: ScheduleRegistry, ticker: Ticker, invocations: Invocations, clock: Clock) -> None:
        self._registry = registry
        self._ticker = ticker
        self._invocations = invocations
        self._clock = clock
        self._armed: dict[ScheduleKey, Dues] = {}
        self._closed = False

    async def arm(self, schedule: Schedule) -> None:
        """(Re-)arm ``schedule``'s timer. The caller holds the schedule's lock."""
        key = schedule.key
        self.disarm(key)
        if schedule.state is ScheduleState.DISABLED:
            return
        try:
            timetable = timetable_of(schedule)
        except Exception:
            log.exception("schedule %s cannot be evaluated; it will not fire", schedule.arn)
            return
        floor = self._floor(schedule)
        now = self._clock.now()
        first = latest_tick(timetable, floor, now)
        if first is None:
            first = next_tick(timetable, floor)
        if first is None:
            await self._finished_unfired(schedule, timetable, now)
            return
        dues: Dues = {}
        self._armed[key] = dues
        due = self._register(schedule, dues, first)
        callback = self._callback(schedule, timetable, dues)
        self._ticker.set(_timer(key), due, callback, self._following(schedule, timetable, dues))

    def disarm(self, key: ScheduleKey) -> None:
        if self._armed.pop(key, None) is not None:
            self._ticker.cancel(_timer(key))

    def close(self) -> None:
        self._closed = True
        for key in list(self._armed):
            self.disarm(key)

    def _floor(self, schedule: Schedule) -> float:
        # ticks at or before the last fired one, or before the definition was set, are never due
        last = self._registry.last_tick(schedule.key)
        floor = schedule.updated_at - _MICROSECOND
        return floor if last is None else max(floor, last)

    def _register(self, schedule: Schedule, dues: Dues, tick: float) -> float:
        due = tick + window_offset(schedule, tick)
        dues[due] = tick
        return due

    def _following(self, schedule: Schedule, timetable: Timetable, dues: Dues) -> Callable[[float], float | None]:
        def following(due: float) -> float | None:
            tick = dues.get(due)
            if tick is None or self._armed.get(schedule.key) is not dues:
                return None  # a stale timer: the schedule was changed or deleted since
            try:
                after = next_tick(timetable, tick)
            except Exception:
                log.exception("schedule %s: no next occurrence after %s", schedule.arn, tick)
                return None
            return None if after is None else self._register(schedule, dues, after)

        return following

    def _callback(self, schedule: Schedule, timetable: Timetable, dues: Dues) -> Callable[[float], Awaitable[None]]:
        async def fire(due: float) -> None:
            await self._fire(schedule, timetable, dues, due)

        return fire

    async def _fire(self, schedule: Schedule, timetable: Timetable, dues: Dues, due: float) -> None:
        key = schedule.key
        async with self._registry.lock(key):
            tick = dues.pop(due, None)
            if self._closed or tick is None or self._registry.find(key) is not schedule:
                return
            last = self._registry.last_tick(key)
            if last is not None and tick <= last:
                return
            await self._registry.record_tick(key, tick)
            await self._invocations.submit(schedule, tick)
            if next_tick(timetable, tick) is None and schedule.after_completion is AfterCompletion.DELETE:
                await self._delete(schedule)

    async def _finished_unfired(self, schedule: Schedule, timetable: Timetable, now: float) -> None:
        """Nothing is left to fire. A schedule that asks to be deleted and is complete (a one-time
        schedule that fired, its deletion cut short by a crash; a recurring one whose EndDate passed
        while the service was down) is deleted now."""
        if schedule.after_completion is not AfterCompletion.DELETE:
            return
        if is_one_time(timetable):
            complete = self._registry.last_tick(schedule.key) is not None
        else:
            complete = schedule.end_date is not None and schedule.end_date <= now
        if complete:
            await self._delete(schedule)

    async def _delete(self, schedule: Schedule) -> None:
        self.disarm(schedule.key)
        await self._registry.remove(schedule.key)
        log.info("schedule %s completed and was deleted (ActionAfterCompletion DELETE)", schedule.arn)


def _timer(key: ScheduleKey) -> Hashable:
    return ("scheduler", key)
