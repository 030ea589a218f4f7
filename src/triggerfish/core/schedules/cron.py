"""Parsing the six fields inside ``cron(...)``."""

from __future__ import annotations

import re

from triggerfish.core.schedules.day_fields import parse_day_of_month, parse_day_of_week
from triggerfish.core.schedules.day_rules import AnyDay, DayOfMonthRule, DayOfWeekRule
from triggerfish.core.schedules.errors import CronField, ScheduleSyntaxError
from triggerfish.core.schedules.fields import HOUR, MINUTE, MONTH, YEAR, FieldSpec, parse_field
from triggerfish.core.schedules.model import CronExpression

FieldValue = tuple[int, ...] | DayOfMonthRule | DayOfWeekRule

_NUMERIC_FIELDS: dict[str, FieldSpec] = {"Minute": MINUTE, "Hour": HOUR, "Month": MONTH, "Year": YEAR}

# Six fields separated by spaces, with nothing before the first or after the last (as for
# rate(), where AWS refuses "rate( 10 minutes )").
_SIX_FIELDS = re.compile(r"[^\s]+(?: +[^\s]+){5}")


def parse_cron(body: str, text: str) -> CronExpression:
    """Parse ``body``, the part between ``cron(`` and ``)``; ``text`` is the whole expression."""
    if not _SIX_FIELDS.fullmatch(body):
        raise ScheduleSyntaxError("a cron expression has exactly six space-separated fields")
    minute, hour, dom, month, dow, year = (_normalise(part) for part in body.split())
    minutes = parse_field(minute, MINUTE)
    hours = parse_field(hour, HOUR)
    day_of_month = parse_day_of_month(dom)
    months = parse_field(month, MONTH)
    day_of_week = parse_day_of_week(dow)
    years = parse_field(year, YEAR)
    # spec §4.6: exactly one of day-of-month and day-of-week is '?'.
    if isinstance(day_of_month, AnyDay) == isinstance(day_of_week, AnyDay):
        raise ScheduleSyntaxError("exactly one of day-of-month and day-of-week must be '?'")
    return CronExpression(text, minutes, hours, day_of_month, months, day_of_week, years)


def parse_cron_field(name: CronField, text: str) -> FieldValue:
    """Parse one field on its own, as it would be parsed inside an expression."""
    text = _normalise(text)
    if name == "DayOfMonth":
        return parse_day_of_month(text)
    if name == "DayOfWeek":
        return parse_day_of_week(text)
    return parse_field(text, _NUMERIC_FIELDS[name])


def _normalise(text: str) -> str:
    # Month and weekday names and the L/W letters are case-insensitive.
    return text.upper()
