"""One comparison of a filter pattern: ``selector-or-field OPERATOR value``, applied to a text or a JSON node."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from triggerfish.core.patterns.logs_filter_syntax import INVALID, InvalidFilterPattern, Value

_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_ORDERING: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": lambda left, right: left < right,
    "<=": lambda left, right: left <= right,
    ">": lambda left, right: left > right,
    ">=": lambda left, right: left >= right,
}

TextTest = Callable[[str], bool]
NodeTest = Callable[[object], bool]


def check_operator(operator: str, value: Value) -> None:
    """Ordering operators take numbers only: "For numeric fields, you can use >, <, >=, <=" (User Guide)."""
    if operator in _ORDERING and value.number is None:
        raise InvalidFilterPattern(INVALID)


def _numeric_text(text: str) -> Decimal | None:
    # Strings in scientific notation are not read as numbers (User Guide, JSON filter patterns).
    if _PLAIN_NUMBER.fullmatch(text) is None:
        return None
    return Decimal(text)


def _equals_text(text: str, value: Value) -> bool:
    if value.regex is not None:
        return value.regex.search(text) is not None
    if value.number is not None:
        number = _numeric_text(text)
        if number is not None:
            return number == value.number
    return value.matches_text(text)


def text_test(operator: str, value: Value) -> TextTest:
    """A test on a space-delimited field's text."""
    check_operator(operator, value)
    if operator == "=":
        return lambda text: _equals_text(text, value)
    if operator == "!=":
        return lambda text: not _equals_text(text, value)
    order = _ORDERING[operator]
    limit = value.number
    assert limit is not None

    def ordered(text: str) -> bool:
        number = _numeric_text(text)
        return number is not None and order(number, limit)

    return ordered


def _json_scalar(node: object) -> tuple[str, Decimal | None] | None:
    """A JSON value node as (text, number); None for null, arrays, objects and a missing member."""
    if isinstance(node, str):
        return node, None
    if isinstance(node, bool):
        return ("true" if node else "false"), None
    if isinstance(node, int):
        return str(node), Decimal(node)
    if isinstance(node, Decimal):
        return str(node), node
    return None


def _equals_node(scalar: tuple[str, Decimal | None], value: Value) -> bool:
    text, number = scalar
    if value.regex is not None:
        return value.regex.search(text) is not None
    if number is not None and value.number is not None:
        return number == value.number
    if number is None and value.number is not None and _numeric_text(text) == value.number:
        return True
    return value.matches_text(text)


def node_test(operator: str, value: Value) -> NodeTest:
    """A test on the JSON node a selector reaches (``MISSING`` when it reaches nothing).

    The selector must reach a value node; on an array, an object, null or nothing both ``=`` and ``!=`` are
    false ("the filter will not be applied because the log format doesn't match", User Guide).
    """
    check_operator(operator, value)
    if operator in ("=", "!="):
        wanted = operator == "="

        def equality(node: object) -> bool:
            scalar = _json_scalar(node)
            return scalar is not None and _equals_node(scalar, value) is wanted

        return equality
    order = _ORDERING[operator]
    limit = value.number
    assert limit is not None

    def ordered(node: object) -> bool:
        scalar = _json_scalar(node)
        if scalar is None:
            return False
        text, number = scalar
        if number is None and not isinstance(node, bool):
            number = _numeric_text(text)
        return number is not None and order(number, limit)

    return ordered
