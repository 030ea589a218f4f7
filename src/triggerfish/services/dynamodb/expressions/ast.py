"""The parsed form of DynamoDB expressions (condition, filter, key condition, update, projection).

The parser resolves ``#name`` placeholders to attribute names and ``:value`` placeholders to their
AttributeValues, so a tree never holds a placeholder; ``text`` fields keep the source as written,
for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

AttributeValue = dict[str, Any]


@dataclass(frozen=True)
class Path:
    """A document path: attribute names and list indexes, ``a.b[2].c`` is ``("a", "b", 2, "c")``."""

    elements: tuple[str | int, ...]
    text: str = ""

    @property
    def top(self) -> str:
        first = self.elements[0]
        assert isinstance(first, str)
        return first


@dataclass(frozen=True)
class Literal:
    """An ``ExpressionAttributeValues`` value; ``name`` is its placeholder (``:v``)."""

    value: AttributeValue
    name: str = ""


@dataclass(frozen=True)
class Size:
    """``size(path)`` used as an operand."""

    path: Path


Operand = Path | Literal | Size


class Comparator(StrEnum):
    EQ = "="
    NE = "<>"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="


@dataclass(frozen=True)
class Comparison:
    op: Comparator
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Between:
    value: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class In:
    value: Operand
    options: tuple[Operand, ...]


class FunctionName(StrEnum):
    ATTRIBUTE_EXISTS = "attribute_exists"
    ATTRIBUTE_NOT_EXISTS = "attribute_not_exists"
    ATTRIBUTE_TYPE = "attribute_type"
    BEGINS_WITH = "begins_with"
    CONTAINS = "contains"


@dataclass(frozen=True)
class Function:
    """A condition function; ``args`` as written (the first is a path for all but ``contains``'s
    and ``begins_with``'s, whose first may also be a value)."""

    name: FunctionName
    args: tuple[Operand, ...]


@dataclass(frozen=True)
class And:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    left: Condition
    right: Condition


@dataclass(frozen=True)
class Not:
    condition: Condition


Condition = Comparison | Between | In | Function | And | Or | Not


# -- update expressions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IfNotExists:
    path: Path
    default: UpdateValue


@dataclass(frozen=True)
class ListAppend:
    first: UpdateValue
    second: UpdateValue


@dataclass(frozen=True)
class Arithmetic:
    """``a + b`` or ``a - b`` in a SET action."""

    op: str  # "+" or "-"
    left: UpdateValue
    right: UpdateValue


UpdateValue = Path | Literal | IfNotExists | ListAppend | Arithmetic


@dataclass(frozen=True)
class SetAction:
    path: Path
    value: UpdateValue


@dataclass(frozen=True)
class RemoveAction:
    path: Path


@dataclass(frozen=True)
class AddAction:
    path: Path
    value: Literal


@dataclass(frozen=True)
class DeleteAction:
    path: Path
    value: Literal


UpdateAction = SetAction | RemoveAction | AddAction | DeleteAction


@dataclass(frozen=True)
class Update:
    """Every action of an UpdateExpression, in the order written."""

    actions: tuple[UpdateAction, ...]


@dataclass(frozen=True)
class Projection:
    paths: tuple[Path, ...]
