"""Fire times in UTC: leap years, L/W/# edge cases, the 1970-2199 bounds, and a brute-force check."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from schedule_reference import day_matches

from triggerfish.core.schedules import (
    CronExpression,
    iter_after,
    next_after,
    occurrences_between,
    parse_schedule,
    previous_before,
)

UTC = dt.UTC


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def cron(text: str) -> CronExpression:
    parsed = parse_schedule(text)
    assert isinstance(parsed, CronExpression)
    return parsed


def following(text: str, start: dt.datetime, count: int) -> list[dt.datetime]:
    found = iter_after(cron(text), start)
    return [next(found) for _ in range(count)]


def test_29_february_only_in_leap_years() -> None:
    assert following("cron(0 0 29 2 ? *)", at(2024, 3, 1), 2) == [at(2028, 2, 29), at(2032, 2, 29)]
    # 2100 is not a leap year; 2000 was.
    assert next_after(cron("cron(0 0 29 2 ? *)"), at(2096, 3, 1)) == at(2104, 2, 29)
    assert previous_before(cron("cron(0 0 29 2 ? *)"), at(2001, 1, 1)) == at(2000, 2, 29)


@pytest.mark.parametrize("text", ["cron(0 0 30 2 ? *)", "cron(0 0 31 4,6,9,11 ? *)", "cron(0 0 L-29 2 ? *)"])
def test_days_no_selected_month_has(text: str) -> None:
    assert next_after(cron(text), at(2024, 1, 1)) is None
    assert previous_before(cron(text), at(2024, 1, 1)) is None


def test_last_day_and_offsets() -> None:
    assert following("cron(0 0 L 2 ? *)", at(2023, 1, 1), 2) == [at(2023, 2, 28), at(2024, 2, 29)]
    assert next_after(cron("cron(0 0 L-3 * ? *)"), at(2023, 2, 1)) == at(2023, 2, 25)
    # L-30 exists only in 31-day months.
    assert following("cron(0 0 L-30 * ? 2024)", at(2024, 1, 2), 2) == [at(2024, 3, 1), at(2024, 5, 1)]


def test_nearest_weekday_stays_in_the_month() -> None:
    # 2022-01-01 is a Saturday: 1W moves forward to Monday the 3rd, not back to 31 December.
    assert next_after(cron("cron(0 0 1W * ? *)"), at(2021, 12, 31)) == at(2022, 1, 3)
    # 2023-12-31 is a Sunday: 31W moves back to Friday the 29th, not on to 1 January.
    assert next_after(cron("cron(0 0 31W * ? *)"), at(2023, 12, 1)) == at(2023, 12, 29)
    # 2023-01-15 is a Sunday; 2022-12-31 a Saturday.
    assert next_after(cron("cron(0 0 15W * ? *)"), at(2023, 1, 1)) == at(2023, 1, 16)
    assert next_after(cron("cron(0 0 31W * ? *)"), at(2022, 12, 1)) == at(2022, 12, 30)


def test_last_weekday_of_month() -> None:
    # 2022-07-31 is a Sunday, 2022-04-30 a Saturday.
    assert next_after(cron("cron(0 0 LW * ? *)"), at(2022, 7, 1)) == at(2022, 7, 29)
    assert next_after(cron("cron(0 0 LW * ? *)"), at(2022, 4, 1)) == at(2022, 4, 29)


def test_fifth_weekday_skips_months_without_one() -> None:
    assert following("cron(0 0 ? * MON#5 *)", at(2024, 1, 1), 3) == [
        at(2024, 1, 29),
        at(2024, 4, 29),
        at(2024, 7, 29),
    ]


def test_last_weekday_of_week() -> None:
    assert following("cron(0 0 ? * 6L *)", at(2024, 1, 1), 2) == [at(2024, 1, 26), at(2024, 2, 23)]
    assert following("cron(0 0 ? * L *)", at(2024, 1, 1), 2) == [at(2024, 1, 6), at(2024, 1, 13)]
    assert next_after(cron("cron(0 0 ? * L-2 *)"), at(2024, 1, 1)) == at(2024, 1, 29)


def test_year_bounds() -> None:
    assert next_after(cron("cron(0 0 1 1 ? *)"), at(2199, 1, 1)) is None
    assert next_after(cron("cron(0 0 1 1 ? *)"), at(2198, 6, 1)) == at(2199, 1, 1)
    assert previous_before(cron("cron(0 0 1 1 ? *)"), at(1970, 1, 1)) is None
    assert previous_before(cron("cron(0 0 1 1 ? *)"), at(1970, 1, 1, 0, 1)) == at(1970, 1, 1)
    assert next_after(cron("cron(0 0 * * ? 2020)"), at(2021, 1, 1)) is None
    assert next_after(cron("cron(* * * * ? *)"), dt.datetime.max.replace(tzinfo=UTC)) is None
    assert previous_before(cron("cron(* * * * ? *)"), dt.datetime.min.replace(tzinfo=UTC)) is None


def test_strictly_after_and_before() -> None:
    every_minute = cron("cron(* * * * ? *)")
    assert next_after(every_minute, at(2024, 1, 1, 0, 0)) == at(2024, 1, 1, 0, 1)
    assert next_after(every_minute, at(2024, 1, 1, 0, 0, 59)) == at(2024, 1, 1, 0, 1)
    assert previous_before(every_minute, at(2024, 1, 1, 0, 1)) == at(2024, 1, 1, 0, 0)
    assert previous_before(every_minute, at(2024, 1, 1) + dt.timedelta(microseconds=1)) == at(2024, 1, 1)


def test_other_offsets_are_read_in_utc() -> None:
    paris_summer = dt.timezone(dt.timedelta(hours=2))
    start = dt.datetime(2024, 6, 1, 11, 30, tzinfo=paris_summer)  # 09:30 UTC
    assert next_after(cron("cron(0 10 * * ? *)"), start) == at(2024, 6, 1, 10)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_after(cron("cron(0 10 * * ? *)"), dt.datetime(2024, 1, 1))


def _random_field(rng: random.Random, low: int, high: int) -> str:
    choice = rng.randrange(5)
    first, second = rng.randint(low, high), rng.randint(low, high)
    if choice == 0:
        return "*"
    if choice == 1:
        return f"{first}/{rng.randint(1, high - low)}"
    if choice == 2:
        return f"{first}-{second}"
    if choice == 3:
        return ",".join(str(rng.randint(low, high)) for _ in range(rng.randint(1, 4)))
    return str(first)


def _random_days(rng: random.Random) -> str:
    weekday = rng.randint(1, 7)
    return rng.choice(
        [
            f"{_random_field(rng, 1, 31)} * ?",
            "L * ?",
            f"L-{rng.randint(1, 10)} * ?",
            "LW * ?",
            f"{rng.randint(1, 31)}W * ?",
            f"? * {_random_field(rng, 1, 7).replace('*', '1-7')}",
            f"? * {weekday}L",
            f"? * {weekday}#{rng.randint(1, 5)}",
        ]
    )


def test_matches_a_brute_force_search() -> None:
    rng = random.Random(20240229)
    for _ in range(300):
        minute = _random_field(rng, 0, 59)
        hour = _random_field(rng, 0, 23)
        dom, _star, dow = _random_days(rng).split()
        month = _random_field(rng, 1, 12)
        text = f"cron({minute} {hour} {dom} {month} {dow} 2023-2025)"
        expression = cron(text)
        start = at(2023, 1, 1) + dt.timedelta(minutes=rng.randrange(2 * 365 * 1440))
        expected = _brute_force_next(expression, start)
        assert next_after(expression, start) == expected, text
        if expected is not None:
            assert previous_before(expression, expected + dt.timedelta(seconds=1)) == expected, text


def _brute_force_next(expression: CronExpression, start: dt.datetime) -> dt.datetime | None:
    day = start.date()
    while day.year <= 2025:
        if day.month in expression.months and day_matches(expression, day):
            for hour in expression.hours:
                for minute in expression.minutes:
                    instant = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                    if instant > start:
                        return instant
        day += dt.timedelta(days=1)
    return None


@pytest.mark.parametrize("hours", [-14, -5, 0, 5, 14])
def test_extreme_offsets_at_the_year_bounds(hours: int) -> None:
    zone = dt.timezone(dt.timedelta(hours=hours))
    every_minute = cron("cron(* * * * ? *)")
    first = next_after(every_minute, dt.datetime.min.replace(tzinfo=UTC), zone)
    last = previous_before(every_minute, dt.datetime.max.replace(tzinfo=UTC), zone)
    assert first is not None and first.astimezone(zone).replace(tzinfo=None) == dt.datetime(1970, 1, 1)
    assert last is not None and last.astimezone(zone).replace(tzinfo=None) == dt.datetime(2199, 12, 31, 23, 59)
    assert next_after(every_minute, last, zone) is None
    assert previous_before(every_minute, first, zone) is None


def test_occurrences_between_is_closed() -> None:
    hourly = cron("cron(0 * * * ? *)")
    assert occurrences_between(hourly, at(2024, 1, 1, 1), at(2024, 1, 1, 3)) == [
        at(2024, 1, 1, 1),
        at(2024, 1, 1, 2),
        at(2024, 1, 1, 3),
    ]
    once = parse_schedule("at(2024-01-01T02:00:00)", "scheduler")
    assert list(iter_after(once, at(2024, 1, 1))) == [at(2024, 1, 1, 2)]
    assert occurrences_between(once, at(2024, 1, 1, 2), at(2024, 1, 1, 2)) == [at(2024, 1, 1, 2)]
