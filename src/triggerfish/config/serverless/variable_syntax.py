"""The syntax of Serverless Framework v3 variables: ``${source(params):address, fallback, ...}``.

A variable is ``${`` then a source type that starts with a lower-case letter and is followed by ``:`` or
``(``; anything else (``${AWS::Region}``, ``${Foo.Arn}``, ``${name}``) is not a variable and stays as
written, so ``Fn::Sub`` strings survive. Parameters and the address may hold variables themselves
(``${self:custom.${opt:stage}}``); fallbacks are other sources or literals (``'text'``, ``"text"``,
numbers, ``true``, ``false``, ``null``). A backslash before ``$`` keeps it from opening a variable.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeAlias


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class Interpolated:
    """A parameter or address holding variables."""

    text: str
    parts: tuple[str | Variable, ...]


Piece: TypeAlias = Literal | Interpolated


@dataclass(frozen=True)
class Source:
    type: str
    params: tuple[Piece, ...] = ()
    address: Piece | None = None


@dataclass(frozen=True)
class Variable:
    text: str  # as written, ``${...}``
    sources: tuple[Source | Literal, ...]


class VariableSyntaxError(ValueError):
    pass


_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.")
_NUMBER = re.compile(r"^(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")


def parse(text: str) -> tuple[str | Variable, ...] | None:
    """Split ``text`` into plain text and variables; None when it holds no variable."""
    return _Parser(text).parts()


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text

    def parts(self) -> tuple[str | Variable, ...] | None:
        text, parts, last, index = self.text, list[str | Variable](), 0, 0
        while index < len(text):
            if text[index] == "\\":  # an escaped character never opens a variable
                index += 2
                continue
            found = self._variable(index) if text.startswith("${", index) else None
            if found is None:
                index += 1
                continue
            variable, end = found
            if index > last:
                parts.append(text[last:index])
            parts.append(variable)
            last = index = end
        if last == 0:
            return None
        if last < len(text):
            parts.append(text[last:])
        return tuple(parts)

    def _variable(self, start: int) -> tuple[Variable, int] | None:
        text = self.text
        begin = end = start + 2
        if end >= len(text) or not "a" <= text[end] <= "z":
            return None
        while end < len(text) and text[end] in _WORD:
            end += 1
        if end >= len(text) or text[end] not in ":(" or text.startswith("::", end):
            return None  # not a variable: ${name}, ${Foo.Arn}, ${aws::x}
        source, index = self._source(text[begin:end], end)
        sources: list[Source | Literal] = [source]
        while True:
            index = self._skip(index)
            if index >= len(text):
                raise VariableSyntaxError(f"Missing variable closing bracket in {text}")
            if text[index] == "}":
                return Variable(text[start : index + 1], tuple(sources)), index + 1
            if text[index] != ",":
                raise VariableSyntaxError(f'Invalid variable address at index {index} in "{text}"')
            fallback, index = self._fallback(self._skip(index + 1))
            sources.append(fallback)

    def _source(self, source_type: str, index: int) -> tuple[Source, int]:
        params: tuple[Piece, ...] = ()
        if self.text[index] == "(":
            params, index = self._params(index + 1)
            index = self._skip(index)
            if index >= len(self.text) or self.text[index] != ":":
                return Source(source_type, params), index
        address, index = self._piece(index + 1, stops="},")
        return Source(source_type, params, address), index

    def _params(self, index: int) -> tuple[tuple[Piece, ...], int]:
        params: list[Piece] = []
        index = self._skip(index)
        if self.text.startswith(")", index):
            return (), index + 1
        while True:
            param, index = self._piece(index, stops="),", literal_fallback=True)
            params.append(param if param is not None else Literal(None))
            if index >= len(self.text) or self.text[index] not in "),":
                raise VariableSyntaxError(f'Invalid variable param at index {index} in "{self.text}"')
            if self.text[index] == ")":
                return tuple(params), index + 1
            index += 1

    def _fallback(self, index: int) -> tuple[Source | Literal, int]:
        text = self.text
        if index < len(text) and text[index] in "'\"":
            value, end = self._quoted(index)
            return Literal(value), end
        end = index
        while end < len(text) and text[end] in _WORD:
            end += 1
        word = text[index:end]
        if end < len(text) and text[end] in ":(" and word[:1].islower() and word.isalnum():
            return self._source(word, end)
        if not word:
            raise VariableSyntaxError(f'Invalid variable source at index {index} in "{text}"')
        return Literal(_literal(word, index=index, text=text)), end

    def _piece(self, index: int, *, stops: str, literal_fallback: bool = False) -> tuple[Piece | None, int]:
        """A parameter or an address: a quoted string, or raw text (maybe holding variables) up to a stop."""
        text = self.text
        index = self._skip(index)
        if index < len(text) and text[index] in "'\"":
            value, end = self._quoted(index)
            return Literal(value), self._skip(end)
        end, depth = index, 0
        while end < len(text):
            char = text[end]
            if text.startswith("${", end):
                depth += 1
                end += 2
                continue
            if char == "}" and depth:
                depth -= 1
            elif char in stops and not depth:
                break
            end += 1
        raw = text[index:end].strip()
        if not raw:
            return None, end
        parts = _Parser(raw).parts()
        if parts is not None:
            return Interpolated(raw, parts), end
        return Literal(_literal(raw, index=index, text=text, fallback=True) if literal_fallback else raw), end

    def _quoted(self, index: int) -> tuple[str, int]:
        text, quote = self.text, self.text[index]
        end = index + 1
        while end < len(text) and text[end] != quote:
            end += 2 if text[end] == "\\" and quote == '"' else 1
        if end >= len(text):
            raise VariableSyntaxError(f'Invalid string literal at index {index} in "{text}"')
        if quote == "'":
            return text[index + 1 : end], end + 1
        try:
            return str(json.loads(text[index : end + 1])), end + 1
        except json.JSONDecodeError as exc:
            raise VariableSyntaxError(f'Invalid string literal at index {index} in "{text}": {exc}') from None

    def _skip(self, index: int) -> int:
        while index < len(self.text) and self.text[index] == " ":
            index += 1
        return index


def _literal(word: str, *, index: int, text: str, fallback: bool = False) -> Any:
    constants: dict[str, Any] = {"true": True, "false": False, "null": None}
    if word in constants:
        return constants[word]
    if _NUMBER.match(word):
        number = float(word)
        return int(number) if number.is_integer() and "." not in word and "e" not in word.lower() else number
    if fallback:
        return word
    raise VariableSyntaxError(f'Invalid literal source "{word}" at index {index} in "{text}"')
