"""Parsing ``rate(value unit)``."""

from __future__ import annotations

import re

from triggerfish.core.schedules.errors import ScheduleSyntaxError
from triggerfish.core.schedules.model import RateExpression, RateUnit

# spec §4.6: exactly "rate(", digits, one space, a lower-case unit, ")"; AWS refuses
# "rate( 10 minutes )", "rate(10 MINUTES)", "rate(-10 minutes)" and "rate(10 seconds)".
_RATE = re.compile(r"rate\(([0-9]+) (minute|minutes|hour|hours|day|days)\)")


def parse_rate(text: str) -> RateExpression:
    match = _RATE.fullmatch(text)
    if match is None:
        raise ScheduleSyntaxError("not of the form rate(value unit) with unit minute(s), hour(s), day(s)")
    value = int(match[1])
    unit_text = match[2]
    if value < 1:
        raise ScheduleSyntaxError("the rate value must be a positive integer")
    # spec §4.6: a value of 1 takes the singular unit, anything larger the plural.
    plural = unit_text.endswith("s")
    if plural != (value > 1):
        raise ScheduleSyntaxError("rate(1 unit) is singular and rate(n units) plural")
    return RateExpression(text=text, value=value, unit=RateUnit(unit_text.removesuffix("s")))
