"""Timetable: EventBridge rules versus Scheduler schedules, and StartDate/EndDate."""

from __future__ import annotations

import datetime as dt

import pytest

from triggerfish.core.schedules import Timetable, UnknownTimeZone, load_timezone, parse_schedule

UTC = dt.UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


HOURLY = parse_schedule("cron(0 * * * ? *)", "scheduler")


def bounded() -> Timetable:
    return Timetable.for_scheduler(
        HOURLY, created_at=utc(2024, 1, 1), start_date=utc(2024, 1, 1, 10), end_date=utc(2024, 1, 1, 12)
    )


def test_start_date_is_inclusive() -> None:
    assert bounded().next_after(utc(2024, 1, 1, 0)) == utc(2024, 1, 1, 10)
    assert bounded().previous_before(utc(2024, 1, 1, 10)) is None
    assert bounded().previous_before(utc(2024, 1, 1, 10, 30)) == utc(2024, 1, 1, 10)


def test_end_date_is_inclusive() -> None:
    assert bounded().next_after(utc(2024, 1, 1, 11, 30)) == utc(2024, 1, 1, 12)
    assert bounded().next_after(utc(2024, 1, 1, 12)) is None
    assert bounded().previous_before(utc(2024, 2, 1)) == utc(2024, 1, 1, 12)


def test_one_time_schedules_ignore_the_bounds() -> None:
    once = Timetable.for_scheduler(
        parse_schedule("at(2024-06-01T08:00:00)", "scheduler"),
        created_at=utc(2024, 1, 1),
        timezone="Europe/London",
        start_date=utc(2024, 7, 1),
        end_date=utc(2024, 7, 2),
    )
    assert once.next_after(utc(2024, 1, 1)) == utc(2024, 6, 1, 7)
    assert once.previous_before(utc(2025, 1, 1)) == utc(2024, 6, 1, 7)


def test_scheduler_reads_cron_in_its_zone_and_rules_in_utc() -> None:
    ten = parse_schedule("cron(0 10 * * ? *)", "scheduler")
    tokyo = Timetable.for_scheduler(ten, created_at=utc(2024, 1, 1), timezone="Asia/Tokyo")
    assert tokyo.next_after(utc(2024, 1, 1)) == utc(2024, 1, 1, 1)
    assert Timetable.for_rule(ten, utc(2024, 1, 1)).next_after(utc(2024, 1, 1)) == utc(2024, 1, 1, 10)


def test_time_zone_names() -> None:
    assert load_timezone(None) is UTC
    assert load_timezone("UTC") is UTC
    assert str(load_timezone("America/New_York")) == "America/New_York"
    for bad in ("Mars/Olympus_Mons", "", "../etc/passwd"):
        with pytest.raises(UnknownTimeZone):
            load_timezone(bad)
