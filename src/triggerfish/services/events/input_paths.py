"""The JSONPath subset EventBridge takes in a target's ``InputPath`` and ``InputPathsMap`` values.

AWS lists what it supports (user guide, "Amazon EventBridge input transformation"): dot notation,
dashes, underscores, alphanumeric characters, array indices, wildcards and forward slashes. A path
starts at ``$``; quoted bracket notation (``$.detail['key']``) is refused at PutTargets although it
is legal JSONPath, while numeric indices (``$.detail.a[0]``) and a bare ``$`` are accepted (observed
on PutTargets, both for ``InputPath`` and for every ``InputPathsMap`` value).

A path without wildcards selects one value or nothing; a path with wildcards selects the list of
every value it reaches (possibly empty).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

# one member name: anything but the path's own punctuation, quotes and whitespace
_NAME = re.compile(r"[^.\[\]'\"\s]+")
_INDEX = re.compile(r"\[(\d+|\*)\]")


class InvalidPath(ValueError):
    """The text is not a path EventBridge accepts."""


class StepKind(Enum):
    MEMBER = "member"
    INDEX = "index"
    EVERY = "every"


@dataclass(frozen=True)
class Step:
    kind: StepKind
    name: str = ""
    index: int = 0


@dataclass(frozen=True)
class Selection:
    """What a path found: ``found`` is False when a definite path leads nowhere."""

    found: bool
    value: Any = None


NOT_FOUND = Selection(False)


@dataclass(frozen=True)
class JsonPath:
    text: str
    steps: tuple[Step, ...]

    @property
    def is_definite(self) -> bool:
        return all(step.kind is not StepKind.EVERY for step in self.steps)

    def select(self, document: Any) -> Selection:
        if self.is_definite:
            current = document
            for step in self.steps:
                reached = _walk(current, step)
                if not reached:
                    return NOT_FOUND
                (current,) = reached
            return Selection(True, current)
        values = [document]
        for step in self.steps:
            values = [child for value in values for child in _walk(value, step)]
        return Selection(True, values)


@functools.lru_cache(maxsize=4096)
def parse_path(text: str) -> JsonPath:
    """Parse ``text``; raises :class:`InvalidPath` for anything outside the subset."""
    if not text.startswith("$"):
        raise InvalidPath(text)
    steps: list[Step] = []
    at = 1
    while at < len(text):
        if text[at] == ".":
            if text.startswith(".*", at):
                steps.append(Step(StepKind.EVERY))
                at += 2
                continue
            name = _NAME.match(text, at + 1)
            if name is None:
                raise InvalidPath(text)
            steps.append(Step(StepKind.MEMBER, name=name.group()))
            at = name.end()
        elif text[at] == "[":
            index = _INDEX.match(text, at)
            if index is None:
                raise InvalidPath(text)
            token = index.group(1)
            steps.append(Step(StepKind.EVERY) if token == "*" else Step(StepKind.INDEX, index=int(token)))
            at = index.end()
        else:
            raise InvalidPath(text)
    return JsonPath(text, tuple(steps))


def is_valid_path(text: str) -> bool:
    try:
        parse_path(text)
    except InvalidPath:
        return False
    return True


def _walk(value: Any, step: Step) -> list[Any]:
    if step.kind is StepKind.MEMBER:
        if isinstance(value, Mapping) and step.name in value:
            return [value[step.name]]
        return []
    if step.kind is StepKind.INDEX:
        if _is_array(value) and step.index < len(value):
            return [value[step.index]]
        return []
    if isinstance(value, Mapping):
        return list(value.values())
    if _is_array(value):
        return list(value)
    return []


def _is_array(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)
