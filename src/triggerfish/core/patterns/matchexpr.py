"""EventBridge match expressions: the ``{"operator": ...}`` objects inside a field's value array."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from triggerfish.core.patterns.anything_but import parse_anything_but
from triggerfish.core.patterns.cidr import CidrError, parse_cidr
from triggerfish.core.patterns.errors import reject as fail
from triggerfish.core.patterns.jsontext import Members
from triggerfish.core.patterns.model import (
    EqualsIgnoreCase,
    ExactString,
    Exists,
    IpMatch,
    Prefix,
    Suffix,
    ValueTest,
    Wildcard,
)
from triggerfish.core.patterns.numeric import parse_numeric
from triggerfish.core.patterns.wildcard import WildcardError, parse_wildcard

ONLY_ONE_KEY = "Only one key allowed in match expression"


def only_one_key(rest: tuple[tuple[str, Any], ...], reason: str = ONLY_ONE_KEY) -> None:
    if rest:
        fail(reason)


def parse_match_expression(node: Members) -> ValueTest | None:
    """One match expression; ``None`` stands for ``{"exists": false}``."""
    if not node:
        fail("Match expression name not found")
    (name, value), rest = node[0], node[1:]
    parser = _PARSERS.get(name)
    if parser is None:
        fail(f"Unrecognized match type {name}")
    return parser(value, rest)


def _exactly(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest:
    if not isinstance(value, str):
        fail("exact match pattern must be a string")
    only_one_key(rest)
    return ExactString(value)


def _ignore_case_inside(value: Members, rest: tuple[tuple[str, Any], ...], operator: str) -> str:
    """``{"prefix": {"equals-ignore-case": "..."}}`` and its ``suffix`` twin."""
    if not value:
        fail(f"{operator.capitalize()} expression name not found")
    (inner_name, inner_value), inner_rest = value[0], value[1:]
    if inner_name != "equals-ignore-case":
        fail(f"Unsupported {operator} pattern: {inner_name}")
    if not isinstance(inner_value, str):
        fail("equals-ignore-case match pattern must be a string")
    only_one_key(inner_rest)
    only_one_key(rest)
    return inner_value


def _prefix(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest:
    if isinstance(value, Members):
        return Prefix(_ignore_case_inside(value, rest, "prefix"), ignore_case=True)
    if not isinstance(value, str):
        fail("prefix match pattern must be a string")
    only_one_key(rest)
    return Prefix(value)


def _suffix(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest:
    if isinstance(value, Members):
        return Suffix(_ignore_case_inside(value, rest, "suffix"), ignore_case=True)
    if not isinstance(value, str):
        fail("suffix match pattern must be a string")
    only_one_key(rest)
    return Suffix(value)


def _equals_ignore_case(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest:
    if not isinstance(value, str):
        fail("equals-ignore-case match pattern must be a string")
    only_one_key(rest)
    return EqualsIgnoreCase(value)


def _wildcard(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest:
    if not isinstance(value, str):
        fail("wildcard match pattern must be a string")
    try:
        pattern = parse_wildcard(value)
    except WildcardError as error:
        fail(str(error))
    only_one_key(rest)
    return Wildcard(pattern)


def _cidr(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest:
    # AWS words a non-string CIDR with the prefix operator's message.
    if not isinstance(value, str):
        fail("prefix match pattern must be a string")
    try:
        ip_range = parse_cidr(value)
    except CidrError as error:
        fail(str(error))
    only_one_key(rest)
    return IpMatch(ip_range)


def _exists(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest | None:
    if value is not True and value is not False:
        fail("exists match pattern must be either true or false.")
    only_one_key(rest)
    return Exists() if value else None


def _numeric(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest:
    if not isinstance(value, list):
        fail("Value of numeric must be an array.")
    test = parse_numeric(value)
    only_one_key(rest, "Too many elements in numeric expression")
    return test


_PARSERS: dict[str, Callable[[Any, tuple[tuple[str, Any], ...]], ValueTest | None]] = {
    "exactly": _exactly,
    "prefix": _prefix,
    "suffix": _suffix,
    "numeric": _numeric,
    "anything-but": parse_anything_but,
    "exists": _exists,
    "cidr": _cidr,
    "equals-ignore-case": _equals_ignore_case,
    "wildcard": _wildcard,
}
