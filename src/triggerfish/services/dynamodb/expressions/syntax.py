"""The syntax tree of an expression as written, before its placeholders are resolved.

A parsed text is cached and reused by every request that sends the same text, so this tree keeps
``#name`` and ``:value`` placeholders as written; ``placeholders.py`` and ``resolve.py`` turn it into
the tree of ``ast.py`` for one request. It can hold what the grammar accepts but DynamoDB then
rejects (a function with the wrong number of operands, ``if_not_exists(:v, a)``), so that those
errors are reported in AWS's order, after the undefined placeholders.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from triggerfish.services.dynamodb.expressions.ast import Comparator, Path


@dataclass(frozen=True, slots=True)
class RawPath:
    """Path elements as written: attribute names, ``#placeholders`` (start with ``#``) and list indexes.

    ``fixed`` is the resolved path, built once, when the path has no placeholder.
    """

    elements: tuple[str | int, ...]
    text: str
    fixed: Path | None = None

    @classmethod
    def of(cls, elements: tuple[str | int, ...], text: str) -> RawPath:
        plain = not any(isinstance(element, str) and element[0] == "#" for element in elements)
        return cls(elements, text, Path(elements, text) if plain else None)


@dataclass(frozen=True, slots=True)
class RawValue:
    name: str  # ":v"


@dataclass(frozen=True, slots=True)
class RawCall:
    """A function call, as a condition (``attribute_exists(a)``) or as an operand (``size(a)``)."""

    name: str
    args: tuple[RawOperand, ...]


RawOperand = RawPath | RawValue | RawCall


@dataclass(frozen=True, slots=True)
class RawCompare:
    op: Comparator
    left: RawOperand
    right: RawOperand


@dataclass(frozen=True, slots=True)
class RawBetween:
    value: RawOperand
    low: RawOperand
    high: RawOperand


@dataclass(frozen=True, slots=True)
class RawIn:
    value: RawOperand
    options: tuple[RawOperand, ...]


@dataclass(frozen=True, slots=True)
class RawAnd:
    left: RawCondition
    right: RawCondition


@dataclass(frozen=True, slots=True)
class RawOr:
    left: RawCondition
    right: RawCondition


@dataclass(frozen=True, slots=True)
class RawNot:
    condition: RawCondition


RawCondition = RawCompare | RawBetween | RawIn | RawCall | RawAnd | RawOr | RawNot


class Section(StrEnum):
    SET = "SET"
    REMOVE = "REMOVE"
    ADD = "ADD"
    DELETE = "DELETE"


@dataclass(frozen=True, slots=True)
class RawArithmetic:
    op: str  # "+" or "-"
    left: RawOperand
    right: RawOperand


RawSetValue = RawOperand | RawArithmetic


@dataclass(frozen=True, slots=True)
class RawAction:
    """One action of an UpdateExpression; ``value`` is None for REMOVE and a RawValue for ADD and DELETE."""

    section: Section
    path: RawPath
    value: RawSetValue | None


@dataclass(frozen=True, slots=True)
class RawUpdate:
    actions: tuple[RawAction, ...]


@dataclass(frozen=True, slots=True)
class RawProjection:
    paths: tuple[RawPath, ...]


@dataclass(frozen=True, slots=True)
class Parsed:
    """The outcome of parsing one text, cached by (kind, text).

    ``error`` is the first error DynamoDB reports before it looks at the placeholders (a syntax error,
    redundant parentheses, an unknown or misused function, a reserved word, a repeated section, an
    operator a key condition does not allow); ``placeholders`` are the ``#names`` and ``:values`` in
    the order written.
    """

    kind: str
    tree: RawCondition | RawUpdate | RawProjection | None
    error: str | None
    placeholders: tuple[str, ...]
