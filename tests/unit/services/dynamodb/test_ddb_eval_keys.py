"""KeyConditionExpression checks and sort key matching, on trees built directly from ``ast``."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import (
    And,
    Between,
    Comparator,
    Comparison,
    Condition,
    Function,
    FunctionName,
    In,
    Literal,
    Not,
    Or,
    Path,
    Size,
)
from triggerfish.services.dynamodb.expressions.evaluate import KeyCondition, key_condition
from triggerfish.services.dynamodb.models import KeySchema, ScalarType

COMPOSITE = KeySchema("pk", "sk")
HASH_ONLY = KeySchema("pk")
TYPES_SN = {"pk": ScalarType.S, "sk": ScalarType.N}
TYPES_SS = {"pk": ScalarType.S, "sk": ScalarType.S}
SCHEMA = "One or more parameter values were invalid: Condition parameter type does not match schema type"


def p(*elements: str | int) -> Path:
    return Path(tuple(elements))


def v(value: dict[str, Any]) -> Literal:
    return Literal(value)


def cmp(op: str, left: Any, right: Any) -> Comparison:
    return Comparison(Comparator(op), left, right)


def begins(path: Any, value: Any) -> Function:
    return Function(FunctionName.BEGINS_WITH, (path, value))


PK = cmp("=", p("pk"), v({"S": "q"}))


def operand(op: str, kind: str) -> str:
    return (
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
        f"operator or function: {op}, operand type: {kind}"
    )


@pytest.mark.parametrize(
    ("condition", "key", "expected"),
    [
        (PK, COMPOSITE, KeyCondition("pk", {"S": "q"})),
        (PK, HASH_ONLY, KeyCondition("pk", {"S": "q"})),
        (cmp("=", v({"S": "q"}), p("pk")), HASH_ONLY, KeyCondition("pk", {"S": "q"})),
        (
            And(PK, cmp("<", p("sk"), v({"N": "5"}))),
            COMPOSITE,
            KeyCondition("pk", {"S": "q"}, "sk", "<", ({"N": "5"},)),
        ),
        (
            And(cmp(">=", p("sk"), v({"N": "5"})), PK),
            COMPOSITE,
            KeyCondition("pk", {"S": "q"}, "sk", ">=", ({"N": "5"},)),
        ),
        (
            And(PK, cmp("<", v({"N": "5"}), p("sk"))),
            COMPOSITE,
            KeyCondition("pk", {"S": "q"}, "sk", ">", ({"N": "5"},)),
        ),
        (
            And(PK, cmp(">=", v({"N": "5"}), p("sk"))),
            COMPOSITE,
            KeyCondition("pk", {"S": "q"}, "sk", "<=", ({"N": "5"},)),
        ),
        (
            And(PK, Between(p("sk"), v({"N": "1"}), v({"N": "9"}))),
            COMPOSITE,
            KeyCondition("pk", {"S": "q"}, "sk", "BETWEEN", ({"N": "1"}, {"N": "9"})),
        ),
        (
            And(PK, cmp("=", p("sk"), v({"N": "1"}))),
            COMPOSITE,
            KeyCondition("pk", {"S": "q"}, "sk", "=", ({"N": "1"},)),
        ),
    ],
)
def test_key_conditions(condition: Condition, key: KeySchema, expected: KeyCondition) -> None:
    assert key_condition(condition, key, TYPES_SN) == expected


def test_begins_with_on_a_string_sort_key() -> None:
    result = key_condition(And(PK, begins(p("sk"), v({"S": "ab"}))), COMPOSITE, TYPES_SS)
    assert result == KeyCondition("pk", {"S": "q"}, "sk", "begins_with", ({"S": "ab"},))


@pytest.mark.parametrize(
    ("condition", "key", "types", "message"),
    [
        (And(PK, begins(p("sk"), v({"N": "1"}))), COMPOSITE, TYPES_SS, operand("begins_with", "N")),
        (And(PK, begins(p("sk"), v({"BOOL": True}))), COMPOSITE, TYPES_SS, operand("begins_with", "BOOL")),
        (And(PK, begins(p("sk"), v({"N": "1"}))), COMPOSITE, TYPES_SN, operand("begins_with", "N")),
        (And(PK, begins(p("sk"), v({"S": "a"}))), COMPOSITE, TYPES_SN, SCHEMA),
        (And(PK, cmp("<", p("sk"), v({"BOOL": True}))), COMPOSITE, TYPES_SN, operand("<", "BOOL")),
        (And(PK, cmp(">=", v({"BOOL": True}), p("sk"))), COMPOSITE, TYPES_SN, operand(">=", "BOOL")),
        (
            And(PK, Between(p("sk"), v({"BOOL": False}), v({"BOOL": True}))),
            COMPOSITE,
            TYPES_SN,
            operand("BETWEEN", "BOOL"),
        ),
        (And(PK, cmp("=", p("sk"), v({"BOOL": True}))), COMPOSITE, TYPES_SN, SCHEMA),
        (And(PK, cmp("=", p("sk"), v({"S": "1"}))), COMPOSITE, TYPES_SN, SCHEMA),
        (cmp("=", p("pk"), v({"N": "1"})), COMPOSITE, TYPES_SN, SCHEMA),
        (
            And(And(PK, cmp(">", p("sk"), v({"N": "1"}))), cmp("<", p("sk"), v({"N": "5"}))),
            COMPOSITE,
            TYPES_SN,
            "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key",
        ),
        (
            And(And(PK, cmp(">", p("sk"), v({"N": "1"}))), cmp("=", p("extra"), v({"N": "5"}))),
            COMPOSITE,
            TYPES_SN,
            "The number of query conditions (3) exceeds the number of key attributes defined in the schema (2)",
        ),
        (
            And(PK, cmp("=", p("sk"), v({"N": "5"}))),
            HASH_ONLY,
            TYPES_SN,
            "The number of query conditions (2) exceeds the number of key attributes defined in the schema (1)",
        ),
        (cmp("=", p("sk"), v({"N": "1"})), COMPOSITE, TYPES_SN, "Query condition missed key schema element: pk"),
        (cmp("=", p("other"), v({"S": "1"})), HASH_ONLY, TYPES_SN, "Query condition missed key schema element: pk"),
        (
            And(PK, begins(p("lsi_sk"), v({"S": "1"}))),
            COMPOSITE,
            TYPES_SN,
            "Query condition missed key schema element: sk",
        ),
        (
            cmp("=", p("pk", "x"), v({"S": "1"})),
            HASH_ONLY,
            TYPES_SN,
            "Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes",
        ),
        (
            And(PK, Between(v({"N": "1"}), p("sk"), v({"N": "2"}))),
            COMPOSITE,
            TYPES_SN,
            "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: BETWEEN operator must have "
            "the key attribute as its first operand",
        ),
        (
            And(PK, begins(v({"S": "a"}), p("sk"))),
            COMPOSITE,
            TYPES_SS,
            "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: begins_with operator must "
            "have the key attribute as its first operand",
        ),
        (
            And(PK, Between(p("sk"), p("other"), Size(p("sk")))),
            COMPOSITE,
            TYPES_SN,
            "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: multiple attribute names "
            "used in one condition",
        ),
        (cmp(">", p("pk"), v({"S": "1"})), HASH_ONLY, TYPES_SN, "Query key condition not supported"),
        (begins(p("pk"), v({"S": "1"})), HASH_ONLY, TYPES_SN, "Query key condition not supported"),
        (
            Between(p("pk"), v({"S": "a"}), v({"S": "b"})),
            HASH_ONLY,
            TYPES_SN,
            "Query key condition not supported",
        ),
        (
            Or(PK, PK),
            COMPOSITE,
            TYPES_SN,
            "Invalid operator used in KeyConditionExpression: OR",
        ),
        (
            Not(PK),
            COMPOSITE,
            TYPES_SN,
            "Invalid operator used in KeyConditionExpression: NOT",
        ),
        (
            In(p("pk"), (v({"S": "a"}),)),
            COMPOSITE,
            TYPES_SN,
            "Invalid operator used in KeyConditionExpression: IN",
        ),
        (
            cmp("<>", p("pk"), v({"S": "a"})),
            COMPOSITE,
            TYPES_SN,
            "Invalid operator used in KeyConditionExpression: <>",
        ),
        (
            And(PK, Function(FunctionName.ATTRIBUTE_EXISTS, (p("sk"),))),
            COMPOSITE,
            TYPES_SN,
            "Invalid operator used in KeyConditionExpression: attribute_exists",
        ),
        (
            cmp("=", p("pk"), p("sk")),
            COMPOSITE,
            TYPES_SN,
            "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: multiple attribute names "
            "used in one condition",
        ),
        (
            And(PK, Between(p("sk"), v({"N": "9"}), v({"N": "1"}))),
            COMPOSITE,
            TYPES_SN,
            "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
            "lower bound; lower bound operand: AttributeValue: {N:9}, upper bound operand: AttributeValue: {N:1}",
        ),
        (
            cmp("=", v({"S": "a"}), v({"S": "a"})),
            COMPOSITE,
            TYPES_SN,
            "Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: No key attribute specified",
        ),
        (
            And(PK, cmp("=", Size(p("sk")), v({"N": "1"}))),
            COMPOSITE,
            TYPES_SN,
            "Invalid KeyConditionExpression: KeyConditionExpressions cannot contain nested operations",
        ),
    ],
)
def test_key_condition_errors(condition: Condition, key: KeySchema, types: dict[str, ScalarType], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        key_condition(condition, key, types)
    assert caught.value.message == message


def test_operand_type_is_reported_before_the_count() -> None:
    condition = And(And(PK, begins(p("sk"), v({"N": "1"}))), cmp(">", p("sk"), v({"S": "a"})))
    with pytest.raises(ValidationError) as caught:
        key_condition(condition, COMPOSITE, TYPES_SS)
    assert caught.value.message == operand("begins_with", "N")


@pytest.mark.parametrize(
    ("op", "values", "value", "expected"),
    [
        (None, (), None, True),
        ("=", ({"N": "5"},), {"N": "5.0"}, True),
        ("=", ({"N": "5"},), {"N": "6"}, False),
        ("<", ({"N": "5"},), {"N": "4"}, True),
        ("<", ({"N": "5"},), {"N": "5"}, False),
        ("<=", ({"N": "5"},), {"N": "5"}, True),
        (">", ({"S": "b"},), {"S": "c"}, True),
        (">", ({"S": "b"},), {"S": "B"}, False),
        (">=", ({"B": b"\x80"},), {"B": b"\x80"}, True),
        ("BETWEEN", ({"N": "1"}, {"N": "3"}), {"N": "3"}, True),
        ("BETWEEN", ({"N": "1"}, {"N": "3"}), {"N": "0.5"}, False),
        ("BETWEEN", ({"S": "a"}, {"S": "c"}), {"S": "bzz"}, True),
        ("begins_with", ({"S": "ab"},), {"S": "abc"}, True),
        ("begins_with", ({"S": "ab"},), {"S": "a"}, False),
        ("begins_with", ({"B": b"\x01"},), {"B": b"\x01\x02"}, True),
        ("=", ({"N": "5"},), None, False),
        ("<", ({"N": "5"},), {"S": "1"}, False),
    ],
)
def test_sort_matches(
    op: str | None, values: tuple[dict[str, Any], ...], value: dict[str, Any] | None, expected: bool
) -> None:
    condition = KeyCondition("pk", {"S": "q"}, None if op is None else "sk", op, values)
    assert condition.sort_matches(value) is expected
