"""Parsing the two day fields, which add ``?``, ``L``, ``W`` and ``#`` to the common grammar."""

from __future__ import annotations

import re

from triggerfish.core.schedules.day_rules import (
    AnyDay,
    DayOfMonthRule,
    DayOfWeekRule,
    DaysOfMonth,
    DaysOfWeek,
    LastDayOfMonth,
    LastDayOfWeekInMonth,
    LastWeekdayOfMonth,
    NearestWeekday,
    NthDayOfWeekInMonth,
)
from triggerfish.core.schedules.errors import ScheduleSyntaxError
from triggerfish.core.schedules.fields import DAY_OF_MONTH, DAY_OF_WEEK, parse_field, parse_value

_LAST_OFFSET = re.compile(r"L-([0-9]{1,2})")
_NEAREST = re.compile(r"([0-9]{1,2})W")
_WEEKDAY = r"([1-7]|[A-Z]{3})"
_LAST_WEEKDAY = re.compile(_WEEKDAY + "L")
_NTH_WEEKDAY = re.compile(_WEEKDAY + r"#([0-9]+)")


def parse_day_of_month(text: str) -> DayOfMonthRule:
    # spec §4.6: L, L-n, LW and nW each stand alone; they do not combine with lists or ranges.
    if text == "?":
        return AnyDay()
    if text == "L":
        return LastDayOfMonth()
    if text == "LW":
        return LastWeekdayOfMonth()
    if match := _LAST_OFFSET.fullmatch(text):
        offset = int(match[1])
        if not 1 <= offset <= 30:
            raise ScheduleSyntaxError(f"L-{offset}: the offset must be 1-30", "DayOfMonth")
        return LastDayOfMonth(offset)
    if match := _NEAREST.fullmatch(text):
        return NearestWeekday(parse_value(match[1], DAY_OF_MONTH))
    return DaysOfMonth(parse_field(text, DAY_OF_MONTH))


def parse_day_of_week(text: str) -> DayOfWeekRule:
    # spec §4.6: L, nL and n#k each stand alone ("3#1,6#3" is two expressions and is refused).
    if text == "?":
        return AnyDay()
    if text == "L":
        # `L` alone is the last day of the week: Saturday.
        return DaysOfWeek((7,))
    if match := _LAST_WEEKDAY.fullmatch(text):
        return LastDayOfWeekInMonth(parse_value(match[1], DAY_OF_WEEK))
    if match := _LAST_OFFSET.fullmatch(text):
        # `L-n` (n = 1-7) is accepted by the conformance vectors as another spelling of `nL`.
        weekday = int(match[1])
        if not 1 <= weekday <= 7:
            raise ScheduleSyntaxError(f"L-{weekday}: the weekday must be 1-7", "DayOfWeek")
        return LastDayOfWeekInMonth(weekday)
    if match := _NTH_WEEKDAY.fullmatch(text):
        nth = int(match[2])
        if len(match[2]) != 1 or not 1 <= nth <= 5:
            raise ScheduleSyntaxError(f"#{match[2]}: a month has a 1st to 5th weekday", "DayOfWeek")
        return NthDayOfWeekInMonth(parse_value(match[1], DAY_OF_WEEK), nth)
    return DaysOfWeek(parse_field(text, DAY_OF_WEEK))
