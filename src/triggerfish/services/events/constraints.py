"""The model's constraints on names and numbers, checked for callers that do not come over the wire.

The endpoint already enforces the botocore model; the service repeats the few checks it relies on
so that Python callers (deployments, tests) get the same ``ValidationException`` text, worded as
AWS words every broken constraint::

    1 validation error detected: Value 'a b' at 'name' failed to satisfy constraint: Member must
    satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from triggerfish.services.events.errors import ValidationException


@dataclass(frozen=True)
class Constraint:
    """A string member's pattern and maximum length."""

    pattern: str
    max_length: int
    compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "compiled", re.compile(self.pattern))

    def broken(self, value: str) -> list[str]:
        # AWS lists a pattern violation before a length violation of the same member
        found = []
        if not self.compiled.fullmatch(value):
            found.append(f"Member must satisfy regular expression pattern: {self.pattern}")
        if len(value) > self.max_length:
            found.append(f"Member must have length less than or equal to {self.max_length}")
        if not value:
            found.append("Member must have length greater than or equal to 1")
        return found


@dataclass(frozen=True)
class Range:
    """An integer member's bounds."""

    low: int
    high: int

    def broken(self, value: int) -> list[str]:
        if value < self.low:
            return [f"Member must have value greater than or equal to {self.low}"]
        if value > self.high:
            return [f"Member must have value less than or equal to {self.high}"]
        return []


def check(*members: tuple[str, object, Constraint | Range]) -> None:
    """Raise one ``ValidationException`` naming every broken constraint among ``(path, value, rule)``."""
    sentences = []
    for path, value, rule in members:
        sentences += [
            f"Value '{value}' at '{path}' failed to satisfy constraint: {text}" for text in _broken(rule, value)
        ]
    if sentences:
        noun = "error" if len(sentences) == 1 else "errors"
        raise ValidationException(f"{len(sentences)} validation {noun} detected: " + "; ".join(sentences))


def _broken(rule: Constraint | Range, value: object) -> list[str]:
    if isinstance(rule, Constraint):
        return rule.broken(value) if isinstance(value, str) else ["Member must be of type string"]
    if isinstance(value, int) and not isinstance(value, bool):
        return rule.broken(value)
    return ["Member must be of type integer"]
