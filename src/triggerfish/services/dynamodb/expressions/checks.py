"""Checks on a condition expression itself, before any item is read, with AWS's messages.

What the expression alone shows is wrong is a ValidationError even where the same mismatch found in an item
would only make the condition false (developer guide, "Comparison operator and function reference").
"""

from __future__ import annotations

from triggerfish.services.dynamodb.errors import ValidationError
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
)
from triggerfish.services.dynamodb.expressions.functions import ATTRIBUTE_TYPES
from triggerfish.services.dynamodb.models import AttributeValue
from triggerfish.services.dynamodb.values import compare

ORDERED = frozenset({"S", "N", "B"})


def check_condition(condition: Condition, *, kind: str) -> None:
    """Reject what the expression alone shows is wrong, with AWS's messages (``kind``: "ConditionExpression",
    "FilterExpression" or "KeyConditionExpression"): ordering a value that has no order, an unknown
    ``attribute_type`` name, a ``begins_with`` prefix that is no string or binary, BETWEEN bounds of two types or
    in the wrong order."""
    if isinstance(condition, And | Or):
        check_condition(condition.left, kind=kind)
        check_condition(condition.right, kind=kind)
    elif isinstance(condition, Not):
        check_condition(condition.condition, kind=kind)
    elif isinstance(condition, Comparison):
        if condition.op not in (Comparator.EQ, Comparator.NE):
            for side in (condition.left, condition.right):
                _check_ordered(side, condition.op.value, kind)
    elif isinstance(condition, Between):
        for side in (condition.value, condition.low, condition.high):
            _check_ordered(side, "BETWEEN", kind)
        if isinstance(condition.low, Literal) and isinstance(condition.high, Literal):
            check_bounds(condition.low.value, condition.high.value, kind)
    elif isinstance(condition, Function):
        _check_function(condition, kind)


def _check_ordered(side: Operand, operator: str, kind: str) -> None:
    if isinstance(side, Literal):
        require(side.value, ORDERED, operator, kind)


def require(value: AttributeValue, allowed: frozenset[str], operator: str, kind: str) -> None:
    type_name = next(iter(value))
    if type_name not in allowed:
        raise ValidationError(
            f"Invalid {kind}: Incorrect operand type for operator or function; "
            f"operator or function: {operator}, operand type: {type_name}"
        )


def check_bounds(low: AttributeValue, high: AttributeValue, kind: str) -> None:
    """BETWEEN's literal bounds: one type, the lower not above the upper."""
    bounds = f"lower bound operand: AttributeValue: {_shown(low)}, upper bound operand: AttributeValue: {_shown(high)}"
    order = compare(low, high)
    if order is None:
        raise ValidationError(
            f"Invalid {kind}: The BETWEEN operator requires same data type for lower and upper bounds; {bounds}"
        )
    if order > 0:
        raise ValidationError(
            f"Invalid {kind}: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            f"{bounds}"
        )


def _shown(value: AttributeValue) -> str:
    type_name, content = next(iter(value.items()))
    return f"{{{type_name}:{content}}}"


def _check_function(call: Function, kind: str) -> None:
    if call.name is FunctionName.ATTRIBUTE_TYPE and isinstance(call.args[1], Literal):
        value = call.args[1].value
        require(value, frozenset({"S"}), "attribute_type", kind)
        if value["S"] not in ATTRIBUTE_TYPES:
            raise ValidationError(
                f"Invalid {kind}: Invalid attribute type name found; type: {value['S']}, "
                f"valid types: {{{','.join(ATTRIBUTE_TYPES)}}}"
            )
    elif call.name is FunctionName.BEGINS_WITH and isinstance(call.args[1], Literal):
        require(call.args[1].value, frozenset({"S", "B"}), "begins_with", kind)
