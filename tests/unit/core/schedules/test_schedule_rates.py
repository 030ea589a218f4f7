"""rate() schedules: where they start counting, and that a day is 24 elapsed hours."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from triggerfish.core.schedules import (
    RateExpression,
    Timetable,
    iter_after,
    next_after,
    parse_schedule,
    previous_before,
    rule_rate_anchor,
    scheduler_rate_anchor,
)

UTC = dt.UTC


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def rate(text: str) -> RateExpression:
    parsed = parse_schedule(text)
    assert isinstance(parsed, RateExpression)
    return parsed


def test_rule_counts_from_the_minute_it_was_created() -> None:
    five = rate("rate(5 minutes)")
    anchor = rule_rate_anchor(five, utc(2024, 1, 1, 12, 0, 30))
    assert anchor == utc(2024, 1, 1, 12, 5)
    created = utc(2024, 1, 1, 12, 0, 30)
    found = iter_after(five, created, anchor=anchor)
    assert [next(found) for _ in range(3)] == [
        utc(2024, 1, 1, 12, 5),
        utc(2024, 1, 1, 12, 10),
        utc(2024, 1, 1, 12, 15),
    ]


def test_scheduler_starts_at_start_date_or_at_creation() -> None:
    created = utc(2024, 1, 1, 12, 0, 30)
    assert scheduler_rate_anchor(created) == created
    assert scheduler_rate_anchor(created, utc(2024, 2, 1)) == utc(2024, 2, 1)


def test_anchor_is_the_first_occurrence() -> None:
    hourly = rate("rate(1 hour)")
    anchor = utc(2024, 1, 1, 8, 20)
    assert next_after(hourly, anchor - dt.timedelta(microseconds=1), anchor=anchor) == anchor
    assert next_after(hourly, anchor, anchor=anchor) == utc(2024, 1, 1, 9, 20)
    assert next_after(hourly, utc(2023, 1, 1), anchor=anchor) == anchor
    assert previous_before(hourly, anchor, anchor=anchor) is None
    assert previous_before(hourly, utc(2024, 1, 1, 9, 20), anchor=anchor) == anchor
    assert previous_before(hourly, utc(2024, 1, 1, 9, 21), anchor=anchor) == utc(2024, 1, 1, 9, 20)


def test_a_day_is_24_hours_across_dst() -> None:
    new_york = zoneinfo.ZoneInfo("America/New_York")
    daily = Timetable.for_scheduler(rate("rate(1 day)"), created_at=utc(2024, 3, 9, 14), timezone="America/New_York")
    first = daily.next_after(utc(2024, 3, 9))
    assert first == utc(2024, 3, 9, 14)
    second = daily.next_after(first)
    assert second == utc(2024, 3, 10, 14)
    # 09:00 EST became 10:00 EDT: the wall clock moved, the interval did not.
    assert (first.astimezone(new_york).hour, second.astimezone(new_york).hour) == (9, 10)


def test_rate_needs_an_anchor() -> None:
    with pytest.raises(ValueError, match="anchor"):
        next_after(rate("rate(1 day)"), utc(2024, 1, 1))


def test_far_future_is_none() -> None:
    huge = rate("rate(999999999999 days)")
    assert next_after(huge, utc(2024, 1, 2), anchor=utc(2024, 1, 1)) is None
    assert previous_before(huge, utc(2024, 1, 2), anchor=utc(2024, 1, 1)) == utc(2024, 1, 1)
    assert rule_rate_anchor(huge, utc(2024, 1, 1)) is None
    never = Timetable.for_rule(huge, utc(2024, 1, 1))
    assert never.next_after(utc(2024, 1, 1)) is None
    assert never.previous_before(utc(2025, 1, 1)) is None


def test_rule_timetable_for_rate() -> None:
    timetable = Timetable.for_rule(rate("rate(10 minutes)"), utc(2024, 1, 1, 0, 0, 59))
    assert timetable.timezone is UTC
    assert timetable.next_after(utc(2024, 1, 1, 0, 1)) == utc(2024, 1, 1, 0, 10)
