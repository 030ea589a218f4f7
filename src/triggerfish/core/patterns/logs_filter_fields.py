"""Space-delimited filter patterns: ``[ip, user, ..., status_code = 4* && status_code != 403, bytes > 1000]``.

The message splits on spaces; the characters between ``[ ]`` or between two ``"`` are one field (User Guide,
"Using filter patterns to match terms in space-delimited log events"). Without ``...`` the message must have
exactly as many fields as the pattern; each ``...`` stands for any number of fields.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from triggerfish.core.patterns.logs_filter_compare import TextTest, text_test
from triggerfish.core.patterns.logs_filter_syntax import (
    INVALID,
    MAX_REGEXES,
    InvalidFilterPattern,
    Tok,
    Token,
    tokenize,
    value_from_token,
)

_ELLIPSIS = "..."
# Field names: letters, digits, '_' and '-'; '[' and ']' only delimit the pattern itself.
_FIELD_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.*$:/@#+")


@dataclass(frozen=True)
class _Slot:
    """One comma-separated position of the pattern: a named field with an optional test, or ``...``."""

    name: str
    ellipsis: bool
    test: TextTest | None


def compile_fields_pattern(body: str) -> Callable[[str], bool]:
    """Compile the text between ``[`` and ``]``; the result tests one log message."""
    tokens = tokenize(body, word_chars=_FIELD_WORD_CHARS)
    if sum(1 for token in tokens if token.kind is Tok.REGEX) > MAX_REGEXES:
        raise InvalidFilterPattern(INVALID)
    slots = tuple(_slot(part) for part in _split_commas(tokens))
    if len(slots) == 1 and slots[0].name == "" and not slots[0].ellipsis:
        raise InvalidFilterPattern(INVALID)
    if not any(slot.ellipsis for slot in slots):
        count = len(slots)
        tests = [(index, slot.test) for index, slot in enumerate(slots) if slot.test is not None]

        def fixed(message: str) -> bool:
            fields = split_fields(message)
            return len(fields) == count and all(test(fields[index]) for index, test in tests)

        return fixed

    def flexible(message: str) -> bool:
        return _match(slots, split_fields(message))

    return flexible


def _split_commas(tokens: Sequence[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind is Tok.COMMA:
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def _slot(tokens: list[Token]) -> _Slot:
    if not tokens:
        # An empty position ("[..., status_code=4*,]") is an unnamed field that accepts anything.
        return _Slot("", False, None)
    if len(tokens) == 1 and tokens[0].kind is Tok.WORD:
        name = tokens[0].text
        if name == _ELLIPSIS:
            return _Slot(name, True, None)
        _check_name(name)
        return _Slot(name, False, None)
    return _conditions(tokens)


def _check_name(name: str) -> None:
    if not name or any(not (char.isalnum() or char in "_-") for char in name):
        raise InvalidFilterPattern(INVALID)


def _conditions(tokens: list[Token]) -> _Slot:
    """``name op value`` joined by ``&&`` (binding tighter) and ``||``, all on the same field."""
    alternatives: list[list[TextTest]] = [[]]
    name: str | None = None
    index = 0
    while True:
        if index + 3 > len(tokens):
            raise InvalidFilterPattern(INVALID)
        field, operator, literal = tokens[index : index + 3]
        if field.kind is not Tok.WORD or operator.kind is not Tok.OP:
            raise InvalidFilterPattern(INVALID)
        _check_name(field.text)
        # Conditions in one position test that position's field ("status_code = 4* && bytes > 1000" is rejected).
        if name is not None and field.text != name:
            raise InvalidFilterPattern(INVALID)
        name = field.text
        alternatives[-1].append(text_test(operator.text, value_from_token(literal)))
        index += 3
        if index == len(tokens):
            break
        joiner = tokens[index]
        if joiner.kind is Tok.OR:
            alternatives.append([])
        elif joiner.kind is not Tok.AND:
            raise InvalidFilterPattern(INVALID)
        index += 1
    groups = [tuple(group) for group in alternatives]

    def test(text: str) -> bool:
        return any(all(part(text) for part in group) for group in groups)

    return _Slot(name, False, test)


@functools.lru_cache(maxsize=32)
def split_fields(message: str) -> tuple[str, ...]:
    """The message's fields; a ``[...]`` or ``"..."`` group is one field, without its delimiters."""
    fields: list[str] = []
    index = 0
    length = len(message)
    while index < length:
        char = message[index]
        if char == " " or char == "\t":
            index += 1
            continue
        closer = "]" if char == "[" else '"' if char == '"' else None
        if closer is not None:
            end = message.find(closer, index + 1)
            if end < 0:
                fields.append(message[index + 1 :])
                break
            fields.append(message[index + 1 : end])
            index = end + 1
            continue
        end = index
        while end < length and message[end] not in " \t":
            end += 1
        fields.append(message[index:end])
        index = end
    return tuple(fields)


def _match(slots: Sequence[_Slot], fields: Sequence[str]) -> bool:
    """Glob-style matching where ``...`` is the star: linear backtracking to the latest ellipsis, no recursion."""
    slot_index = field_index = 0
    star = -1
    star_field = 0
    while field_index < len(fields):
        slot = slots[slot_index] if slot_index < len(slots) else None
        if slot is not None and slot.ellipsis:
            star, star_field = slot_index, field_index
            slot_index += 1
        elif slot is not None and (slot.test is None or slot.test(fields[field_index])):
            slot_index += 1
            field_index += 1
        elif star >= 0:
            star_field += 1
            slot_index, field_index = star + 1, star_field
        else:
            return False
    while slot_index < len(slots) and slots[slot_index].ellipsis:
        slot_index += 1
    return slot_index == len(slots)
