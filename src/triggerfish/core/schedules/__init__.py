"""Schedule expressions: ``cron(...)``, ``rate(...)`` and ``at(...)``, parsed and evaluated.

>>> from datetime import datetime, UTC
>>> schedule = parse_schedule("cron(0 10 ? * MON-FRI *)")
>>> next_after(schedule, datetime(2024, 3, 8, 12, 0, tzinfo=UTC))
datetime.datetime(2024, 3, 11, 10, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

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
from triggerfish.core.schedules.errors import (
    CronField,
    InvalidScheduleExpression,
    ScheduleSyntaxError,
    Service,
)
from triggerfish.core.schedules.model import (
    AtExpression,
    CronExpression,
    RateExpression,
    RateUnit,
    Schedule,
)
from triggerfish.core.schedules.occurrences import (
    iter_after,
    next_after,
    occurrences_between,
    previous_before,
)
from triggerfish.core.schedules.parse import parse_schedule
from triggerfish.core.schedules.timetable import Timetable, rule_rate_anchor, scheduler_rate_anchor
from triggerfish.core.schedules.zones import UnknownTimeZone, load_timezone

__all__ = [
    "AnyDay",
    "AtExpression",
    "CronExpression",
    "CronField",
    "DayOfMonthRule",
    "DayOfWeekRule",
    "DaysOfMonth",
    "DaysOfWeek",
    "InvalidScheduleExpression",
    "LastDayOfMonth",
    "LastDayOfWeekInMonth",
    "LastWeekdayOfMonth",
    "NearestWeekday",
    "NthDayOfWeekInMonth",
    "RateExpression",
    "RateUnit",
    "Schedule",
    "ScheduleSyntaxError",
    "Service",
    "Timetable",
    "UnknownTimeZone",
    "iter_after",
    "load_timezone",
    "next_after",
    "occurrences_between",
    "parse_schedule",
    "previous_before",
    "rule_rate_anchor",
    "scheduler_rate_anchor",
]
