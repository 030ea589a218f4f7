"""When a schedule fires: its timetable, and where in its flexible window each invocation falls.

Cron and at expressions are read in ``ScheduleExpressionTimezone`` (DST-aware, spec §4.7); a rate
without StartDate starts at once ("Schedule types", Scheduler User Guide), counted from the schedule's
creation. An UpdateSchedule keeps that count (so redeploying an unchanged schedule does not invoke it
again at once); only ticks after the update are due. StartDate and EndDate bound recurring schedules
only.
"""

from __future__ import annotations

import datetime as _dt
import hashlib

from triggerfish.core.schedules import AtExpression, Timetable, UnknownTimeZone, parse_schedule
from triggerfish.services.scheduler.errors import ValidationException
from triggerfish.services.scheduler.models import Schedule

_MICROSECOND = 1e-6


def timetable_of(schedule: Schedule) -> Timetable:
    """Raises :class:`~triggerfish.core.schedules.InvalidScheduleExpression` ("Invalid Schedule
    Expression <expr>.") or :class:`ValidationException` for a time zone that is not an IANA name."""
    parsed = parse_schedule(schedule.expression, service="scheduler")
    try:
        return Timetable.for_scheduler(
            parsed,
            created_at=instant(schedule.created_at),
            timezone=schedule.timezone,
            start_date=_optional_instant(schedule.start_date),
            end_date=_optional_instant(schedule.end_date),
        )
    except UnknownTimeZone:
        # worded as the expression's own refusal; AWS's text for a bad zone is not recorded
        raise ValidationException(f"Invalid Schedule Expression Timezone {schedule.timezone}.") from None


def is_one_time(timetable: Timetable) -> bool:
    return isinstance(timetable.schedule, AtExpression)


def next_tick(timetable: Timetable, after: float) -> float | None:
    """The first occurrence strictly after ``after`` (epoch seconds)."""
    found = timetable.next_after(instant(after))
    return found.timestamp() if found is not None else None


def latest_tick(timetable: Timetable, floor: float, now: float) -> float | None:
    """The last occurrence in ``(floor, now]``: the one a restart coalesces missed ticks into."""
    found = timetable.previous_before(instant(now + _MICROSECOND))
    if found is None or found.timestamp() <= floor:
        return None
    return found.timestamp()


def window_offset(schedule: Schedule, tick: float) -> float:
    """Seconds after ``tick`` at which its invocation is made: 0 with the window OFF; with FLEXIBLE a
    point in ``[0, MaximumWindowInMinutes)`` derived from the schedule and the tick, so a restart
    lands on the same point (spec §4.7: "invocation at a random point within the window")."""
    span = schedule.window.seconds
    if span <= 0:
        return 0.0
    digest = hashlib.sha256(f"{schedule.arn}|{tick!r}".encode()).digest()
    fraction = int.from_bytes(digest[:8], "big") / 2**64
    return fraction * span


def instant(epoch: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(epoch, _dt.UTC)


def _optional_instant(epoch: float | None) -> _dt.datetime | None:
    return None if epoch is None else instant(epoch)
