"""Lexical pieces shared by CloudWatch Logs filter patterns: the error, tokens, and value literals.

JSON (``{ ... }``) and space-delimited (``[ ... ]``) patterns share one tokenizer and one notion of a
value: a quoted or bare string with ``*`` wildcards, a number, or a ``%regex%``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import Enum

# CloudWatch Logs answers most rejected patterns with InvalidParameterException "Invalid filter pattern".
INVALID = "Invalid filter pattern"
# More than this many %regex% values in one JSON or space-delimited pattern is rejected (CloudWatch Logs quota).
MAX_REGEXES = 2

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Characters a %regex% may hold: alphanumerics, the supported symbols and the supported operators (User Guide,
# "Supported regular expressions (regex) syntax"); anything else, parentheses and multi-byte characters included,
# is rejected.
_REGEX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:_#=@/;,-^$?[]{}|\\*+.")
_REGEX_ESCAPES = frozenset("dDsSwWtnrfv")
# Characters a bare word may hold inside { } and [ ] (selectors, keywords, unquoted values).
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.*$[]:/@#+")
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">")


class InvalidFilterPattern(ValueError):
    """A filter pattern CloudWatch Logs would reject; ``str(exc)`` is the reason, worded as AWS words it."""


def invalid_characters(run: str) -> InvalidFilterPattern:
    # AWS names the offending characters: "Invalid character(s) in term '!('".
    return InvalidFilterPattern(f"Invalid character(s) in term '{run}'")


class Tok(Enum):
    WORD = "word"
    STRING = "string"
    REGEX = "regex"
    OP = "op"
    AND = "&&"
    OR = "||"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","


@dataclass(frozen=True)
class Token:
    kind: Tok
    text: str


def read_quoted(text: str, start: int) -> tuple[str, int]:
    """Read the double-quoted string opening at ``start``; returns its content and the index after it.

    Inside quotes ``\\"`` is a quote and ``\\\\`` a backslash; any other backslash stays as written.
    """
    out: list[str] = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in '"\\':
            out.append(text[index + 1])
            index += 2
            continue
        if char == '"':
            return "".join(out), index + 1
        out.append(char)
        index += 1
    raise InvalidFilterPattern(INVALID)


def read_regex(text: str, start: int) -> tuple[str, int]:
    """Read the ``%regex%`` opening at ``start``; returns the regex body and the index after it."""
    end = text.find("%", start + 1)
    if end < 0:
        raise InvalidFilterPattern(INVALID)
    return text[start + 1 : end], end + 1


def tokenize(body: str, *, word_chars: frozenset[str] = _WORD_CHARS) -> list[Token]:
    """Split the inside of a JSON or space-delimited pattern into tokens."""
    tokens: list[Token] = []
    index = 0
    length = len(body)
    while index < length:
        char = body[index]
        if char.isspace():
            index += 1
        elif char == '"':
            value, index = read_quoted(body, index)
            tokens.append(Token(Tok.STRING, value))
        elif char == "%":
            value, index = read_regex(body, index)
            tokens.append(Token(Tok.REGEX, value))
        elif body.startswith("&&", index):
            tokens.append(Token(Tok.AND, "&&"))
            index += 2
        elif body.startswith("||", index):
            tokens.append(Token(Tok.OR, "||"))
            index += 2
        elif char in "(),":
            tokens.append(Token(Tok(char), char))
            index += 1
        elif char in "!=<>":
            operator = next((op for op in _OPERATORS if body.startswith(op, index)), None)
            if operator is None:
                raise invalid_characters(_bad_run(body, index, word_chars))
            tokens.append(Token(Tok.OP, operator))
            index += len(operator)
        elif char in word_chars:
            end = index
            while end < length and body[end] in word_chars:
                end += 1
            tokens.append(Token(Tok.WORD, body[index:end]))
            index = end
        else:
            raise invalid_characters(_bad_run(body, index, word_chars))
    return tokens


def _bad_run(body: str, index: int, word_chars: frozenset[str]) -> str:
    end = index + 1
    while end < len(body) and not body[end].isspace() and body[end] not in word_chars and body[end] not in '"%':
        end += 1
    return body[index:end]


def parse_number(text: str) -> Decimal | None:
    """The value of a numeric literal (integer, decimal or scientific notation), else None."""
    if _NUMBER.fullmatch(text) is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None


def compile_regex(body: str) -> re.Pattern[str]:
    """Compile a ``%regex%`` body, rejecting what CloudWatch Logs does not support."""
    if not body:
        raise InvalidFilterPattern(INVALID)
    bad = [char for char in body if char not in _REGEX_CHARS]
    if bad:
        start = body.index(bad[0])
        end = start
        while end < len(body) and body[end] not in _REGEX_CHARS:
            end += 1
        raise invalid_characters(body[start:end])
    index = 0
    while index < len(body):
        if body[index] == "\\":
            following = body[index + 1 : index + 2]
            if following == "x":
                if re.fullmatch(r"[0-9A-Fa-f]{2}", body[index + 2 : index + 4]) is None:
                    raise InvalidFilterPattern(INVALID)
                index += 4
                continue
            # Only the documented classes (\d \s \w and their negations) and control escapes, or an escaped symbol.
            if not following or (following.isalnum() and following not in _REGEX_ESCAPES):
                raise InvalidFilterPattern(INVALID)
            index += 2
            continue
        index += 1
    try:
        with warnings.catch_warnings():
            # Python warns about set syntax it may change ("[[", "||" in a class); AWS reads those literally too.
            warnings.simplefilter("ignore")
            return re.compile(body, re.ASCII)
    except re.error as exc:
        raise InvalidFilterPattern(INVALID) from exc


@dataclass(frozen=True)
class Value:
    """The right-hand side of a comparison, pre-digested for fast matching."""

    text: str
    number: Decimal | None
    regex: re.Pattern[str] | None
    matches_text: Callable[[str], bool]


def string_value(text: str) -> Value:
    return Value(text, None, None, wildcard_matcher(text))


def regex_value(body: str) -> Value:
    pattern = compile_regex(body)
    return Value(f"%{body}%", None, pattern, lambda candidate: pattern.search(candidate) is not None)


def word_value(text: str) -> Value:
    number = parse_number(text)
    return Value(text, number, None, wildcard_matcher(text))


def value_from_token(token: Token) -> Value:
    if token.kind is Tok.STRING:
        return string_value(token.text)
    if token.kind is Tok.REGEX:
        return regex_value(token.text)
    if token.kind is Tok.WORD:
        return word_value(token.text)
    raise InvalidFilterPattern(INVALID)


def wildcard_matcher(text: str) -> Callable[[str], bool]:
    """Whole-value match where ``*`` at the start or end matches any text.

    An ``*`` between other characters is literal ("Ev*ent will only match the actual string Ev*ent", User Guide).
    """
    if text == "*" or text == "**":
        return lambda candidate: True
    leading = text.startswith("*")
    trailing = text.endswith("*")
    core = text[1 if leading else 0 : len(text) - 1 if trailing else len(text)]
    if leading and trailing:
        return lambda candidate: core in candidate
    if leading:
        return lambda candidate: candidate.endswith(core)
    if trailing:
        return lambda candidate: candidate.startswith(core)
    return lambda candidate: candidate == core
