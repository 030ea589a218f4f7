"""Fire instants of a cron expression in a time zone, DST rules included.

:mod:`cron_search` finds wall-clock minutes; this module picks the minute to start from and turns
the answer into an instant, skipping wall times that a spring-forward change removes and firing a
repeated (fall-back) wall time once (see :mod:`zones` for the AWS rule).
"""

from __future__ import annotations

import datetime as _dt

from triggerfish.core.schedules.cron_search import next_wall, prev_wall
from triggerfish.core.schedules.model import FIRST_YEAR, LAST_YEAR, CronExpression
from triggerfish.core.schedules.zones import (
    MINUTE,
    UTC,
    end_of_second_pass,
    gap_bounds,
    instant_of,
    is_fixed,
)

# A day either side of the years cron allows, so that any time zone's wall clock stays inside.
_EARLIEST = _dt.datetime(FIRST_YEAR - 1, 12, 31, tzinfo=UTC)
_LATEST = _dt.datetime(LAST_YEAR + 1, 1, 2, tzinfo=UTC)


def next_cron(cron: CronExpression, after: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime | None:
    """The first fire instant strictly after ``after``, in UTC."""
    if after >= _LATEST:
        return None
    # Cron fires only from 1970, so an earlier start changes nothing (and keeps offsets in range).
    after = max(after, _EARLIEST)
    if is_fixed(tz):
        offset = _fixed_offset(tz)
        found = next_wall(cron, _floor(_wall(after, offset)) + MINUTE)
        return None if found is None else (found - offset).replace(tzinfo=UTC)
    # In the second pass of a repeated hour, every wall time of that hour has already fired.
    start = end_of_second_pass(after, tz) or _floor(_local(after, tz)) + MINUTE
    while True:
        found = next_wall(cron, start)
        if found is None:
            return None
        instant = instant_of(found, tz)
        if instant is not None:
            return instant
        start = max(gap_bounds(found, tz)[1], found + MINUTE)


def previous_cron(cron: CronExpression, before: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime | None:
    """The last fire instant strictly before ``before``, in UTC."""
    if before <= _EARLIEST:
        return None
    before = min(before, _LATEST)
    if is_fixed(tz):
        offset = _fixed_offset(tz)
        found = prev_wall(cron, _last_minute_before(_wall(before, offset)))
        return None if found is None else (found - offset).replace(tzinfo=UTC)
    # In the second pass of a repeated hour, the whole hour fired in its first pass.
    repeat_end = end_of_second_pass(before, tz)
    start = repeat_end - MINUTE if repeat_end else _last_minute_before(_local(before, tz))
    while True:
        found = prev_wall(cron, start)
        if found is None:
            return None
        instant = instant_of(found, tz)
        if instant is not None:
            return instant
        start = min(gap_bounds(found, tz)[0], found - MINUTE)


def _fixed_offset(tz: _dt.tzinfo) -> _dt.timedelta:
    return tz.utcoffset(None) or _dt.timedelta()


def _wall(instant: _dt.datetime, offset: _dt.timedelta) -> _dt.datetime:
    return (instant.astimezone(UTC) + offset).replace(tzinfo=None)


def _local(instant: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _floor(wall: _dt.datetime) -> _dt.datetime:
    return wall.replace(second=0, microsecond=0)


def _last_minute_before(wall: _dt.datetime) -> _dt.datetime:
    floor = _floor(wall)
    return floor - MINUTE if floor == wall else floor
