"""``{"numeric": [...]}`` expressions (§4.3): one bound, or a lower then an upper bound."""

from __future__ import annotations

from typing import Any

from triggerfish.core.patterns.errors import reject
from triggerfish.core.patterns.jsontext import NumberText, node_text
from triggerfish.core.patterns.model import ExactNumber, NumericRange
from triggerfish.core.patterns.numbers import NumberError, comparable

TOO_MANY = "Too many elements in numeric expression"


def _value(node: NumberText) -> float:
    try:
        return comparable(node)
    except NumberError as error:
        reject(str(error))


def parse_numeric(items: list[Any]) -> ExactNumber | NumericRange:
    """Parse the array of a numeric expression, checking it in reading order."""
    if not items or not isinstance(items[0], str):
        reject(f"Invalid member in numeric match: {node_text(items[0]) if items else ']'}")
    operator = items[0]
    operand = items[1] if len(items) > 1 else None
    if operator == "=":
        if not isinstance(operand, NumberText):
            reject("Value of equals must be numeric")
        if len(items) != 2:
            reject(TOO_MANY)
        return ExactNumber(_value(operand))
    if operator in (">", ">="):
        if not isinstance(operand, NumberText):
            reject(f"Value of {operator} must be numeric")
        if len(items) == 2:
            return NumericRange(_value(operand), operator == ">", None, False)
        return _between(items, operand, operator == ">")
    if operator in ("<", "<="):
        if not isinstance(operand, NumberText):
            reject(f"Value of {operator} must be numeric")
        if len(items) != 2:
            reject(TOO_MANY)
        return NumericRange(None, False, _value(operand), operator == "<")
    reject(f"Unrecognized numeric range operator: {operator}")


def _between(items: list[Any], bottom: NumberText, low_open: bool) -> NumericRange:
    upper = items[2]
    if not isinstance(upper, str):
        reject(f"Bad value in numeric range: {node_text(upper)}")
    if upper not in ("<", "<="):
        reject(f"Bad numeric range operator: {upper}")
    top = items[3] if len(items) > 3 else None
    if not isinstance(top, NumberText):
        reject(f"Value of {upper} must be numeric")
    if len(items) != 4:
        reject("Too many terms in numeric range expression")
    low, high = _value(bottom), _value(top)
    if low >= high:
        reject("Bottom must be less than top")
    return NumericRange(low, low_open, high, upper == "<")
