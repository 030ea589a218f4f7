"""A slow, obviously-correct cron matcher that the fast search is checked against."""

from __future__ import annotations

import calendar
import datetime as dt

from triggerfish.core.schedules import (
    AnyDay,
    CronExpression,
    DaysOfMonth,
    DaysOfWeek,
    LastDayOfMonth,
    LastDayOfWeekInMonth,
    LastWeekdayOfMonth,
    NearestWeekday,
    NthDayOfWeekInMonth,
)


def aws_weekday(day: dt.date) -> int:
    """1 = Sunday ... 7 = Saturday."""
    return {6: 1, 0: 2, 1: 3, 2: 4, 3: 5, 4: 6, 5: 7}[day.weekday()]


def _is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5


def day_matches(cron: CronExpression, day: dt.date) -> bool:
    last = calendar.monthrange(day.year, day.month)[1]
    rule = cron.day_of_month
    if isinstance(rule, DaysOfMonth):
        return day.day in rule.days
    if isinstance(rule, LastDayOfMonth):
        return day.day == last - rule.offset
    if isinstance(rule, LastWeekdayOfMonth):
        candidates = [d for d in range(1, last + 1) if _is_weekday(day.replace(day=d))]
        return day.day == candidates[-1]
    if isinstance(rule, NearestWeekday):
        if rule.day > last:
            return False
        # The weekday of the same month closest to the target day (ties cannot happen).
        weekdays = [d for d in range(1, last + 1) if _is_weekday(day.replace(day=d))]
        return day.day == min(weekdays, key=lambda d: abs(d - rule.day))
    assert isinstance(rule, AnyDay)
    week_rule = cron.day_of_week
    weekday = aws_weekday(day)
    if isinstance(week_rule, DaysOfWeek):
        return weekday in week_rule.days
    if isinstance(week_rule, LastDayOfWeekInMonth):
        return weekday == week_rule.weekday and day.day + 7 > last
    if isinstance(week_rule, NthDayOfWeekInMonth):
        return weekday == week_rule.weekday and (day.day - 1) // 7 + 1 == week_rule.nth
    raise AssertionError("both day fields are '?'")


def wall_matches(cron: CronExpression, wall: dt.datetime) -> bool:
    return (
        wall.year in cron.years
        and wall.month in cron.months
        and wall.hour in cron.hours
        and wall.minute in cron.minutes
        and day_matches(cron, wall.date())
    )
