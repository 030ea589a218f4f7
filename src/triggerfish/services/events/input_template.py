"""An ``InputTemplate``: its placeholders, where each one sits, and how a value is written there.

Spec §4.4 "Input template rules". A template whose text starts with ``{`` is a JSON template: a
placeholder in value position takes the JSON form of its value (strings quoted, objects and arrays
as JSON), a placeholder inside a quoted string takes the value's text unescaped. Any other template
(a quoted string, several quoted lines, plain text) is a string template: every placeholder takes
the value's text, where objects read ``{acc_id:123,sf_id:baz}`` and arrays ``[ACTIVE,INACTIVE]``
(recorded AWS outputs, ``test_events_inputs.snapshot.json``). A variable whose path found nothing
writes nothing in text position and ``""`` in value position (same recording).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

# the placeholder names AWS recognises: InputPathsMap keys ([A-Za-z0-9_-]+) and the dotted reserved names
_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.\-]+)>")


class Slot(Enum):
    """Where a placeholder sits in its template."""

    VALUE = "value"
    TEXT = "text"


@dataclass(frozen=True)
class Placeholder:
    name: str
    slot: Slot
    start: int
    end: int


@dataclass(frozen=True)
class Template:
    text: str
    is_json: bool
    placeholders: tuple[Placeholder, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.name for p in self.placeholders))

    def render(self, variables: Mapping[str, Any]) -> str:
        """The template with every placeholder replaced; a name missing from ``variables`` found nothing."""
        out = self._substitute(lambda p: _written(p.slot, p.name in variables, variables.get(p.name)))
        return minify_json(out) if self.is_json else out

    def skeleton(self) -> str:
        """The text with a stand-in for every placeholder, for checking a JSON template's syntax."""
        return self._substitute(lambda p: "null" if p.slot is Slot.VALUE else "")

    def _substitute(self, write: Any) -> str:
        pieces: list[str] = []
        at = 0
        for placeholder in self.placeholders:
            pieces.append(self.text[at : placeholder.start])
            pieces.append(write(placeholder))
            at = placeholder.end
        pieces.append(self.text[at:])
        return "".join(pieces)


@functools.lru_cache(maxsize=1024)
def parse_template(text: str) -> Template:
    is_json = text.lstrip().startswith("{")
    found: list[Placeholder] = []
    in_string = False
    at = 0
    while at < len(text):
        char = text[at]
        if in_string and char == "\\":
            at += 2
            continue
        if char == '"':
            in_string = not in_string
        elif char == "<" and (match := _PLACEHOLDER.match(text, at)):
            slot = Slot.VALUE if is_json and not in_string else Slot.TEXT
            found.append(Placeholder(match.group(1), slot, match.start(), match.end()))
            at = match.end()
            continue
        at += 1
    return Template(text, is_json, tuple(found))


def as_text(value: Any) -> str:
    """A value written inside a string: strings bare, containers without quotes (recorded AWS outputs)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{key}:{as_text(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(as_text(item) for item in value) + "]"
    return as_json(value)


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def minify_json(text: str) -> str:
    """``text`` without whitespace between tokens, when it is JSON; otherwise unchanged.

    EventBridge passes a JSON template's result minified (user guide, "Common issues with
    transforming input"); numbers keep their spelling because only whitespace is dropped.
    """
    try:
        json.loads(text)
    except ValueError:
        return text
    pieces: list[str] = []
    in_string = False
    escaped = False
    for char in text:
        if in_string:
            pieces.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            pieces.append(char)
        elif char not in " \t\n\r":
            pieces.append(char)
    return "".join(pieces)


def _written(slot: Slot, found: bool, value: Any) -> str:
    if slot is Slot.TEXT:
        return as_text(value) if found else ""
    return as_json(value) if found else '""'
