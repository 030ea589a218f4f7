"""When a schedule fires: the next occurrence after, or the last one before, a given instant.

All instants are timezone-aware; results are in UTC. ``tz`` is the zone cron and at expressions
are read in (EventBridge rules: always UTC; Scheduler: ``ScheduleExpressionTimezone``). A rate
schedule has no calendar: it fires every period from its ``anchor`` (see :mod:`timetable`), which is
itself the first occurrence.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator

from triggerfish.core.schedules.cron_times import next_cron, previous_cron
from triggerfish.core.schedules.model import AtExpression, CronExpression, RateExpression, Schedule
from triggerfish.core.schedules.zones import UTC, shifted_instant

_MICROSECOND = _dt.timedelta(microseconds=1)


def next_after(
    schedule: Schedule,
    after: _dt.datetime,
    tz: _dt.tzinfo = UTC,
    *,
    anchor: _dt.datetime | None = None,
) -> _dt.datetime | None:
    """The first occurrence strictly after ``after``, or ``None`` if there is none."""
    _require_aware(after)
    if isinstance(schedule, CronExpression):
        return next_cron(schedule, after, tz)
    if isinstance(schedule, RateExpression):
        return _next_rate(schedule, after, _require_anchor(anchor))
    instant = _at_instant(schedule, tz)
    return instant if instant > after else None


def previous_before(
    schedule: Schedule,
    before: _dt.datetime,
    tz: _dt.tzinfo = UTC,
    *,
    anchor: _dt.datetime | None = None,
) -> _dt.datetime | None:
    """The last occurrence strictly before ``before``, or ``None`` if there is none."""
    _require_aware(before)
    if isinstance(schedule, CronExpression):
        return previous_cron(schedule, before, tz)
    if isinstance(schedule, RateExpression):
        return _previous_rate(schedule, before, _require_anchor(anchor))
    instant = _at_instant(schedule, tz)
    return instant if instant < before else None


def iter_after(
    schedule: Schedule,
    after: _dt.datetime,
    tz: _dt.tzinfo = UTC,
    *,
    anchor: _dt.datetime | None = None,
) -> Iterator[_dt.datetime]:
    """Every occurrence strictly after ``after``, in order (endless for most schedules)."""
    current = next_after(schedule, after, tz, anchor=anchor)
    while current is not None:
        yield current
        current = next_after(schedule, current, tz, anchor=anchor)


def occurrences_between(
    schedule: Schedule,
    start: _dt.datetime,
    end: _dt.datetime,
    tz: _dt.tzinfo = UTC,
    *,
    anchor: _dt.datetime | None = None,
) -> list[_dt.datetime]:
    """Every occurrence in the closed interval ``[start, end]``."""
    found: list[_dt.datetime] = []
    for instant in iter_after(schedule, start - _MICROSECOND, tz, anchor=anchor):
        if instant > end:
            break
        found.append(instant)
    return found


def _next_rate(rate: RateExpression, after: _dt.datetime, anchor: _dt.datetime) -> _dt.datetime | None:
    if after < anchor:
        return anchor.astimezone(UTC)
    periods = _micros(after - anchor) // (rate.period_seconds * 1_000_000) + 1
    return _shift(anchor, rate, periods)


def _previous_rate(rate: RateExpression, before: _dt.datetime, anchor: _dt.datetime) -> _dt.datetime | None:
    if before <= anchor:
        return None
    periods = (_micros(before - anchor) - 1) // (rate.period_seconds * 1_000_000)
    return _shift(anchor, rate, periods)


def _shift(anchor: _dt.datetime, rate: RateExpression, periods: int) -> _dt.datetime | None:
    """``anchor`` plus whole periods, or ``None`` past the last representable datetime."""
    try:
        return anchor.astimezone(UTC) + _dt.timedelta(seconds=periods * rate.period_seconds)
    except OverflowError:
        return None


def _at_instant(at: AtExpression, tz: _dt.tzinfo) -> _dt.datetime:
    return shifted_instant(at.wall_time, tz)


def _micros(delta: _dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _require_aware(instant: _dt.datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("schedule times must be timezone-aware datetimes")


def _require_anchor(anchor: _dt.datetime | None) -> _dt.datetime:
    if anchor is None:
        raise ValueError("a rate schedule needs an anchor (see triggerfish.core.schedules.timetable)")
    _require_aware(anchor)
    return anchor
