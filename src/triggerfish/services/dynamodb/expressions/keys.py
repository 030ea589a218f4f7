"""A Query's KeyConditionExpression checked against the table's or index's key (Query API reference,
KeyConditionExpression): ``pk = :v`` and optionally one sort key condition (``=``, ``<``, ``<=``, ``>``, ``>=``,
``BETWEEN``, ``begins_with``), joined by AND.

Problems are reported in AWS's order: each clause as written (operators, operand types), then a key named
twice, then too many conditions, then a missing or unknown key attribute, then a partition key compared other
than with ``=``, then operand types that do not match the key's AttributeDefinitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import (
    And,
    Between,
    Comparison,
    Condition,
    Function,
    FunctionName,
    In,
    Literal,
    Not,
    Operand,
    Or,
    Path,
    Size,
)
from triggerfish.services.dynamodb.expressions.checks import ORDERED, check_bounds, require
from triggerfish.services.dynamodb.models import AttributeValue, KeySchema, ScalarType
from triggerfish.services.dynamodb.values import compare

_KIND = "KeyConditionExpression"
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_SCHEMA_MISMATCH = "One or more parameter values were invalid: Condition parameter type does not match schema type"


@dataclass(frozen=True)
class KeyCondition:
    partition_name: str
    partition_value: AttributeValue
    sort_name: str | None = None
    #: "=", "<", "<=", ">", ">=", "BETWEEN" or "begins_with"; ``None`` without a sort key condition
    sort_op: str | None = None
    sort_values: tuple[AttributeValue, ...] = ()

    def sort_matches(self, value: AttributeValue | None) -> bool:
        """Whether an item's sort key value satisfies the sort key condition (always, without one)."""
        if self.sort_op is None:
            return True
        if value is None:
            return False
        if self.sort_op == "begins_with":
            prefix = self.sort_values[0]
            kind = next(iter(prefix))
            return kind in value and bool(value[kind].startswith(prefix[kind]))
        if self.sort_op == "BETWEEN":
            low = compare(value, self.sort_values[0])
            high = compare(value, self.sort_values[1])
            return low is not None and high is not None and low >= 0 and high <= 0
        order = compare(value, self.sort_values[0])
        if order is None:
            return False
        return {"=": order == 0, "<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[self.sort_op]


@dataclass(frozen=True)
class _Clause:
    name: str
    op: str
    values: tuple[AttributeValue, ...]


def key_condition(condition: Condition, key: KeySchema, types: Mapping[str, ScalarType]) -> KeyCondition:
    """The key condition of ``condition`` on ``key`` (a table's or an index's), with AWS's Query messages."""
    clauses = [_clause(each) for each in _conjuncts(condition)]
    names = [clause.name for clause in clauses]
    if len(set(names)) != len(names):
        raise ValidationError(f"Invalid {_KIND}: KeyConditionExpressions must only contain one condition per key")
    if len(clauses) > len(key.names):
        raise ValidationError(
            f"The number of query conditions ({len(clauses)}) exceeds the number of key attributes defined in "
            f"the schema ({len(key.names)})"
        )
    by_name = {clause.name: clause for clause in clauses}
    partition = by_name.get(key.partition)
    if partition is None:
        raise ValidationError(f"Query condition missed key schema element: {key.partition}")
    sort = None if key.sort is None else by_name.get(key.sort)
    if len(clauses) > 1 and sort is None:
        raise ValidationError(f"Query condition missed key schema element: {key.sort}")
    if partition.op != "=":
        raise ValidationError("Query key condition not supported")
    for clause in (partition, sort):
        wanted = None if clause is None else types.get(clause.name)
        if clause is not None and wanted is not None and any(wanted.value not in each for each in clause.values):
            raise ValidationError(_SCHEMA_MISMATCH)
    return KeyCondition(
        partition_name=key.partition,
        partition_value=partition.values[0],
        sort_name=None if sort is None else sort.name,
        sort_op=None if sort is None else sort.op,
        sort_values=() if sort is None else sort.values,
    )


def _conjuncts(condition: Condition) -> list[Condition]:
    if isinstance(condition, And):
        return [*_conjuncts(condition.left), *_conjuncts(condition.right)]
    return [condition]


def _clause(condition: Condition) -> _Clause:
    if isinstance(condition, Or | Not | In):
        word = {Or: "OR", Not: "NOT", In: "IN"}[type(condition)]
        raise ValidationError(f"Invalid operator used in {_KIND}: {word}")
    if isinstance(condition, Comparison):
        op = condition.op.value
        if op == "<>":
            raise ValidationError(f"Invalid operator used in {_KIND}: {op}")
        if isinstance(condition.left, Literal) and not isinstance(condition.right, Literal):
            path, values = _split(op, (condition.right, condition.left))
            op = _FLIPPED[op]
        else:
            path, values = _split(op, (condition.left, condition.right))
        if op != "=":
            require(values[0], ORDERED, condition.op.value, _KIND)
        return _Clause(path.top, op, values)
    if isinstance(condition, Between):
        path, values = _split("BETWEEN", (condition.value, condition.low, condition.high))
        for value in values:
            require(value, ORDERED, "BETWEEN", _KIND)
        check_bounds(values[0], values[1], _KIND)
        return _Clause(path.top, "BETWEEN", values)
    assert isinstance(condition, Function)
    if condition.name is not FunctionName.BEGINS_WITH:
        raise ValidationError(f"Invalid operator used in {_KIND}: {condition.name.value}")
    path, values = _split("begins_with", condition.args)
    require(values[0], frozenset({"S", "B"}), "begins_with", _KIND)
    return _Clause(path.top, "begins_with", values)


def _split(operator: str, operands: tuple[Operand, ...]) -> tuple[Path, tuple[AttributeValue, ...]]:
    """The one top-level attribute a clause names (written first) and its values."""
    paths = [each for each in operands if isinstance(each, Path)]
    if len(paths) > 1:
        raise ValidationError(
            f"Invalid {_KIND}: Invalid condition in {_KIND}: multiple attribute names used in one condition"
        )
    if any(isinstance(each, Size) for each in operands):
        raise ValidationError(f"Invalid {_KIND}: KeyConditionExpressions cannot contain nested operations")
    if not paths:
        raise ValidationError(f"Invalid {_KIND}: Invalid condition in {_KIND}: No key attribute specified")
    if not isinstance(operands[0], Path):
        raise ValidationError(
            f"Invalid {_KIND}: Invalid condition in {_KIND}: {operator} operator must have the key attribute as its "
            "first operand"
        )
    if len(paths[0].elements) > 1:
        raise ValidationError(f"Invalid {_KIND}: KeyConditionExpressions cannot have conditions on nested attributes")
    return paths[0], tuple(each.value for each in operands[1:] if isinstance(each, Literal))
