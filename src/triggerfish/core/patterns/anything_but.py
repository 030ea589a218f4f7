"""``{"anything-but": ...}`` in all its forms (§4.3)."""

from __future__ import annotations

from typing import Any

from triggerfish.core.patterns.errors import reject
from triggerfish.core.patterns.jsontext import Members, NumberText
from triggerfish.core.patterns.model import (
    AnythingButIgnoreCase,
    AnythingButNumbers,
    AnythingButPrefix,
    AnythingButStrings,
    AnythingButSuffix,
    AnythingButWildcard,
    ValueTest,
)
from triggerfish.core.patterns.numbers import NumberError, comparable
from triggerfish.core.patterns.wildcard import WildcardError, parse_wildcard

_TOO_MANY = "Too many elements in numeric expression"
_KINDS = ("equals-ignore-case", "prefix", "suffix", "wildcard")
# AWS's wording for a non-string inside each kind of anything-but set.
_NOT_A_STRING = {
    "equals-ignore-case": ("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."),
    "wildcard": "wildcard match pattern must be a string",
    "prefix": "prefix/suffix match pattern must be a string",
    "suffix": "prefix/suffix match pattern must be a string",
}


def parse_anything_but(value: Any, rest: tuple[tuple[str, Any], ...]) -> ValueTest:
    kind = None
    inner_rest: tuple[tuple[str, Any], ...] = ()
    if isinstance(value, Members):
        if not value:
            reject("Anything-But expression name not found")
        (kind, value), inner_rest = value[0], value[1:]
        if kind not in _KINDS:
            reject(f"Unsupported anything-but pattern: {kind}")
    if not isinstance(value, list | str | NumberText):
        reject("Value of anything-but must be an array or single string/number value.")
    test = _plain(value) if kind is None else _set(kind, value)
    if inner_rest or rest:
        reject(_TOO_MANY)
    return test


def _number(node: NumberText) -> float:
    try:
        return comparable(node)
    except NumberError as error:
        reject(str(error))


def _plain(value: list[Any] | str | NumberText) -> ValueTest:
    if isinstance(value, str):
        return AnythingButStrings(frozenset((value,)))
    if isinstance(value, NumberText):
        return AnythingButNumbers(frozenset((_number(value),)))
    strings: set[str] = set()
    numbers: set[float] = set()
    for item in value:
        if isinstance(item, str):
            strings.add(item)
        elif isinstance(item, NumberText):
            numbers.add(_number(item))
        else:
            reject("Inside anything but list, start|null|boolean is not supported.")
    if bool(strings) == bool(numbers):
        reject("Inside anything but list, either all values are number or string, mixed type is not supported")
    return AnythingButStrings(frozenset(strings)) if strings else AnythingButNumbers(frozenset(numbers))


def _set(kind: str, value: list[Any] | str | NumberText) -> ValueTest:
    texts: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, str):
            reject(_NOT_A_STRING[kind])
        if kind in ("prefix", "suffix") and not item:
            reject("Null prefix/suffix not allowed")
        if item not in texts:
            texts.append(item)
    if kind == "prefix":
        return AnythingButPrefix(tuple(texts))
    if kind == "suffix":
        return AnythingButSuffix(tuple(texts))
    if kind == "equals-ignore-case":
        return AnythingButIgnoreCase(tuple(texts))
    try:
        return AnythingButWildcard(tuple(parse_wildcard(text) for text in texts))
    except WildcardError as error:
        reject(str(error))
