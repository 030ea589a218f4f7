"""Pattern documents as the pattern compiler reads them.

A pattern is read as a stream of members in document order, so duplicate keys survive parsing and
the compiler can apply them one after another (the last duplicate of a path wins, as in AWS).
Numbers keep their source text because validation looks at the literal, not only its value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from triggerfish.core.patterns.syntax_errors import describe_syntax_error


class Members(tuple[tuple[str, Any], ...]):
    """A JSON object as its ``(key, value)`` members in document order, duplicates kept."""

    __slots__ = ()


class NumberText:
    """A JSON number: its literal text and its value as a double."""

    __slots__ = ("text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.value = float(text)

    def __repr__(self) -> str:
        return f"NumberText({self.text!r})"


class PatternSyntaxError(ValueError):
    """The pattern text is not JSON; ``reason`` is worded as AWS words it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(name)


_DECODER = json.JSONDecoder(
    object_pairs_hook=Members,
    parse_float=NumberText,
    parse_int=NumberText,
    parse_constant=_reject_constant,
)
_WHITESPACE = " \t\n\r"


def parse_pattern_text(text: str) -> tuple[Any, int]:
    """Parse pattern text into nodes; returns the root node and where its first token ended.

    Only the first JSON value is read: text after it is ignored, like a streaming reader that stops
    once the root value is complete.
    """
    start = len(text) - len(text.lstrip(_WHITESPACE))
    if start == len(text):
        return None, start
    if text[start] == "[":
        # A reader stops at the first token when it is not an object, so a faulty array is
        # reported as "not an object" rather than by its syntax.
        return [], start + 1
    try:
        node, _ = _DECODER.raw_decode(text, start)
    except ValueError:
        raise PatternSyntaxError(describe_syntax_error(text)) from None
    return node, _first_token_end(text, start)


def _first_token_end(text: str, start: int) -> int:
    if start >= len(text):
        return start
    if text[start] in "[{":
        return start + 1
    if text[start] == '"':
        index = start + 1
        while index < len(text) and text[index] != '"':
            index += 2 if text[index] == "\\" else 1
        return index + 1
    index = start
    while index < len(text) and text[index] not in _WHITESPACE + ",]}":
        index += 1
    return index


def from_python(value: Any) -> Any:
    """Turn an already-parsed pattern (dicts, lists, numbers) into the node form."""
    if isinstance(value, Mapping):
        return Members((str(key), from_python(item)) for key, item in value.items())
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return NumberText(repr(value))
    if isinstance(value, Sequence):
        return [from_python(item) for item in value]
    raise TypeError(f"not a JSON value: {value!r}")


def node_text(node: Any) -> str:
    """The text a reader reports for a node that is the wrong kind of token."""
    if isinstance(node, NumberText):
        return node.text
    if isinstance(node, str):
        return node
    if isinstance(node, Members):
        return "{"
    if isinstance(node, list):
        return "["
    if node is None:
        return "null"
    return "true" if node else "false"
