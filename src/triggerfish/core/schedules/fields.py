"""The list/range/step grammar shared by every cron field.

A field is a comma-separated list of items; an item is ``*``, a value, or a range ``a-b``, each
optionally followed by ``/step``. Ranges may wrap (``22-2`` is 22, 23, 0, 1, 2; ``FRI-MON`` is
Friday to Monday). Month and weekday names are case-insensitive (the caller upper-cases the whole
expression). The rules on digits and steps are the ones the conformance vectors pin down.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from triggerfish.core.schedules.errors import CronField, ScheduleSyntaxError

MONTH_NAMES = {
    name: number
    for number, name in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1
    )
}
WEEKDAY_NAMES = {name: number for number, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}

# One or two digits, so a single leading zero is fine ("05") but "005" and "010" are not.
TWO_DIGITS = re.compile(r"[0-9]{1,2}")


@dataclass(frozen=True)
class FieldSpec:
    """How one cron field is spelled and which values it allows."""

    name: CronField
    low: int
    high: int
    number: re.Pattern[str]
    step: re.Pattern[str]
    max_step: int
    names: Mapping[str, int] = field(default_factory=dict)
    # "*/n" is refused in day-of-week, though "2/3" and "5-7/2" are accepted.
    star_step: bool = True


MINUTE = FieldSpec("Minute", 0, 59, TWO_DIGITS, TWO_DIGITS, 59)
HOUR = FieldSpec("Hour", 0, 23, TWO_DIGITS, TWO_DIGITS, 23)
DAY_OF_MONTH = FieldSpec("DayOfMonth", 1, 31, TWO_DIGITS, TWO_DIGITS, 31)
MONTH = FieldSpec("Month", 1, 12, TWO_DIGITS, TWO_DIGITS, 12, MONTH_NAMES)
DAY_OF_WEEK = FieldSpec(
    "DayOfWeek", 1, 7, re.compile(r"[0-9]"), re.compile(r"[0-9]"), 7, WEEKDAY_NAMES, star_step=False
)
# spec §4.6: years 1970-2199, always four digits; a step has no leading zero.
YEAR = FieldSpec("Year", 1970, 2199, re.compile(r"[0-9]{4}"), re.compile(r"[1-9][0-9]{0,2}"), 229)


def parse_field(text: str, spec: FieldSpec) -> tuple[int, ...]:
    """The ascending set of values ``text`` selects; raises :class:`ScheduleSyntaxError`."""
    if not text:
        raise ScheduleSyntaxError("empty field", spec.name)
    selected: set[int] = set()
    for item in text.split(","):
        selected.update(_parse_item(item, spec))
    return tuple(sorted(selected))


def parse_value(text: str, spec: FieldSpec) -> int:
    """A single number or name of this field, range-checked."""
    named = spec.names.get(text)
    if named is not None:
        return named
    if not spec.number.fullmatch(text):
        raise ScheduleSyntaxError(f"{text!r} is not a value", spec.name)
    value = int(text)
    if not spec.low <= value <= spec.high:
        raise ScheduleSyntaxError(f"{value} is outside {spec.low}-{spec.high}", spec.name)
    return value


def _parse_item(item: str, spec: FieldSpec) -> list[int]:
    if not item:
        raise ScheduleSyntaxError("empty list item", spec.name)
    base, slash, step_text = item.partition("/")
    if not slash:
        start, end = _parse_base(base, spec)
        return _walk(start, end, 1, spec)
    step = _parse_step(step_text, spec)
    if base == "*":
        if not spec.star_step:
            raise ScheduleSyntaxError("'*/n' is not allowed here", spec.name)
        return _walk(spec.low, spec.high, step, spec)
    start, end = _parse_base(base, spec)
    # "a/n" runs from a to the end of the field.
    return _walk(start, end if "-" in base else spec.high, step, spec)


def _parse_base(base: str, spec: FieldSpec) -> tuple[int, int]:
    if base == "*":
        return spec.low, spec.high
    first, dash, last = base.partition("-")
    if not dash:
        value = parse_value(base, spec)
        return value, value
    if first == "*" and last == "*":
        raise ScheduleSyntaxError("'*-*' is not a range", spec.name)
    # An open end written as '*' stands for the field's bound ('*-MAR' is JAN-MAR).
    start = spec.low if first == "*" else parse_value(first, spec)
    end = spec.high if last == "*" else parse_value(last, spec)
    return start, end


def _parse_step(text: str, spec: FieldSpec) -> int:
    if not spec.step.fullmatch(text):
        raise ScheduleSyntaxError(f"{text!r} is not a step", spec.name)
    step = int(text)
    if not 1 <= step <= spec.max_step:
        raise ScheduleSyntaxError(f"step {step} is outside 1-{spec.max_step}", spec.name)
    return step


def _walk(start: int, end: int, step: int, spec: FieldSpec) -> list[int]:
    """Every ``step``-th value from ``start`` to ``end``, wrapping past the field's top if needed."""
    size = spec.high - spec.low + 1
    span = (end - start) % size
    return [spec.low + (start - spec.low + offset) % size for offset in range(0, span + 1, step)]
