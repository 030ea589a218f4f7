"""Which days of a month a cron expression selects.

Day-of-month and day-of-week are the two cron fields whose meaning depends on the month: ``L`` is
the 30th in April, ``3W`` moves to the nearest weekday, ``6#3`` is the third Friday. Each rule is a
small value; :func:`days_in_month` turns the active rule into a bit mask of the matching days
(bit ``d`` set for day ``d``).

Day-of-week numbers follow AWS: 1 = Sunday ... 7 = Saturday.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache

from triggerfish.core.schedules.bits import mask_of

SUNDAY = 1
SATURDAY = 7


@dataclass(frozen=True)
class AnyDay:
    """``?``: this field places no constraint; the other day field decides."""


@dataclass(frozen=True)
class DaysOfMonth:
    """Explicit days (lists, ranges, steps, ``*``). Days past the month's end never match."""

    days: tuple[int, ...]


@dataclass(frozen=True)
class LastDayOfMonth:
    """``L`` (offset 0) or ``L-n``: the last day of the month, minus ``offset`` days."""

    offset: int = 0


@dataclass(frozen=True)
class LastWeekdayOfMonth:
    """``LW``: the last Monday-to-Friday day of the month."""


@dataclass(frozen=True)
class NearestWeekday:
    """``nW``: the weekday nearest to day ``day``, never leaving the month."""

    day: int


@dataclass(frozen=True)
class DaysOfWeek:
    """Explicit weekdays, 1 = Sunday ... 7 = Saturday."""

    days: tuple[int, ...]


@dataclass(frozen=True)
class LastDayOfWeekInMonth:
    """``nL`` (for example ``6L``): the last such weekday of the month."""

    weekday: int


@dataclass(frozen=True)
class NthDayOfWeekInMonth:
    """``n#k`` (for example ``3#2``): the ``k``-th such weekday of the month, if it has one."""

    weekday: int
    nth: int


DayOfMonthRule = AnyDay | DaysOfMonth | LastDayOfMonth | LastWeekdayOfMonth | NearestWeekday
DayOfWeekRule = AnyDay | DaysOfWeek | LastDayOfWeekInMonth | NthDayOfWeekInMonth


_MONTH_LENGTHS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_LONGEST_MONTHS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def month_length(year: int, month: int) -> int:
    if month == 2 and calendar.isleap(year):
        return 29
    return _MONTH_LENGTHS[month]


def could_ever_match(rule: DayOfMonthRule, months: tuple[int, ...]) -> bool:
    """False when the rule asks for a day none of ``months`` ever has (``30 FEB``, ``31W APR``)."""
    longest = max(_LONGEST_MONTHS[month] for month in months)
    if isinstance(rule, DaysOfMonth):
        return min(rule.days) <= longest
    if isinstance(rule, NearestWeekday):
        return rule.day <= longest
    if isinstance(rule, LastDayOfMonth):
        return longest - rule.offset >= 1
    return True


def weekday(year: int, month: int, day: int) -> int:
    """AWS numbering: 1 = Sunday ... 7 = Saturday."""
    return _dt.date(year, month, day).isoweekday() % 7 + 1


def days_in_month(dom: DayOfMonthRule, dow: DayOfWeekRule, year: int, month: int) -> int:
    """Bit mask of the days of ``year``-``month`` that the pair of rules selects."""
    length = month_length(year, month)
    if isinstance(dom, AnyDay):
        return _weekday_days(dow, year, month, length)
    return _month_days(dom, year, month, length)


def _month_days(rule: DayOfMonthRule, year: int, month: int, length: int) -> int:
    if isinstance(rule, DaysOfMonth):
        return mask_of(rule.days) & ((2 << length) - 2)
    if isinstance(rule, LastDayOfMonth):
        day = length - rule.offset
        return 1 << day if day >= 1 else 0
    if isinstance(rule, LastWeekdayOfMonth):
        return 1 << _nearest_weekday(year, month, length, length)
    if isinstance(rule, NearestWeekday):
        # A day the month does not have selects nothing that month (31W skips June).
        if rule.day > length:
            return 0
        return 1 << _nearest_weekday(year, month, rule.day, length)
    return (2 << length) - 2


def _nearest_weekday(year: int, month: int, day: int, length: int) -> int:
    # spec §4.6 `W`: a Saturday moves back to Friday and a Sunday on to Monday, except that the
    # move never crosses into another month (1st on a Saturday -> Monday 3rd; last on a Sunday ->
    # Friday before).
    wd = weekday(year, month, day)
    if wd == SATURDAY:
        return day - 1 if day > 1 else day + 2
    if wd == SUNDAY:
        return day + 1 if day < length else day - 2
    return day


def _weekday_days(rule: DayOfWeekRule, year: int, month: int, length: int) -> int:
    first = weekday(year, month, 1)
    if isinstance(rule, DaysOfWeek):
        return _weekly_pattern(first, mask_of(rule.days)) & ((2 << length) - 2)
    if isinstance(rule, LastDayOfWeekInMonth):
        last = weekday(year, month, length)
        return 1 << (length - (last - rule.weekday) % 7)
    if isinstance(rule, NthDayOfWeekInMonth):
        day = 1 + (rule.weekday - first) % 7 + 7 * (rule.nth - 1)
        return 1 << day if day <= length else 0
    return (2 << length) - 2


@lru_cache(maxsize=512)
def _weekly_pattern(first_weekday: int, weekday_mask: int) -> int:
    """Days 1..31 whose weekday is in ``weekday_mask``, for a month starting on ``first_weekday``."""
    pattern = 0
    for day in range(1, 32):
        if weekday_mask >> ((first_weekday - 1 + day - 1) % 7 + 1) & 1:
            pattern |= 1 << day
    return pattern
