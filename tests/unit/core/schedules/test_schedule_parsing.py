"""Parsing and validation rules the conformance vectors leave open."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from triggerfish.core.errors import ValidationError
from triggerfish.core.schedules import (
    AtExpression,
    CronExpression,
    DaysOfWeek,
    InvalidScheduleExpression,
    LastDayOfWeekInMonth,
    LastWeekdayOfMonth,
    NearestWeekday,
    NthDayOfWeekInMonth,
    RateExpression,
    RateUnit,
    parse_schedule,
)


def cron(text: str) -> CronExpression:
    parsed = parse_schedule(text)
    assert isinstance(parsed, CronExpression)
    return parsed


@pytest.mark.parametrize("service", ["events", "scheduler"])
@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("rate(1 minute)", 1, RateUnit.MINUTE),
        ("rate(5 minutes)", 5, RateUnit.MINUTE),
        ("rate(1 hour)", 1, RateUnit.HOUR),
        ("rate(12 hours)", 12, RateUnit.HOUR),
        ("rate(1 day)", 1, RateUnit.DAY),
        ("rate(30 days)", 30, RateUnit.DAY),
    ],
)
def test_rate_units(service: str, text: str, value: int, unit: RateUnit) -> None:
    parsed = parse_schedule(text, "events" if service == "events" else "scheduler")
    assert parsed == RateExpression(text, value, unit)
    assert parsed.period == dt.timedelta(seconds=value * unit.seconds)


@pytest.mark.parametrize(
    "text", ["rate(1 minutes)", "rate(2 minute)", "rate(0 minutes)", "rate(1 week)", "rate(1  minute)"]
)
def test_rate_refusals(text: str) -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule(text)


def test_error_messages_per_service() -> None:
    with pytest.raises(InvalidScheduleExpression) as events_error:
        parse_schedule("rate(2 minute)", "events")
    assert events_error.value.message == "Parameter ScheduleExpression is not valid."
    with pytest.raises(InvalidScheduleExpression) as scheduler_error:
        parse_schedule("rate(2 minute)", "scheduler")
    assert scheduler_error.value.message == "Invalid Schedule Expression rate(2 minute)."
    assert isinstance(scheduler_error.value, ValidationError)
    assert (scheduler_error.value.code, scheduler_error.value.status) == ("ValidationException", 400)


def test_at_only_in_scheduler() -> None:
    assert parse_schedule("at(2030-01-02T03:04:05)", "scheduler") == AtExpression(
        "at(2030-01-02T03:04:05)", dt.datetime(2030, 1, 2, 3, 4, 5)
    )
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule("at(2030-01-02T03:04:05)", "events")


@pytest.mark.parametrize(
    "text",
    [
        "at(2023-02-29T00:00:00)",
        "at(2030-01-02T24:00:00)",
        "at(2030-01-02 03:04:05)",
        "at(2030-1-2T03:04:05)",
    ],
)
def test_at_refusals(text: str) -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule(text, "scheduler")


def test_unknown_service() -> None:
    with pytest.raises(ValueError, match="unknown service"):
        parse_schedule("rate(1 minute)", "lambda")  # type: ignore[arg-type]


def test_names_and_letters_are_case_insensitive() -> None:
    lower = "cron(0 9 ? jan-Mar mOn-fri *)"
    assert cron(lower) == replace(cron("cron(0 9 ? JAN-MAR MON-FRI *)"), text=lower)
    assert cron("cron(0 9 ? * fril *)").day_of_week == LastDayOfWeekInMonth(6)
    assert cron("cron(0 9 lw * ? *)").day_of_month == LastWeekdayOfMonth()


def test_steps_and_wrapping_ranges() -> None:
    assert cron("cron(1/10 * * * ? *)").minutes == (1, 11, 21, 31, 41, 51)
    assert cron("cron(*/20 * * * ? *)").minutes == (0, 20, 40)
    assert cron("cron(55-5 * * * ? *)").minutes == (0, 1, 2, 3, 4, 5, 55, 56, 57, 58, 59)
    assert cron("cron(0 22-2/2 * * ? *)").hours == (0, 2, 22)
    assert cron("cron(0 0 28-2 * ? *)").day_of_month.days == (1, 2, 28, 29, 30, 31)  # type: ignore[union-attr]
    assert cron("cron(0 0 ? * FRI-MON *)").day_of_week == DaysOfWeek((1, 2, 6, 7))
    assert cron("cron(0 0 ? * 2/3 *)").day_of_week == DaysOfWeek((2, 5))
    assert cron("cron(0 0 1 *-MAR ? *)").months == (1, 2, 3)
    assert cron("cron(0 0 1 1 ? 2190/5)").years == (2190, 2195)


def test_day_specials() -> None:
    assert cron("cron(0 0 ? * L *)").day_of_week == DaysOfWeek((7,))  # L alone: Saturday
    assert cron("cron(0 0 ? * 6L *)").day_of_week == LastDayOfWeekInMonth(6)
    assert cron("cron(0 0 ? * L-2 *)").day_of_week == LastDayOfWeekInMonth(2)
    assert cron("cron(0 0 ? * TUE#2 *)").day_of_week == NthDayOfWeekInMonth(3, 2)
    assert cron("cron(0 0 LW * ? *)").day_of_month == LastWeekdayOfMonth()
    assert cron("cron(0 0 15W * ? *)").day_of_month == NearestWeekday(15)


@pytest.mark.parametrize(
    "text",
    [
        "cron(0 0 ? * 3#1,6#3 *)",  # only one '#' expression (AWS docs)
        "cron(0 0 L,15 * ? *)",
        "cron(0 0 15W-20 * ? *)",
        "cron(0 0 ? * */2 *)",
        "cron(0 0 * * ? 1969)",
        "cron(0 0 * * ? 2200)",
        "cron(0 0 * * ? * *)",
        "cron( 0 0 * * ? *)",
        "cron(0 0 * * ? *) ",
        "cron(0\t0 * * ? *)",
        "CRON(0 0 * * ? *)",
        "cron(0 0 ? * ? *)",
        "cron(0 0 * * * *)",
    ],
)
def test_cron_refusals(text: str) -> None:
    with pytest.raises(InvalidScheduleExpression):
        parse_schedule(text)


def test_fields_may_be_separated_by_several_spaces() -> None:
    assert cron("cron(0  10 * * ? *)").hours == (10,)


def test_field_is_reported() -> None:
    with pytest.raises(InvalidScheduleExpression) as caught:
        parse_schedule("cron(0 0 32 * ? *)")
    assert caught.value.field == "DayOfMonth"
    assert "32" in caught.value.reason
