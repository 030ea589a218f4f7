"""Numbers in patterns: compared by value as IEEE-754 doubles (§4.3, Appendix A)."""

from __future__ import annotations

import math
import re

from triggerfish.core.patterns.jsontext import NumberText

_NONZERO_MANTISSA = re.compile(r"-?[0.]*[1-9]")


class NumberError(ValueError):
    """A number a comparison cannot use; the message is the reason text."""


def comparable(number: NumberText) -> float:
    """The double a numeric comparison uses; rejects literals a double cannot hold."""
    value = number.value
    if math.isinf(value) or math.isnan(value):
        raise NumberError(f"Value {number.text} is out of range for numeric comparison")
    # A non-zero literal that rounds to zero would silently compare as 0.
    if value == 0.0 and _NONZERO_MANTISSA.match(number.text.split("e")[0].split("E")[0]):
        raise NumberError(f"Value {number.text} is out of range for numeric comparison")
    return value


def event_number(value: object) -> float | None:
    """The double of a JSON number in an event, or ``None`` for any other value (booleans too)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
