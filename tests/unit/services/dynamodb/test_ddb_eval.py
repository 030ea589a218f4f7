"""Condition evaluation, the expression checks, and projections, on trees built directly from ``ast``."""

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
    Projection,
    Size,
)
from triggerfish.services.dynamodb.expressions.checks import check_condition
from triggerfish.services.dynamodb.expressions.evaluate import matches, project, resolve
from triggerfish.services.dynamodb.expressions.projection import check_projection


def p(*elements: str | int) -> Path:
    return Path(tuple(elements))


def v(value: dict[str, Any]) -> Literal:
    return Literal(value)


def cmp(op: str, left: Any, right: Any) -> Comparison:
    return Comparison(Comparator(op), left, right)


def fn(name: str, *args: Any) -> Function:
    return Function(FunctionName(name), tuple(args))


ITEM: dict[str, Any] = {
    "pk": {"S": "user#1"},
    "n": {"N": "10"},
    "s": {"S": "hello"},
    "uni": {"S": "é𝄞"},
    "b": {"B": b"\x01\x02\x03"},
    "ok": {"BOOL": True},
    "nothing": {"NULL": True},
    "tags": {"SS": ["red", "blue"]},
    "nums": {"NS": ["1", "2.5"]},
    "blobs": {"BS": [b"\x00", b"\x01"]},
    "list": {"L": [{"S": "a"}, {"N": "2"}, {"M": {"deep": {"S": "x"}}}]},
    "map": {"M": {"inner": {"M": {"v": {"N": "7"}}}, "arr": {"L": [{"N": "1"}]}}},
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (p("n"), {"N": "10"}),
        (p("missing"), None),
        (p("map", "inner", "v"), {"N": "7"}),
        (p("map", "arr", 0), {"N": "1"}),
        (p("map", "arr", 1), None),
        (p("list", 2, "deep"), {"S": "x"}),
        (p("list", 0, "deep"), None),
        (p("n", "x"), None),
        (p("n", 0), None),
        (p("map", 0), None),
        (p("list", "x"), None),
        (p("map", "nope", "v"), None),
    ],
)
def test_resolve(path: Path, value: dict[str, Any] | None) -> None:
    assert resolve(ITEM, path) == value


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (cmp("=", p("n"), v({"N": "10.0"})), True),
        (cmp("=", p("n"), v({"S": "10"})), False),
        (cmp("<>", p("n"), v({"S": "10"})), True),
        (cmp("<>", p("n"), v({"N": "10"})), False),
        (cmp("<>", p("missing"), v({"N": "10"})), True),
        (cmp("=", p("missing"), v({"N": "10"})), False),
        (cmp("<", p("n"), v({"N": "9.5"})), False),
        (cmp("<", p("n"), v({"N": "100"})), True),
        (cmp("<=", p("n"), v({"N": "10"})), True),
        (cmp(">", p("n"), v({"N": "-1"})), True),
        (cmp(">=", p("n"), v({"N": "11"})), False),
        (cmp("<", p("n"), v({"S": "11"})), False),
        (cmp(">", p("missing"), v({"N": "1"})), False),
        (cmp("<", p("s"), v({"S": "help"})), True),
        (cmp(">", p("b"), v({"B": b"\x01\x02"})), True),
        (cmp("<", p("tags"), v({"SS": ["z"]})), False),
        (cmp("=", p("tags"), v({"SS": ["blue", "red"]})), True),
        (cmp("=", p("map", "inner"), v({"M": {"v": {"N": "7.0"}}})), True),
        (cmp("=", p("list", 1), v({"N": "2"})), True),
        (cmp("=", p("n"), p("map", "inner", "v")), False),
        (cmp("<", p("map", "inner", "v"), p("n")), True),
        (cmp("=", v({"N": "1"}), v({"N": "1"})), True),
        (cmp("=", p("ok"), v({"BOOL": True})), True),
        (cmp("=", p("nothing"), v({"NULL": True})), True),
        (cmp("=", Size(p("s")), v({"N": "5"})), True),
        (cmp("=", Size(p("uni")), v({"N": "3"})), True),  # UTF-16 code units, as DynamoDB counts
        (cmp("=", Size(p("b")), v({"N": "3"})), True),
        (cmp("=", Size(p("tags")), v({"N": "2"})), True),
        (cmp("=", Size(p("list")), v({"N": "3"})), True),
        (cmp("=", Size(p("map")), v({"N": "2"})), True),
        (cmp(">", Size(p("n")), v({"N": "0"})), False),
        (cmp("<", Size(p("missing")), v({"N": "1"})), False),
        (cmp("<>", Size(p("n")), v({"N": "1"})), True),
        (Between(p("n"), v({"N": "1"}), v({"N": "10"})), True),
        (Between(p("n"), v({"N": "10"}), v({"N": "20"})), True),
        (Between(p("n"), v({"N": "11"}), v({"N": "20"})), False),
        (Between(p("s"), v({"S": "a"}), v({"S": "z"})), True),
        (Between(p("s"), v({"N": "1"}), v({"N": "20"})), False),
        (Between(p("missing"), v({"N": "1"}), v({"N": "20"})), False),
        (Between(p("n"), p("map", "inner", "v"), v({"N": "20"})), True),
        (In(p("n"), (v({"N": "1"}), v({"N": "10"}))), True),
        (In(p("n"), (v({"S": "10"}),)), False),
        (In(p("missing"), (v({"N": "1"}),)), False),
        (In(p("tags"), (v({"SS": ["red", "blue"]}),)), True),
        (fn("attribute_exists", p("n")), True),
        (fn("attribute_exists", p("missing")), False),
        (fn("attribute_exists", p("map", "inner", "v")), True),
        (fn("attribute_exists", p("list", 5)), False),
        (fn("attribute_exists", p("nothing")), True),
        (fn("attribute_not_exists", p("missing")), True),
        (fn("attribute_not_exists", p("n")), False),
        (fn("attribute_type", p("n"), v({"S": "N"})), True),
        (fn("attribute_type", p("n"), v({"S": "S"})), False),
        (fn("attribute_type", p("tags"), v({"S": "SS"})), True),
        (fn("attribute_type", p("nothing"), v({"S": "NULL"})), True),
        (fn("attribute_type", p("map"), v({"S": "M"})), True),
        (fn("attribute_type", p("missing"), v({"S": "S"})), False),
        (fn("begins_with", p("s"), v({"S": "he"})), True),
        (fn("begins_with", p("s"), v({"S": "lo"})), False),
        (fn("begins_with", p("s"), v({"S": ""})), True),
        (fn("begins_with", p("b"), v({"B": b"\x01"})), True),
        (fn("begins_with", p("b"), v({"S": "x"})), False),
        (fn("begins_with", p("n"), v({"S": "1"})), False),
        (fn("begins_with", p("missing"), v({"S": "1"})), False),
        (fn("contains", p("s"), v({"S": "ell"})), True),
        (fn("contains", p("s"), v({"S": "xyz"})), False),
        (fn("contains", p("tags"), v({"S": "red"})), True),
        (fn("contains", p("tags"), v({"S": "re"})), False),
        (fn("contains", p("nums"), v({"N": "2.50"})), True),
        (fn("contains", p("nums"), v({"N": "3"})), False),
        (fn("contains", p("blobs"), v({"B": b"\x01"})), True),
        (fn("contains", p("list"), v({"N": "2.0"})), True),
        (fn("contains", p("list"), v({"M": {"deep": {"S": "x"}}})), True),
        (fn("contains", p("list"), v({"S": "b"})), False),
        (fn("contains", p("b"), v({"B": b"\x02\x03"})), True),
        (fn("contains", p("n"), v({"N": "1"})), False),
        (fn("contains", p("missing"), v({"S": "a"})), False),
        (fn("contains", p("tags"), v({"N": "1"})), False),
        (fn("contains", p("s"), p("map", "nope")), False),
        (And(fn("attribute_exists", p("n")), cmp("=", p("s"), v({"S": "hello"}))), True),
        (And(fn("attribute_exists", p("n")), cmp("=", p("s"), v({"S": "bye"}))), False),
        (Or(fn("attribute_exists", p("missing")), cmp("=", p("s"), v({"S": "hello"}))), True),
        (Or(fn("attribute_exists", p("missing")), cmp("=", p("s"), v({"S": "bye"}))), False),
        (Not(fn("attribute_exists", p("missing"))), True),
        (Not(cmp("=", p("missing"), v({"N": "1"}))), True),
        (Not(Not(cmp("=", p("n"), v({"N": "10"})))), True),
    ],
)
def test_matches(condition: Condition, expected: bool) -> None:
    assert matches(condition, ITEM) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (fn("attribute_not_exists", p("pk")), True),
        (fn("attribute_exists", p("pk")), False),
        (cmp("<>", p("pk"), v({"S": "x"})), True),
        (cmp("=", p("pk"), v({"S": "x"})), False),
        (Not(cmp("=", p("pk"), v({"S": "x"}))), True),
    ],
)
def test_matches_without_an_item(condition: Condition, expected: bool) -> None:
    assert matches(condition, None) is expected


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        (
            cmp("<", p("a"), v({"BOOL": True})),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: <, operand type: BOOL",
        ),
        (
            cmp(">=", v({"M": {}}), p("a")),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: >=, operand type: M",
        ),
        (
            And(fn("attribute_exists", p("a")), Between(p("a"), v({"NULL": True}), v({"N": "1"}))),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: BETWEEN, operand type: NULL",
        ),
        (
            Between(p("a"), v({"N": "5"}), v({"N": "1"})),
            "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
            "lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}",
        ),
        (
            Between(p("a"), v({"N": "5"}), v({"S": "x"})),
            "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; "
            "lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {S:x}",
        ),
        (
            Not(fn("attribute_type", p("a"), v({"S": "STRING"}))),
            "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, "
            "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
        ),
        (
            Or(cmp("=", p("a"), v({"N": "1"})), fn("attribute_type", p("a"), v({"N": "1"}))),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: attribute_type, operand type: N",
        ),
        (
            fn("begins_with", p("a"), v({"N": "1"})),
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N",
        ),
    ],
)
def test_check_condition_rejects(condition: Condition, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_condition(condition, kind="ConditionExpression")
    assert caught.value.message == message


def test_check_condition_names_the_expression() -> None:
    with pytest.raises(ValidationError, match=r"^Invalid FilterExpression: Incorrect operand type"):
        check_condition(cmp(">", p("a"), v({"L": []})), kind="FilterExpression")


@pytest.mark.parametrize(
    "condition",
    [
        cmp("=", p("a"), v({"BOOL": True})),
        cmp("<>", p("a"), v({"L": []})),
        cmp("<", p("a"), v({"B": b"x"})),
        cmp("<", Size(p("a")), p("b")),
        Between(p("a"), v({"S": "a"}), v({"S": "a"})),
        Between(p("a"), p("b"), v({"S": "a"})),
        fn("attribute_type", p("a"), v({"S": "BOOL"})),
        fn("begins_with", p("a"), v({"B": b"x"})),
        fn("contains", p("a"), v({"M": {}})),
        In(p("a"), (v({"BOOL": True}),)),
    ],
)
def test_check_condition_accepts(condition: Condition) -> None:
    check_condition(condition, kind="ConditionExpression")


@pytest.mark.parametrize(
    ("paths", "projected"),
    [
        ([p("n")], {"n": {"N": "10"}}),
        ([p("n"), p("missing")], {"n": {"N": "10"}}),
        ([p("map", "inner", "v")], {"map": {"M": {"inner": {"M": {"v": {"N": "7"}}}}}}),
        (
            [p("map", "inner", "v"), p("map", "arr")],
            {"map": {"M": {"inner": {"M": {"v": {"N": "7"}}}, "arr": {"L": [{"N": "1"}]}}}},
        ),
        ([p("list", 1)], {"list": {"L": [{"N": "2"}]}}),
        ([p("list", 2), p("list", 0)], {"list": {"L": [{"S": "a"}, {"M": {"deep": {"S": "x"}}}]}}),
        ([p("list", 2, "deep")], {"list": {"L": [{"M": {"deep": {"S": "x"}}}]}}),
        ([p("list", 7)], {}),
        ([p("map", "nope")], {}),
        ([p("n", "x")], {}),
        ([p("map"), p("map", "inner")], {"map": ITEM["map"]}),
        ([p("map", "inner"), p("map")], {"map": ITEM["map"]}),
    ],
)
def test_project(paths: list[Path], projected: dict[str, Any]) -> None:
    assert project(Projection(tuple(paths)), ITEM) == projected


def test_project_does_not_share_mutable_containers_with_the_item() -> None:
    result = project(Projection((p("map", "inner", "v"),)), ITEM)
    result["map"]["M"]["inner"]["M"]["v"] = {"N": "0"}
    assert ITEM["map"]["M"]["inner"]["M"]["v"] == {"N": "7"}


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        (
            [p("a"), p("a", "b")],
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [a], path two: [a, b]",
        ),
        (
            [p("a", "b"), p("a", "b")],
            "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [a, b], path two: [a, b]",
        ),
        (
            [p("a", 0), p("a", "b")],
            "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of "
            "these paths; path one: [a, [0]], path two: [a, b]",
        ),
    ],
)
def test_check_projection(paths: list[Path], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_projection(Projection(tuple(paths)))
    assert caught.value.message == message


def test_check_projection_accepts_siblings() -> None:
    check_projection(Projection((p("a", 0), p("a", 1), p("b", "c"), p("b", "d"))))
