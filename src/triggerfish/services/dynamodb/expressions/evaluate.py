"""Evaluating condition, filter and key condition trees against an item, and the evaluator's public names.

DynamoDB's rules (developer guide, "Comparison operator and function reference"): a comparison between
values of different types is false, not an error; ``<>`` is true when either side is missing; the ordering
operators and BETWEEN apply to strings (UTF-8 byte order), numbers and binaries. Problems visible in the
expression itself (a boolean compared with ``<``, an unknown ``attribute_type`` name) are errors, found by
``check_condition`` before any item is read.
"""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.services.dynamodb.expressions.ast import (
    And,
    Between,
    Comparator,
    Comparison,
    Condition,
    Function,
    FunctionName,
    Literal,
    Not,
    Operand,
    Or,
    Path,
)
from triggerfish.services.dynamodb.expressions.checks import check_condition
from triggerfish.services.dynamodb.expressions.documents import resolve
from triggerfish.services.dynamodb.expressions.functions import attribute_type, begins_with, contains, size
from triggerfish.services.dynamodb.expressions.keys import KeyCondition, key_condition
from triggerfish.services.dynamodb.expressions.projection import project
from triggerfish.services.dynamodb.expressions.update import apply_update, check_update
from triggerfish.services.dynamodb.models import AttributeValue
from triggerfish.services.dynamodb.values import compare, equal

__all__ = [
    "KeyCondition",
    "apply_update",
    "check_condition",
    "check_update",
    "key_condition",
    "matches",
    "project",
    "resolve",
]

_EMPTY: Mapping[str, AttributeValue] = {}


def matches(condition: Condition, item: Mapping[str, AttributeValue] | None) -> bool:
    """Whether ``item`` (``None``: no item, every path is missing) satisfies ``condition``."""
    return _holds(condition, _EMPTY if item is None else item)


def _holds(condition: Condition, item: Mapping[str, AttributeValue]) -> bool:
    if isinstance(condition, Comparison):
        return _compare(condition.op, operand(condition.left, item), operand(condition.right, item))
    if isinstance(condition, And):
        return _holds(condition.left, item) and _holds(condition.right, item)
    if isinstance(condition, Or):
        return _holds(condition.left, item) or _holds(condition.right, item)
    if isinstance(condition, Not):
        return not _holds(condition.condition, item)
    if isinstance(condition, Function):
        return _function(condition, item)
    if isinstance(condition, Between):
        value = operand(condition.value, item)
        low = operand(condition.low, item)
        high = operand(condition.high, item)
        return _compare(Comparator.GE, value, low) and _compare(Comparator.LE, value, high)
    value = operand(condition.value, item)
    return value is not None and any(_compare(Comparator.EQ, value, operand(each, item)) for each in condition.options)


def operand(op: Operand, item: Mapping[str, AttributeValue]) -> AttributeValue | None:
    """The value of one operand: a path's value (or ``None``), a literal, or ``size(path)`` as a number."""
    if isinstance(op, Literal):
        return op.value
    if isinstance(op, Path):
        return resolve(item, op)
    return size(resolve(item, op.path))


def _compare(op: Comparator, left: AttributeValue | None, right: AttributeValue | None) -> bool:
    if op is Comparator.NE:
        return left is None or right is None or not equal(left, right)
    if left is None or right is None:
        return False
    if op is Comparator.EQ:
        return equal(left, right)
    order = compare(left, right)
    if order is None:
        return False
    if op is Comparator.LT:
        return order < 0
    if op is Comparator.LE:
        return order <= 0
    if op is Comparator.GT:
        return order > 0
    return order >= 0


def _function(call: Function, item: Mapping[str, AttributeValue]) -> bool:
    name = call.name
    if name is FunctionName.ATTRIBUTE_EXISTS:
        return operand(call.args[0], item) is not None
    if name is FunctionName.ATTRIBUTE_NOT_EXISTS:
        return operand(call.args[0], item) is None
    first = operand(call.args[0], item)
    second = operand(call.args[1], item)
    if name is FunctionName.ATTRIBUTE_TYPE:
        return second is not None and attribute_type(first, second)
    if name is FunctionName.BEGINS_WITH:
        return begins_with(first, second)
    return contains(first, second)
