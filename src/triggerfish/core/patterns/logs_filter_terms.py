"""Unstructured filter patterns: terms that must (or, with ``-``, must not) appear in the message.

Terms are case-sensitive substrings; a term with characters other than letters, digits and ``_`` must be
double-quoted (User Guide, "Using filter patterns to match terms in unstructured log events"). ``?term``
starts an alternative: ``?ERROR ?WARN`` matches either, and ``?"ERROR" "MainThread" ?"WARN" "Deadlock"``
matches (ERROR and MainThread) or (WARN and Deadlock).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from triggerfish.core.patterns.logs_filter_syntax import INVALID, InvalidFilterPattern, invalid_characters, read_quoted

_TERM_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


@dataclass
class _Group:
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)


def compile_terms_pattern(text: str) -> Callable[[str], bool] | None:
    """Compile a term pattern; None when it constrains nothing (every event matches)."""
    groups = _parse(text)
    compiled = [(tuple(group.include), tuple(group.exclude)) for group in groups]
    if any(not include and not exclude for include, exclude in compiled):
        return None
    if len(compiled) == 1:
        include, exclude = compiled[0]
        if not exclude:
            if len(include) == 1:
                only = include[0]
                return lambda message: only in message
            return lambda message: all(term in message for term in include)
        return lambda message: all(term in message for term in include) and not any(term in message for term in exclude)
    return lambda message: any(
        all(term in message for term in include) and not any(term in message for term in exclude)
        for include, exclude in compiled
    )


def _parse(text: str) -> list[_Group]:
    groups = [_Group()]
    started_alternatives = False
    excluding = False
    pending_alternative = False
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
            continue
        if char == "?" and not excluding and not pending_alternative:
            # The first '?' turns terms already read into the first alternative; later ones start new ones.
            if started_alternatives or groups[0].include or groups[0].exclude:
                groups.append(_Group())
            started_alternatives = True
            pending_alternative = True
            index += 1
            continue
        if char == "-" and not excluding:
            excluding = True
            index += 1
            continue
        if char == '"':
            term, index = read_quoted(text, index)
        else:
            end = index
            while end < length and not text[end].isspace():
                end += 1
            term = text[index:end]
            bad = [position for position, letter in enumerate(term) if letter not in _TERM_CHARS]
            if bad:
                run_end = bad[0]
                while run_end < len(term) and term[run_end] not in _TERM_CHARS:
                    run_end += 1
                raise invalid_characters(term[bad[0] : run_end])
            index = end
        # A quoted term of only spaces constrains nothing: '" "' matches every event.
        if term.strip():
            (groups[-1].exclude if excluding else groups[-1].include).append(term)
        excluding = False
        pending_alternative = False
    if excluding or pending_alternative:
        raise InvalidFilterPattern(INVALID)
    return groups
