"""The tokenizer of DynamoDB expressions: one precompiled pattern, no backtracking.

Tokens need no spaces between them (``tenantAgent:abc123-`` is a name, a value and a ``-``); any
character the grammar does not know becomes a one-character token, so that the parser reports it
as DynamoDB does (``Syntax error; token: "!", near: "!!"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class TokenKind(StrEnum):
    NAME = "name"  # an attribute name, a function name or a keyword (keywords are case-insensitive)
    ATTRIBUTE_NAME = "attribute name"  # "#placeholder"
    ATTRIBUTE_VALUE = "attribute value"  # ":placeholder"
    NUMBER = "number"  # a list index, only meaningful inside [ ]
    OPERATOR = "operator"  # one of = <> < <= > >= ( ) [ ] , . + -
    UNKNOWN = "unknown"  # any other character
    EOF = "eof"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        """The upper-cased text of a name, to compare with keywords; empty for other tokens."""
        return self.text.upper() if self.kind is TokenKind.NAME else ""


EOF_TEXT = "<EOF>"

_PATTERN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<attribute_name>\#[A-Za-z0-9_]+)
    |(?P<attribute_value>:[A-Za-z0-9_]+)
    |(?P<number>[0-9]+)
    |(?P<operator><>|<=|>=|[=<>()\[\],.+\-])
    |(?P<unknown>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_KINDS = {
    "name": TokenKind.NAME,
    "attribute_name": TokenKind.ATTRIBUTE_NAME,
    "attribute_value": TokenKind.ATTRIBUTE_VALUE,
    "number": TokenKind.NUMBER,
    "operator": TokenKind.OPERATOR,
    "unknown": TokenKind.UNKNOWN,
}


def tokenize(text: str) -> list[Token]:
    """Every token of ``text`` in order, ending with one ``EOF`` token."""
    tokens: list[Token] = []
    append = tokens.append
    for match in _PATTERN.finditer(text):
        group = match.lastgroup
        if group == "space" or group is None:
            continue
        append(Token(_KINDS[group], match.group(), match.start(), match.end()))
    append(Token(TokenKind.EOF, EOF_TEXT, len(text), len(text)))
    return tokens
