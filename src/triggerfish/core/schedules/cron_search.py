"""Finding the next or previous wall-clock minute a cron expression selects.

The search works field by field from the largest: jump to the next allowed year, then month, then
day, hour and minute, and when a field runs out, carry into the one above and start it over. Each
jump is a bit-mask lookup, so even ``cron(0 0 29 2 ? *)`` is a handful of steps, not a scan of
every minute. Times here are naive wall-clock times; time zones are handled by the caller.
"""

from __future__ import annotations

import datetime as _dt

from triggerfish.core.schedules.bits import next_bit, prev_bit
from triggerfish.core.schedules.day_rules import days_in_month
from triggerfish.core.schedules.model import FIRST_YEAR, CronExpression


def next_wall(cron: CronExpression, start: _dt.datetime) -> _dt.datetime | None:
    """The first selected minute at or after ``start`` (naive, whole minute), or ``None``."""
    masks = cron.masks
    if not masks.can_fire:
        return None
    year, month, day, hour, minute = start.year, start.month, start.day, start.hour, start.minute
    while True:
        found_year = next_bit(masks.years, year - FIRST_YEAR)
        if found_year is None:
            return None
        if found_year + FIRST_YEAR != year:
            year, month, day, hour, minute = found_year + FIRST_YEAR, 1, 1, 0, 0
        found_month = next_bit(masks.months, month)
        if found_month is None:
            year, month, day, hour, minute = year + 1, 1, 1, 0, 0
            continue
        if found_month != month:
            month, day, hour, minute = found_month, 1, 0, 0
        found_day = next_bit(days_in_month(cron.day_of_month, cron.day_of_week, year, month), day)
        if found_day is None:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            day, hour, minute = 1, 0, 0
            continue
        if found_day != day:
            day, hour, minute = found_day, 0, 0
        found_hour = next_bit(masks.hours, hour)
        if found_hour is None:
            # Day 32 finds no day above, which carries into the next month.
            day, hour, minute = day + 1, 0, 0
            continue
        if found_hour != hour:
            hour, minute = found_hour, 0
        found_minute = next_bit(masks.minutes, minute)
        if found_minute is None:
            hour, minute = hour + 1, 0
            continue
        return _dt.datetime(year, month, day, hour, found_minute)


def prev_wall(cron: CronExpression, start: _dt.datetime) -> _dt.datetime | None:
    """The last selected minute at or before ``start`` (naive, whole minute), or ``None``."""
    masks = cron.masks
    if not masks.can_fire:
        return None
    year, month, day, hour, minute = start.year, start.month, start.day, start.hour, start.minute
    while True:
        found_year = prev_bit(masks.years, year - FIRST_YEAR)
        if found_year is None:
            return None
        if found_year + FIRST_YEAR != year:
            year, month, day, hour, minute = found_year + FIRST_YEAR, 12, 31, 23, 59
        found_month = prev_bit(masks.months, month)
        if found_month is None:
            year, month, day, hour, minute = year - 1, 12, 31, 23, 59
            continue
        if found_month != month:
            month, day, hour, minute = found_month, 31, 23, 59
        found_day = prev_bit(days_in_month(cron.day_of_month, cron.day_of_week, year, month), day)
        if found_day is None:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            day, hour, minute = 31, 23, 59
            continue
        if found_day != day:
            day, hour, minute = found_day, 23, 59
        found_hour = prev_bit(masks.hours, hour)
        if found_hour is None:
            # Day 0 finds no day below, which carries into the previous month.
            day, hour, minute = day - 1, 23, 59
            continue
        if found_hour != hour:
            hour, minute = found_hour, 59
        found_minute = prev_bit(masks.minutes, minute)
        if found_minute is None:
            hour, minute = hour - 1, 59
            continue
        return _dt.datetime(year, month, day, hour, found_minute)
