"""Wall-clock time in a schedule's time zone, and what happens to it around DST changes.

EventBridge Scheduler evaluates cron and at expressions in ``ScheduleExpressionTimezone``
(spec §4.7). AWS describes the DST behaviour in "How can I adjust my Amazon EventBridge schedule for
daylight saving?" (repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst): "When the time
shifts forward in Spring, your schedule invocation gets skipped if the cron expression falls on a
non-existent date and time. When the time shifts back in the Fall, your schedule runs only once and
doesn't repeat its invocation." So a wall time in the spring-forward gap has no instant, and a wall
time in the repeated hour has exactly one: the first, since it is never repeated.

Mapping each existing wall time to that instant is strictly increasing, which is what lets the
fire-time search run on wall times and convert only the answer.
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from collections.abc import Callable

UTC = _dt.UTC
MINUTE = _dt.timedelta(minutes=1)


class UnknownTimeZone(ValueError):
    """A ``ScheduleExpressionTimezone`` that is not an IANA time zone name."""


def load_timezone(name: str | None) -> _dt.tzinfo:
    """The zone for an IANA name; ``None`` (no ``ScheduleExpressionTimezone``) is UTC."""
    if name is None or name == "UTC":
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(f"unknown time zone {name!r}") from None


def is_fixed(tz: _dt.tzinfo) -> bool:
    """True for zones without transitions, where wall time is instant plus a constant."""
    return isinstance(tz, _dt.timezone)


def instant_of(wall: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime | None:
    """The UTC instant a cron wall time fires at, or ``None`` inside a spring-forward gap."""
    instant = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        return None
    return instant


def shifted_instant(wall: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime:
    """The instant for a one-time ``at`` wall time: the first of a repeated time, and a time in a
    gap read with the offset before the change (02:30 on a spring-forward night fires at 03:30).

    AWS documents no rule for at() in a gap; this is how a clock that is put forward reads it.
    """
    return wall.replace(tzinfo=tz, fold=0).astimezone(UTC)


def end_of_second_pass(instant: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime | None:
    """If ``instant`` falls in the second pass of a repeated (fall-back) hour, the wall time at
    which that repetition ends; otherwise ``None``."""
    local = instant.astimezone(tz)
    if not local.fold:
        return None
    # The second pass lasts as long as the offset changed by; find where fold drops back to 0.
    span = _minutes(local.replace(fold=0).utcoffset(), local.utcoffset())
    start = instant.replace(second=0, microsecond=0)
    end = _first_change(start, span, tz, lambda probe: probe.fold == 0)
    return end.astimezone(tz).replace(tzinfo=None)


def gap_bounds(wall: _dt.datetime, tz: _dt.tzinfo) -> tuple[_dt.datetime, _dt.datetime]:
    """For a wall time inside a spring-forward gap: the last wall minute before the gap and the
    first one after it."""
    aware = wall.replace(tzinfo=tz)
    before = aware.replace(fold=1).astimezone(UTC)  # read with the later offset: lands before the gap
    span = _minutes(aware.replace(fold=1).utcoffset(), aware.replace(fold=0).utcoffset())
    offset_before = before.astimezone(tz).utcoffset()
    change = _first_change(before, span, tz, lambda probe: probe.utcoffset() != offset_before)
    last = (change - MINUTE).astimezone(tz).replace(tzinfo=None)
    first = change.astimezone(tz).replace(tzinfo=None)
    return last, first


def _first_change(
    start: _dt.datetime, span: int, tz: _dt.tzinfo, changed: Callable[[_dt.datetime], bool]
) -> _dt.datetime:
    """The first instant ``start + k`` minutes (1 <= k <= span) whose local time passes ``changed``."""
    low, high = 1, span
    while low < high:
        middle = (low + high) // 2
        if changed((start + middle * MINUTE).astimezone(tz)):
            high = middle
        else:
            low = middle + 1
    return start + low * MINUTE


def _minutes(first: _dt.timedelta | None, second: _dt.timedelta | None) -> int:
    difference = abs((first or _dt.timedelta()) - (second or _dt.timedelta()))
    return max(1, -(-difference // MINUTE))
