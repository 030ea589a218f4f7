"""JSON filter patterns: ``{ $.a.b[0] = "x*" && ($.n > 10 || $.flag IS TRUE) }``.

A message that is not a JSON object never matches. Precedence is ``()`` > ``&&`` > ``||`` (User Guide,
"JSON compound conditions").
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Sequence
from decimal import Decimal

from triggerfish.core.patterns.logs_filter_compare import node_test
from triggerfish.core.patterns.logs_filter_syntax import (
    INVALID,
    MAX_REGEXES,
    InvalidFilterPattern,
    Tok,
    Token,
    tokenize,
    value_from_token,
)

Test = Callable[[object], bool]
MISSING = object()
# Property names are alphanumeric plus '-' and '_'; array indexes are [NUMBER] after a property (User Guide).
_SELECTOR = re.compile(r"\$(?:\.[A-Za-z0-9_-]+(?:\[\d+\])*)+")
_STEP = re.compile(r"\.([A-Za-z0-9_-]+)|\[(\d+)\]")
_KEYWORDS = {"NULL", "TRUE", "FALSE", "EXISTS"}


def compile_json_pattern(body: str) -> Callable[[str], bool]:
    """Compile the text between ``{`` and ``}``; the result tests one log message."""
    tokens = tokenize(body)
    if not tokens:
        raise InvalidFilterPattern(INVALID)
    if sum(1 for token in tokens if token.kind is Tok.REGEX) > MAX_REGEXES:
        raise InvalidFilterPattern(INVALID)
    parser = _Parser(tokens)
    test = parser.expression()
    if not parser.at_end():
        raise InvalidFilterPattern(INVALID)

    def matches(message: str) -> bool:
        document = parse_object(message)
        return document is not None and test(document)

    return matches


def _refuse_constant(name: str) -> object:
    raise ValueError(name)


@functools.lru_cache(maxsize=32)
def parse_object(message: str) -> dict[str, object] | None:
    """The message as a JSON object, or None; cached because several filters often read the same message."""
    if not message.lstrip().startswith("{"):
        return None
    try:
        document = json.loads(message, parse_float=Decimal, parse_constant=_refuse_constant)
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def _selector(text: str) -> Callable[[object], object]:
    if _SELECTOR.fullmatch(text) is None:
        raise InvalidFilterPattern(INVALID)
    steps: list[str | int] = [name if name else int(index) for name, index in _STEP.findall(text[1:])]

    def resolve(node: object) -> object:
        for step in steps:
            if isinstance(step, str):
                if not isinstance(node, dict) or step not in node:
                    return MISSING
                node = node[step]
            else:
                if not isinstance(node, list) or step >= len(node):
                    return MISSING
                node = node[step]
        return node

    return resolve


class _Parser:
    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def at_end(self) -> bool:
        return self.index >= len(self.tokens)

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise InvalidFilterPattern(INVALID)
        self.index += 1
        return token

    def expression(self) -> Test:
        alternatives = [self.conjunction()]
        while (token := self.peek()) is not None and token.kind is Tok.OR:
            self.index += 1
            alternatives.append(self.conjunction())
        if len(alternatives) == 1:
            return alternatives[0]
        return lambda document: any(test(document) for test in alternatives)

    def conjunction(self) -> Test:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.kind is Tok.AND:
            self.index += 1
            parts.append(self.unary())
        if len(parts) == 1:
            return parts[0]
        return lambda document: all(test(document) for test in parts)

    def unary(self) -> Test:
        token = self.take()
        if token.kind is Tok.LPAREN:
            inner = self.expression()
            if self.take().kind is not Tok.RPAREN:
                raise InvalidFilterPattern(INVALID)
            return inner
        if token.kind is not Tok.WORD:
            raise InvalidFilterPattern(INVALID)
        resolve = _selector(token.text)
        following = self.take()
        if following.kind is Tok.OP:
            test = node_test(following.text, value_from_token(self.take()))
            return lambda document: test(resolve(document))
        if following.kind is Tok.WORD:
            return self.postfix(following.text.upper(), resolve)
        raise InvalidFilterPattern(INVALID)

    def postfix(self, keyword: str, resolve: Callable[[object], object]) -> Test:
        target = self.take()
        if target.kind is not Tok.WORD or target.text.upper() not in _KEYWORDS:
            raise InvalidFilterPattern(INVALID)
        word = target.text.upper()
        if keyword == "NOT" and word == "EXISTS":
            return lambda document: resolve(document) is MISSING
        if keyword == "IS" and word == "NULL":
            return lambda document: resolve(document) is None
        if keyword == "IS" and word in ("TRUE", "FALSE"):
            wanted = word == "TRUE"
            return lambda document: resolve(document) is wanted
        raise InvalidFilterPattern(INVALID)
