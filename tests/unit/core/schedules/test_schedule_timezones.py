"""Cron and at() in a ScheduleExpressionTimezone, across DST changes.

AWS (repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst): a cron time that a
spring-forward change skips does not fire; a time repeated by a fall-back change fires once.

2024 changes used here: America/New_York 10 March 02:00 -> 03:00 and 3 November 02:00 -> 01:00;
Europe/London 31 March 01:00 -> 02:00 and 27 October 02:00 -> 01:00; Africa/Cairo 26 April
00:00 -> 01:00 (a gap at midnight); Australia/Lord_Howe 7 April 02:00 -> 01:30 (half an hour).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from schedule_reference import wall_matches

from triggerfish.core.schedules import (
    CronExpression,
    iter_after,
    next_after,
    parse_schedule,
    previous_before,
)

UTC = dt.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
LONDON = zoneinfo.ZoneInfo("Europe/London")
CAIRO = zoneinfo.ZoneInfo("Africa/Cairo")
LORD_HOWE = zoneinfo.ZoneInfo("Australia/Lord_Howe")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def cron(text: str) -> CronExpression:
    parsed = parse_schedule(text, "scheduler")
    assert isinstance(parsed, CronExpression)
    return parsed


def test_spring_forward_skips_the_missing_time() -> None:
    daily = cron("cron(30 2 * * ? *)")
    assert next_after(daily, utc(2024, 3, 9, 12), NEW_YORK) == utc(2024, 3, 11, 6, 30)
    assert previous_before(daily, utc(2024, 3, 11, 6), NEW_YORK) == utc(2024, 3, 9, 7, 30)
    sundays = cron("cron(30 1 ? * SUN *)")
    assert next_after(sundays, utc(2024, 3, 30), LONDON) == utc(2024, 4, 7, 0, 30)


def test_fall_back_fires_once_at_the_first_pass() -> None:
    daily = cron("cron(30 1 * * ? *)")
    first = next_after(daily, utc(2024, 11, 2, 12), NEW_YORK)
    assert first == utc(2024, 11, 3, 5, 30)  # 01:30 EDT
    assert next_after(daily, first, NEW_YORK) == utc(2024, 11, 4, 6, 30)
    # From inside the second 01:00-02:00 (EST), the day's run is behind us.
    assert next_after(daily, utc(2024, 11, 3, 6, 10), NEW_YORK) == utc(2024, 11, 4, 6, 30)
    assert previous_before(daily, utc(2024, 11, 3, 6, 45), NEW_YORK) == first
    assert next_after(daily, utc(2024, 10, 26, 12), LONDON) == utc(2024, 10, 27, 0, 30)


def test_quarter_hours_across_both_changes() -> None:
    quarters = cron("cron(0/15 * * * ? *)")
    spring = iter_after(quarters, utc(2024, 3, 10, 6, 30), NEW_YORK)
    assert [next(spring) for _ in range(3)] == [
        utc(2024, 3, 10, 6, 45),
        utc(2024, 3, 10, 7),
        utc(2024, 3, 10, 7, 15),
    ]
    autumn = iter_after(quarters, utc(2024, 11, 3, 5, 30), NEW_YORK)
    assert [next(autumn) for _ in range(2)] == [utc(2024, 11, 3, 5, 45), utc(2024, 11, 3, 7)]
    assert next_after(quarters, utc(2024, 11, 3, 6, 10), NEW_YORK) == utc(2024, 11, 3, 7)
    assert previous_before(quarters, utc(2024, 11, 3, 7), NEW_YORK) == utc(2024, 11, 3, 5, 45)
    assert previous_before(quarters, utc(2024, 11, 3, 6, 10), NEW_YORK) == utc(2024, 11, 3, 5, 45)


def test_midnight_gap_does_not_lose_the_day() -> None:
    every_two_hours = cron("cron(0 0/2 * * ? *)")
    found = iter_after(every_two_hours, utc(2024, 4, 25, 19), CAIRO)
    walls = [next(found).astimezone(CAIRO).replace(tzinfo=None) for _ in range(3)]
    assert walls == [dt.datetime(2024, 4, 25, 22), dt.datetime(2024, 4, 26, 2), dt.datetime(2024, 4, 26, 4)]


@pytest.mark.parametrize(
    ("zone", "window_start"),
    [
        (NEW_YORK, utc(2024, 3, 10, 4)),
        (NEW_YORK, utc(2024, 11, 3, 3)),
        (LONDON, utc(2024, 3, 30, 23)),
        (LONDON, utc(2024, 10, 26, 23)),
        (CAIRO, utc(2024, 4, 25, 20)),
        (LORD_HOWE, utc(2024, 4, 6, 13)),
    ],
)
@pytest.mark.parametrize(
    "text",
    [
        "cron(* * * * ? *)",
        "cron(0/7 * * * ? *)",
        "cron(30 * * * ? *)",
        "cron(45 1 * * ? *)",
        "cron(0 0 * * ? *)",
    ],
)
def test_matches_a_minute_by_minute_walk(zone: zoneinfo.ZoneInfo, window_start: dt.datetime, text: str) -> None:
    expression = cron(text)
    window = [window_start + dt.timedelta(minutes=step) for step in range(6 * 60)]
    # Every instant whose wall time matches, counting a repeated wall time only at its first pass.
    expected = [
        instant
        for instant in window
        if wall_matches(expression, instant.astimezone(zone).replace(tzinfo=None))
        and instant.astimezone(zone).fold == 0
    ]
    assert _forwards(expression, zone, window[0], window[-1]) == expected
    assert _backwards(expression, zone, window[0], window[-1]) == expected[::-1]


def _forwards(
    expression: CronExpression, zone: zoneinfo.ZoneInfo, first: dt.datetime, last: dt.datetime
) -> list[dt.datetime]:
    found: list[dt.datetime] = []
    current = next_after(expression, first - dt.timedelta(seconds=1), zone)
    while current is not None and current <= last:
        found.append(current)
        current = next_after(expression, current, zone)
    return found


def _backwards(
    expression: CronExpression, zone: zoneinfo.ZoneInfo, first: dt.datetime, last: dt.datetime
) -> list[dt.datetime]:
    found: list[dt.datetime] = []
    current = previous_before(expression, last + dt.timedelta(seconds=1), zone)
    while current is not None and current >= first:
        found.append(current)
        current = previous_before(expression, current, zone)
    return found


def test_at_in_a_time_zone() -> None:
    plain = parse_schedule("at(2024-07-01T09:00:00)", "scheduler")
    assert next_after(plain, utc(2024, 1, 1), NEW_YORK) == utc(2024, 7, 1, 13)
    assert next_after(plain, utc(2024, 7, 1, 13), NEW_YORK) is None
    assert previous_before(plain, utc(2024, 7, 2), NEW_YORK) == utc(2024, 7, 1, 13)
    # A repeated time runs at its first pass; a skipped time reads the clock as put forward.
    repeated = parse_schedule("at(2024-11-03T01:30:00)", "scheduler")
    assert next_after(repeated, utc(2024, 1, 1), NEW_YORK) == utc(2024, 11, 3, 5, 30)
    skipped = parse_schedule("at(2024-03-10T02:30:00)", "scheduler")
    assert next_after(skipped, utc(2024, 1, 1), NEW_YORK) == utc(2024, 3, 10, 7, 30)


def test_utc_zone_object_and_fixed_offsets_agree() -> None:
    expression = cron("cron(15 10 ? * MON-FRI *)")
    start = utc(2024, 5, 3, 11)
    assert next_after(expression, start, zoneinfo.ZoneInfo("UTC")) == next_after(expression, start, UTC)
    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert next_after(expression, start, tokyo) == next_after(expression, start, zoneinfo.ZoneInfo("Asia/Tokyo"))
