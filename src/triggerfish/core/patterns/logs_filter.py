"""CloudWatch Logs filter patterns, as metric filters, subscription filters, FilterLogEvents and Live Tail use them.

``compile_filter_pattern(text)`` parses once (raising ``InvalidFilterPattern`` with AWS's reason) and returns a
``LogFilter`` whose ``matches(message)`` runs per log event. The pattern's first character picks its kind
(User Guide, "Filter pattern syntax"): ``{`` JSON, ``[`` space-delimited, ``%`` a regular expression, anything
else unstructured terms; an empty pattern matches every event.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from triggerfish.core.patterns.logs_filter_fields import compile_fields_pattern
from triggerfish.core.patterns.logs_filter_json import compile_json_pattern
from triggerfish.core.patterns.logs_filter_syntax import INVALID, InvalidFilterPattern, compile_regex
from triggerfish.core.patterns.logs_filter_terms import compile_terms_pattern

__all__ = ["FilterKind", "InvalidFilterPattern", "LogFilter", "compile_filter_pattern"]


class FilterKind(Enum):
    ALL = "all"
    TERMS = "terms"
    REGEX = "regex"
    JSON = "json"
    SPACE_DELIMITED = "space-delimited"


def _everything(message: str) -> bool:
    return True


def _unset(message: str) -> bool:  # pragma: no cover - replaced in __post_init__
    raise AssertionError(message)


@dataclass(frozen=True)
class LogFilter:
    """A compiled filter pattern; ``matches`` tests one log event's message.

    ``LogFilter(text)`` compiles ``text`` like :func:`compile_filter_pattern` (and raises as it does).
    """

    text: str
    kind: FilterKind = FilterKind.ALL
    _test: Callable[[str], bool] = field(default=_unset, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self._test is _unset:
            compiled = compile_filter_pattern(self.text)
            object.__setattr__(self, "kind", compiled.kind)
            object.__setattr__(self, "_test", compiled._test)

    def matches(self, message: str) -> bool:
        return self._test(message)


@functools.lru_cache(maxsize=1024)
def compile_filter_pattern(text: str) -> LogFilter:
    """Parse ``text`` once; ``""`` (or only spaces) matches every event. Raises :class:`InvalidFilterPattern`."""
    stripped = text.strip()
    if not stripped:
        return LogFilter(text, FilterKind.ALL, _everything)
    first = stripped[0]
    if first == "{":
        if not stripped.endswith("}"):
            raise InvalidFilterPattern("If a filter pattern starts with '{' it must end with '}'")
        return LogFilter(text, FilterKind.JSON, compile_json_pattern(stripped[1:-1]))
    if first == "[":
        if not stripped.endswith("]"):
            raise InvalidFilterPattern("If a filter pattern starts with '[' it must end with ']'")
        return LogFilter(text, FilterKind.SPACE_DELIMITED, compile_fields_pattern(stripped[1:-1]))
    if first == "%":
        # A regex stands alone as the whole pattern: "%regex%" (User Guide, supported regex syntax).
        if len(stripped) < 2 or not stripped.endswith("%") or "%" in stripped[1:-1]:
            raise InvalidFilterPattern(INVALID)
        pattern = compile_regex(stripped[1:-1])
        return LogFilter(text, FilterKind.REGEX, lambda message: pattern.search(message) is not None)
    test = compile_terms_pattern(stripped)
    if test is None:
        return LogFilter(text, FilterKind.ALL, _everything)
    return LogFilter(text, FilterKind.TERMS, test)
