"""UpdateExpression application on trees built directly from ``ast``."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import (
    AddAction,
    Arithmetic,
    DeleteAction,
    IfNotExists,
    ListAppend,
    Literal,
    Path,
    RemoveAction,
    SetAction,
    Update,
    UpdateAction,
)
from triggerfish.services.dynamodb.expressions.evaluate import apply_update

WRONG_TYPE = "An operand in the update expression has an incorrect data type"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
BAD_PATH = "The document path provided in the update expression is invalid for update"
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"


def p(*elements: str | int) -> Path:
    return Path(tuple(elements))


def v(value: dict[str, Any]) -> Literal:
    return Literal(value)


def upd(*actions: UpdateAction) -> Update:
    return Update(tuple(actions))


BASE: dict[str, Any] = {
    "pk": {"S": "k"},
    "n": {"N": "10"},
    "s": {"S": "x"},
    "tags": {"SS": ["a", "b"]},
    "nums": {"NS": ["1", "2"]},
    "blobs": {"BS": [b"\x00"]},
    "list": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]},
    "map": {"M": {"inner": {"M": {"v": {"N": "1"}}}, "arr": {"L": [{"N": "1"}]}}},
}


def run(*actions: UpdateAction, item: dict[str, Any] | None = None) -> dict[str, Any]:
    source = copy.deepcopy(BASE) if item is None else item
    before = copy.deepcopy(source)
    result = apply_update(upd(*actions), source)
    assert source == before, "apply_update must not mutate its input"
    return result


@pytest.mark.parametrize(
    ("actions", "path", "value"),
    [
        ([SetAction(p("new"), v({"S": "y"}))], "new", {"S": "y"}),
        ([SetAction(p("n"), v({"BOOL": False}))], "n", {"BOOL": False}),
        ([SetAction(p("copy"), p("s"))], "copy", {"S": "x"}),
        ([SetAction(p("n"), Arithmetic("+", p("n"), v({"N": "0.5"})))], "n", {"N": "10.5"}),
        ([SetAction(p("n"), Arithmetic("-", p("n"), v({"N": "10"})))], "n", {"N": "0"}),
        ([SetAction(p("n"), Arithmetic("-", v({"N": "1"}), p("n")))], "n", {"N": "-9"}),
        ([SetAction(p("n"), Arithmetic("+", p("n"), v({"N": "0.1"})))], "n", {"N": "10.1"}),
        ([SetAction(p("z"), Arithmetic("+", v({"N": "1E125"}), v({"N": "1E-100"})))], "z", None),
        ([SetAction(p("c"), IfNotExists(p("c"), v({"N": "0"})))], "c", {"N": "0"}),
        ([SetAction(p("n"), IfNotExists(p("n"), v({"N": "0"})))], "n", {"N": "10"}),
        ([SetAction(p("c"), Arithmetic("+", IfNotExists(p("c"), v({"N": "0"})), v({"N": "1"})))], "c", {"N": "1"}),
        (
            [SetAction(p("list"), ListAppend(p("list"), v({"L": [{"S": "d"}]})))],
            "list",
            {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]},
        ),
        (
            [SetAction(p("list"), ListAppend(v({"L": [{"S": "z"}]}), p("list")))],
            "list",
            {"L": [{"S": "z"}, {"S": "a"}, {"S": "b"}, {"S": "c"}]},
        ),
        (
            [SetAction(p("l2"), ListAppend(IfNotExists(p("l2"), v({"L": []})), v({"L": [{"N": "1"}]})))],
            "l2",
            {"L": [{"N": "1"}]},
        ),
        ([SetAction(p("list", 1), v({"S": "B"}))], "list", {"L": [{"S": "a"}, {"S": "B"}, {"S": "c"}]}),
        ([SetAction(p("list", 10), v({"S": "d"}))], "list", {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}]}),
        (
            [SetAction(p("list", 11), v({"S": "e"})), SetAction(p("list", 10), v({"S": "d"}))],
            "list",
            {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}, {"S": "e"}]},
        ),
        (
            [SetAction(p("map", "inner", "v"), v({"N": "2"}))],
            "map",
            {"M": {"inner": {"M": {"v": {"N": "2"}}}, "arr": {"L": [{"N": "1"}]}}},
        ),
        (
            [SetAction(p("map", "new"), v({"NULL": True}))],
            "map",
            {"M": {"inner": {"M": {"v": {"N": "1"}}}, "arr": {"L": [{"N": "1"}]}, "new": {"NULL": True}}},
        ),
        (
            [SetAction(p("map", "arr", 0), v({"N": "5"}))],
            "map",
            {"M": {"inner": {"M": {"v": {"N": "1"}}}, "arr": {"L": [{"N": "5"}]}}},
        ),
        ([SetAction(p("a"), p("s")), SetAction(p("s"), v({"S": "new"}))], "a", {"S": "x"}),
        (
            [SetAction(p("s"), v({"S": "new"})), SetAction(p("a"), p("s"))],
            "a",
            {"S": "x"},
        ),  # right sides read the old item
        ([RemoveAction(p("s"))], "s", None),
        ([RemoveAction(p("missing"))], "missing", None),
        ([RemoveAction(p("list", 1))], "list", {"L": [{"S": "a"}, {"S": "c"}]}),
        ([RemoveAction(p("list", 0)), RemoveAction(p("list", 1))], "list", {"L": [{"S": "c"}]}),
        ([RemoveAction(p("list", 1)), RemoveAction(p("list", 0))], "list", {"L": [{"S": "c"}]}),
        ([RemoveAction(p("list", 9))], "list", {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}),
        ([RemoveAction(p("list", 0)), SetAction(p("list", 2), v({"S": "C"}))], "list", {"L": [{"S": "b"}, {"S": "C"}]}),
        (
            [RemoveAction(p("list", 0)), SetAction(p("list", 5), v({"S": "d"}))],
            "list",
            {"L": [{"S": "b"}, {"S": "c"}, {"S": "d"}]},
        ),
        ([RemoveAction(p("map", "inner", "v"))], "map", {"M": {"inner": {"M": {}}, "arr": {"L": [{"N": "1"}]}}}),
        ([RemoveAction(p("map", "inner", "nope"))], "map", BASE["map"]),
        ([AddAction(p("n"), v({"N": "5"}))], "n", {"N": "15"}),
        ([AddAction(p("n"), v({"N": "-10.0"}))], "n", {"N": "0"}),
        ([AddAction(p("count"), v({"N": "3"}))], "count", {"N": "3"}),
        ([AddAction(p("tags"), v({"SS": ["b", "c"]}))], "tags", {"SS": ["a", "b", "c"]}),
        ([AddAction(p("nums"), v({"NS": ["2.0", "3"]}))], "nums", {"NS": ["1", "2", "3"]}),
        ([AddAction(p("blobs"), v({"BS": [b"\x01"]}))], "blobs", {"BS": [b"\x00", b"\x01"]}),
        ([AddAction(p("fresh"), v({"SS": ["z"]}))], "fresh", {"SS": ["z"]}),
        (
            [AddAction(p("map", "inner", "v"), v({"N": "1"}))],
            "map",
            {"M": {"inner": {"M": {"v": {"N": "2"}}}, "arr": {"L": [{"N": "1"}]}}},
        ),
        ([DeleteAction(p("tags"), v({"SS": ["a", "zz"]}))], "tags", {"SS": ["b"]}),
        ([DeleteAction(p("tags"), v({"SS": ["a", "b"]}))], "tags", None),
        ([DeleteAction(p("nums"), v({"NS": ["1.0"]}))], "nums", {"NS": ["2"]}),
        ([DeleteAction(p("blobs"), v({"BS": [b"\x00"]}))], "blobs", None),
        ([DeleteAction(p("missing"), v({"SS": ["a"]}))], "missing", None),
    ],
)
def test_apply_update(actions: list[UpdateAction], path: str, value: dict[str, Any] | None) -> None:
    if path == "z":
        with pytest.raises(ValidationError, match="38 significant digits"):
            run(*actions)
        return
    assert run(*actions).get(path) == value


def test_update_of_a_new_item() -> None:
    result = apply_update(upd(SetAction(p("a"), v({"S": "x"})), AddAction(p("c"), v({"N": "1"}))), {})
    assert result == {"a": {"S": "x"}, "c": {"N": "1"}}


def test_untouched_attributes_stay() -> None:
    result = run(SetAction(p("s"), v({"S": "y"})))
    assert {name: value for name, value in result.items() if name != "s"} == {
        name: value for name, value in BASE.items() if name != "s"
    }


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ([SetAction(p("a"), p("missing"))], MISSING),
        ([SetAction(p("a"), Arithmetic("+", p("missing"), v({"N": "1"})))], MISSING),
        ([SetAction(p("a"), ListAppend(p("missing"), v({"L": []})))], MISSING),
        ([SetAction(p("a"), Arithmetic("+", p("s"), v({"N": "1"})))], WRONG_TYPE),
        ([SetAction(p("a"), Arithmetic("-", p("n"), v({"S": "1"})))], WRONG_TYPE),
        ([SetAction(p("a"), ListAppend(p("s"), v({"L": []})))], WRONG_TYPE),
        ([SetAction(p("a"), ListAppend(p("list"), v({"SS": ["x"]})))], WRONG_TYPE),
        ([SetAction(p("a"), Arithmetic("+", v({"N": "9.9E125"}), v({"N": "1E125"})))], OVERFLOW),
        ([SetAction(p("missing", "b"), v({"S": "x"}))], BAD_PATH),
        ([SetAction(p("s", "b"), v({"S": "x"}))], BAD_PATH),
        ([SetAction(p("map", 0), v({"S": "x"}))], BAD_PATH),
        ([SetAction(p("list", "x"), v({"S": "x"}))], BAD_PATH),
        ([SetAction(p("missing", 0), v({"S": "x"}))], BAD_PATH),
        ([SetAction(p("map", "nope", "deeper"), v({"S": "x"}))], BAD_PATH),
        ([RemoveAction(p("missing", "b"))], BAD_PATH),
        ([RemoveAction(p("s", 0))], BAD_PATH),
        ([AddAction(p("missing", "b"), v({"N": "1"}))], BAD_PATH),
        ([AddAction(p("s"), v({"N": "1"}))], WRONG_TYPE),
        ([AddAction(p("tags"), v({"NS": ["1"]}))], WRONG_TYPE),
        ([AddAction(p("n"), v({"SS": ["1"]}))], WRONG_TYPE),
        ([DeleteAction(p("s"), v({"SS": ["x"]}))], WRONG_TYPE),
        ([DeleteAction(p("tags"), v({"BS": [b"x"]}))], WRONG_TYPE),
        (
            [AddAction(p("a"), v({"S": "x"}))],
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: "
            "STRING, typeSet: ALLOWED_FOR_ADD_OPERAND",
        ),
        (
            [AddAction(p("a"), v({"M": {}}))],
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: "
            "MAP, typeSet: ALLOWED_FOR_ADD_OPERAND",
        ),
        (
            [DeleteAction(p("a"), v({"N": "1"}))],
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand "
            "type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND",
        ),
        (
            [SetAction(p("a"), v({"S": "x"})), RemoveAction(p("a"))],
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [a], path two: [a]",
        ),
        (
            [SetAction(p("map", "inner"), v({"S": "x"})), SetAction(p("map", "inner", "v"), v({"S": "y"}))],
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [map, inner], path two: [map, inner, v]",
        ),
        (
            [SetAction(p("list", 0), v({"S": "x"})), RemoveAction(p("list", "x"))],
            "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of "
            "these paths; path one: [list, [0]], path two: [list, x]",
        ),
    ],
)
def test_update_errors(actions: list[UpdateAction], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run(*actions)
    assert caught.value.message == message


def test_siblings_do_not_overlap() -> None:
    result = run(SetAction(p("map", "a"), v({"N": "1"})), SetAction(p("map", "b"), v({"N": "2"})))
    assert result["map"]["M"]["a"] == {"N": "1"}
    assert result["map"]["M"]["b"] == {"N": "2"}


def test_nested_write_copies_only_what_it_touches() -> None:
    source = copy.deepcopy(BASE)
    result = apply_update(upd(SetAction(p("map", "inner", "v"), v({"N": "9"}))), source)
    assert result["map"]["M"]["arr"] is source["map"]["M"]["arr"]
    assert result["map"]["M"]["inner"] is not source["map"]["M"]["inner"]
    assert source["map"]["M"]["inner"]["M"]["v"] == {"N": "1"}
