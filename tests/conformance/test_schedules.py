"""Schedule expressions against the vectors in ``data/schedules`` (see ``data/SOURCES.md``).

Every row is a test. Rows checked against AWS (validity rows with a ``service``) are ground truth.
The rest are other libraries' expectations; where one disagrees with AWS (the row's ``note``) or
with a rule we follow on better evidence (``LIBRARY_DISAGREEMENTS`` below), the test asserts our
behaviour and says why.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from triggerfish.core.schedules import (
    AnyDay,
    CronExpression,
    DayOfMonthRule,
    DayOfWeekRule,
    DaysOfMonth,
    DaysOfWeek,
    InvalidScheduleExpression,
    LastDayOfMonth,
    LastDayOfWeekInMonth,
    NearestWeekday,
    NthDayOfWeekInMonth,
    Schedule,
    ScheduleSyntaxError,
    Service,
    next_after,
    occurrences_between,
    parse_schedule,
    previous_before,
)
from triggerfish.core.schedules.cron import parse_cron_field
from triggerfish.core.schedules.errors import CronField

DATA = Path(__file__).parent / "data" / "schedules"
MICROSECOND = dt.timedelta(microseconds=1)

Row = dict[str, Any]

FIELD_NAMES: dict[str, CronField] = {
    "minute": "Minute",
    "hour": "Hour",
    "day_of_month": "DayOfMonth",
    "month": "Month",
    "day_of_week": "DayOfWeek",
    "year": "Year",
}

# (field, value) -> (our verdict, why it differs from the library row). None of these rows was
# checked against AWS; the two libraries behind field_validity.jsonl contradict each other here.
LIBRARY_DISAGREEMENTS: dict[tuple[str, str], tuple[bool, str]] = {
    **{
        ("month", name): (True, "names are case-insensitive (other rows accept 'feb', 'DeC', 'monL')")
        for name in ("jan", "Jan", "jAn")
    },
    **{
        (field, "05-10"): (True, "'05' is a valid value (row minute '05'), so it is valid in a range too")
        for field in ("hour", "day_of_month", "month")
    },
    ("month", "JAN-12"): (True, "names stand for numbers; mixing is allowed (row month '02-MAR')"),
    ("month", "1,JUN"): (True, "names stand for numbers; mixing is allowed (row month '02-MAR')"),
    ("month", "*/100"): (False, "a step is at most the field's size (row minute '5/155' is refused)"),
}


def _rows(name: str) -> list[Row]:
    with (DATA / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _times(texts: list[str | None]) -> list[dt.datetime | None]:
    return [None if text is None else _time(text) for text in texts]


def _floor(instant: dt.datetime) -> dt.datetime:
    return instant.replace(second=0, microsecond=0)


def _service(row: Row) -> Service:
    return "scheduler" if row.get("service") == "scheduler.CreateSchedule" else "events"


def _params(rows: list[Row], kinds: set[str]) -> list[Any]:
    return [
        pytest.param(row, id=f"{index}-{row['kind']}-{row['expression']}")
        for index, row in enumerate(rows)
        if row["kind"] in kinds
    ]


CASES = _rows("cases.jsonl")


# --- next / prev -------------------------------------------------------------------------------


@pytest.mark.parametrize("row", _params(CASES, {"next"}))
def test_next(row: Row) -> None:
    schedule = parse_schedule(row["expression"])
    start = _time(row["start"])
    # "inclusive" rows count the start minute itself as a candidate.
    current = _floor(start) - MICROSECOND if row["inclusive"] else start
    found: list[dt.datetime | None] = []
    for _ in row["expected"]:
        following = next_after(schedule, current)
        found.append(following)
        current = following or current
    assert found == _times(row["expected"])


@pytest.mark.parametrize("row", _params(CASES, {"prev"}))
def test_prev(row: Row) -> None:
    schedule = parse_schedule(row["expression"])
    start = _time(row["start"])
    # The vectors work in whole minutes: "before start" means before the minute start falls in.
    current = _floor(start) + MICROSECOND if row["inclusive"] else _floor(start)
    found: list[dt.datetime | None] = []
    for _ in row["expected"]:
        preceding = previous_before(schedule, current)
        found.append(preceding)
        current = preceding or current
    assert found == _times(row["expected"])


# --- between / final ---------------------------------------------------------------------------


@pytest.mark.parametrize("row", _params(CASES, {"between"}))
def test_between(row: Row) -> None:
    if "note" in row:
        # The library computed this for an expression AWS refuses; AWS wins.
        with pytest.raises(InvalidScheduleExpression):
            parse_schedule(row["expression"])
        return
    schedule = parse_schedule(row["expression"])
    start, end = _floor(_time(row["start"])), _floor(_time(row["end"]))
    found = occurrences_between(schedule, start, end)
    if row["exclude_ends"]:
        found = [instant for instant in found if instant not in (start, end)]
    assert found == _times(row["expected"])


@pytest.mark.parametrize("row", _params(CASES, {"final"}))
def test_final(row: Row) -> None:
    # The vectors take the last occurrence at or after start and strictly before end (rows with
    # start == end == an occurrence expect none).
    schedule = parse_schedule(row["expression"])
    last = previous_before(schedule, _time(row["end"]))
    if last is not None and last < _time(row["start"]):
        last = None
    assert [last] == _times(row["expected"])


# --- validity ----------------------------------------------------------------------------------


@pytest.mark.parametrize("row", _params(CASES, {"validity"}))
def test_validity(row: Row) -> None:
    service = _service(row)
    if row["valid"]:
        assert isinstance(parse_schedule(row["expression"], service), Schedule)
        return
    with pytest.raises(InvalidScheduleExpression) as caught:
        parse_schedule(row["expression"], service)
    error = caught.value
    if "service" in row:
        assert error.code == row["error_code"]
        assert error.message == row["error_message"]
        assert error.status == 400
    if row.get("error_field"):
        assert error.field == row["error_field"]


# --- parse_cases -------------------------------------------------------------------------------


def _day_of_month_shape(rule: DayOfMonthRule) -> list[Any]:
    if isinstance(rule, AnyDay):
        return []
    if isinstance(rule, DaysOfMonth):
        return list(rule.days)
    if isinstance(rule, LastDayOfMonth):
        return ["L", rule.offset]
    if isinstance(rule, NearestWeekday):
        return ["W", rule.day]
    return ["LW"]


def _day_of_week_shape(rule: DayOfWeekRule) -> list[Any]:
    if isinstance(rule, AnyDay):
        return []
    if isinstance(rule, DaysOfWeek):
        return list(rule.days)
    if isinstance(rule, LastDayOfWeekInMonth):
        return ["L", rule.weekday]
    if isinstance(rule, NthDayOfWeekInMonth):
        return ["#", rule.weekday, rule.nth]
    raise AssertionError(rule)


@pytest.mark.parametrize(
    "row",
    [pytest.param(row, id=f"{index}-{row['expression']}") for index, row in enumerate(_rows("parse_cases.jsonl"))],
)
def test_parse(row: Row) -> None:
    cron = parse_schedule(row["expression"])
    assert isinstance(cron, CronExpression)
    shape = {
        "minutes": list(cron.minutes),
        "hours": list(cron.hours),
        "daysOfMonth": _day_of_month_shape(cron.day_of_month),
        "months": list(cron.months),
        "daysOfWeek": _day_of_week_shape(cron.day_of_week),
        "years": list(cron.years),
    }
    assert shape == row["expected_fields"]


# --- field_validity ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(row, id=f"{index}-{row['field']}-{row['value']!r}")
        for index, row in enumerate(_rows("field_validity.jsonl"))
    ],
)
def test_field_validity(row: Row) -> None:
    expected, _why = LIBRARY_DISAGREEMENTS.get((row["field"], row["value"]), (row["valid"], ""))
    name = FIELD_NAMES[row["field"]]
    if expected:
        parse_cron_field(name, row["value"])
        return
    with pytest.raises(ScheduleSyntaxError) as caught:
        parse_cron_field(name, row["value"])
    assert caught.value.field == name


def test_every_disagreement_names_a_real_row() -> None:
    rows = {(row["field"], row["value"]): row["valid"] for row in _rows("field_validity.jsonl")}
    for key, (ours, _why) in LIBRARY_DISAGREEMENTS.items():
        assert key in rows
        assert rows[key] != ours
