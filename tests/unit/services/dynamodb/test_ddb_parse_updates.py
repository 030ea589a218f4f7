"""Parsing UpdateExpression and ProjectionExpression: sections, SET values, functions, paths, and AWS's errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions import Expressions
from triggerfish.services.dynamodb.expressions.ast import (
    AddAction,
    Arithmetic,
    DeleteAction,
    IfNotExists,
    ListAppend,
    Literal,
    Path,
    Projection,
    RemoveAction,
    SetAction,
    Update,
)

VALUES: dict[str, Any] = {
    ":s": {"S": "x"},
    ":n": {"N": "1"},
    ":l": {"L": [{"S": "a"}]},
    ":ss": {"SS": ["a"]},
    ":ns": {"NS": ["1"]},
    ":bs": {"BS": [b"a"]},
    ":b": {"B": b"a"},
    ":bool": {"BOOL": False},
    ":null": {"NULL": True},
    ":m": {"M": {}},
}
NAMES = {"#a": "a", "#b": "b", "#c": "c", "#d": "[3]", "#status": "status"}


def update(text: str, names: Mapping[str, str] | None = None) -> Update:
    return Expressions(NAMES if names is None else names, VALUES).update(text)


def error(text: str, names: Mapping[str, str] | None = None) -> str:
    with pytest.raises(ValidationError) as info:
        update(text, names)
    return info.value.message


def path(*elements: str | int, text: str) -> Path:
    return Path(elements, text)


N = Literal({"N": "1"}, ":n")


# -- what parses ----------------------------------------------------------------------------------


def test_set_a_value() -> None:
    assert update("SET a = :n") == Update((SetAction(path("a", text="a"), N),))


def test_set_several_values() -> None:
    result = update("SET a = :n, b.c = :s, d[1] = :n")
    assert [action.path.elements for action in result.actions] == [("a",), ("b", "c"), ("d", 1)]


def test_set_from_another_path() -> None:
    assert update("SET a = b.c[2]").actions[0] == SetAction(path("a", text="a"), path("b", "c", 2, text="b.c[2]"))


@pytest.mark.parametrize("op", ["+", "-"])
def test_set_arithmetic(op: str) -> None:
    action = update(f"SET a = a {op} :n").actions[0]
    assert action == SetAction(path("a", text="a"), Arithmetic(op, path("a", text="a"), N))


def test_arithmetic_of_two_values_and_without_spaces() -> None:
    action = update("SET a=:n-:n").actions[0]
    assert isinstance(action, SetAction) and action.value == Arithmetic("-", N, N)


def test_if_not_exists() -> None:
    action = update("SET a = if_not_exists(a, :n)").actions[0]
    assert isinstance(action, SetAction)
    assert action.value == IfNotExists(path("a", text="a"), N)


def test_list_append() -> None:
    action = update("SET a = list_append(a, :l)").actions[0]
    assert isinstance(action, SetAction)
    assert action.value == ListAppend(path("a", text="a"), Literal(VALUES[":l"], ":l"))


def test_list_append_with_the_value_first() -> None:
    action = update("SET a = list_append(:l, a)").actions[0]
    assert isinstance(action, SetAction) and isinstance(action.value, ListAppend)
    assert isinstance(action.value.first, Literal)


def test_functions_nest_and_combine_with_arithmetic() -> None:
    action = update("SET a = list_append(if_not_exists(a, :l), :l), b = if_not_exists(b, :n) + :n").actions
    assert isinstance(action[0], SetAction) and isinstance(action[0].value, ListAppend)
    assert isinstance(action[0].value.first, IfNotExists)
    assert isinstance(action[1], SetAction) and isinstance(action[1].value, Arithmetic)
    assert isinstance(action[1].value.left, IfNotExists)


def test_parentheses_around_a_value_or_an_operand() -> None:
    assert update("SET a = (b + :n)").actions == update("SET a = b + :n").actions
    assert update("SET a = (b) + (:n)").actions == update("SET a = b + :n").actions
    assert update("SET a = (:n)").actions == update("SET a = :n").actions


def test_remove() -> None:
    result = update("REMOVE a, b[0], #c.d")
    assert result.actions == (
        RemoveAction(path("a", text="a")),
        RemoveAction(path("b", 0, text="b[0]")),
        RemoveAction(path("c", "d", text="#c.d")),
    )


def test_add_and_delete() -> None:
    result = update("ADD a :n, b :ss DELETE c :ns")
    assert result.actions == (
        AddAction(path("a", text="a"), N),
        AddAction(path("b", text="b"), Literal({"SS": ["a"]}, ":ss")),
        DeleteAction(path("c", text="c"), Literal({"NS": ["1"]}, ":ns")),
    )


def test_all_four_sections_in_any_order_keep_the_order_written() -> None:
    result = update("DELETE d :ss ADD c :n REMOVE b SET a = :s")
    kinds = [type(action) for action in result.actions]
    assert kinds == [DeleteAction, AddAction, RemoveAction, SetAction]


@pytest.mark.parametrize("text", ["set a = :n remove b", "Set a = :n ReMoVe b", "SET a = :n REMOVE b"])
def test_section_keywords_are_case_insensitive(text: str) -> None:
    assert len(update(text).actions) == 2


def test_placeholders_resolve_and_keep_the_text_written() -> None:
    action = update("SET #status = :s").actions[0]
    assert action == SetAction(Path(("status",), "#status"), Literal({"S": "x"}, ":s"))


def test_a_name_that_contains_brackets_is_one_element() -> None:
    action = update("REMOVE #c.#d").actions[0]
    assert action.path.elements == ("c", "[3]")


def test_add_and_delete_take_sets() -> None:
    update("ADD a :ns, b :bs DELETE c :bs, d :ss")


# -- syntax errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [
        ("INVALID SYNTAX HERE", "INVALID", "INVALID SYNTAX"),
        ("whatever", "whatever", "whatever"),
        ("SET", "<EOF>", "SET"),
        ("set a", "<EOF>", "a"),
        ("SET a = ", "<EOF>", "= "),
        ("add a", "<EOF>", "a"),
        ("delete a", "<EOF>", "a"),
        ("set a=set", "set", "=set"),
        ("remove a = b", "=", "a = b"),
        ("add a = :n", "=", "a = :n"),
        ("delete a b", "b", "a b"),
        ("delete a if_not_exists(b)", "if_not_exists", "a if_not_exists("),
        ("add abort b", "b", "abort b"),
        ("remove a b", "b", "a b"),
        ("set a b", "b", "a b"),
        ("set :a = b", ":a", "set :a ="),
        ("remove :a", ":a", "remove :a"),
        ("set a = b / c", "/", "b / c"),
        ("set a = b * c", "*", "b * c"),
        ('set a[1] = "eight"', '"', '= "eight'),
        ("set a[1] = 1", "1", "= 1"),
        ("SET a = if_not_exists(a, 100)", "100", ", 100)"),
        ("SET if_not_exists(a, b) = a", "(", "if_not_exists(a"),
        ("set (a = (b + c))", "(", "set (a"),
        ("set a = (b.c).d + e", ".", ").d"),
        ("set a = (b.c)[0] + e", "[", ")[0"),
        ("set a = b + c + d", "+", "c + d"),
        ("set a = b + :n,", "<EOF>", ","),
        ("SET a = :n SET", "<EOF>", "SET"),
        ("SET a = :n, REMOVE b", "REMOVE", ", REMOVE b"),
        ("set a = (((b)))", "(", "((b"),
        ("set a = list_append(a, b + c)", "+", "b + c"),
        ("SET a = :n :n", ":n", ":n :n"),
        ("set a = -:n", "-", "= -:n"),
    ],
)
def test_syntax_errors(text: str, token: str, near: str) -> None:
    assert error(text) == f'Invalid UpdateExpression: Syntax error; token: "{token}", near: "{near}"'


def test_an_empty_update() -> None:
    assert error("  ") == "Invalid UpdateExpression: The expression can not be empty;"


def test_an_update_over_4_kb() -> None:
    text = "SET " + ", ".join(f"attribute_name_{i:04} = :n" for i in range(200))
    assert error(text).startswith("Invalid UpdateExpression: Expression size has exceeded the maximum allowed size")


# -- errors of a well-formed text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [
        (" set #c = :n set abOrt = :n ", "abOrt"),
        (" remove Absolute ", "Absolute"),
        ("SET a.status = :n", "status"),
        ("SET a = if_not_exists(name, :n)", "name"),
        ("ADD count :n", "count"),
    ],
)
def test_reserved_words(text: str, word: str) -> None:
    assert error(text) == f"Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: {word}"


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("set a = #c set c = :n", "SET"),
        ("remove #d set a = b remove e", "REMOVE"),
        ("add #d :n set a = b add e :n", "ADD"),
        ("delete #d :ss set a = b delete #c :ss", "DELETE"),
    ],
)
def test_a_section_used_twice(text: str, section: str) -> None:
    assert error(text) == (
        f'Invalid UpdateExpression: The "{section}" section can only be used once in an update expression;'
    )


@pytest.mark.parametrize(
    ("text", "function"),
    [
        ("set a = if_not_exist(a, :n)", "if_not_exist"),
        ("set a = size(b)", "size"),
        ("set a = attribute_exists(b)", "attribute_exists"),
        ("set a = list_append(foo(b), :l)", "foo"),
    ],
)
def test_unknown_functions(text: str, function: str) -> None:
    assert error(text) == f"Invalid UpdateExpression: Invalid function name; function: {function}"


@pytest.mark.parametrize(
    ("text", "one", "two"),
    [
        ("set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)", "[c, [1], a]", "[c]"),
        ("set c.b.#c = a, c = a, #d = a", "[c, b, c]", "[c]"),
        ("set a = b remove a, #c, #d", "[a]", "[a]"),
        ("set #c[3].#d = a, #c[3] = a", "[c, [3], [3]]", "[c, [3]]"),
        ("remove c, #c.a, #d", "[c]", "[c, a]"),
        ("remove a, #c, a, #d", "[a]", "[a]"),
        ("SET a = :n ADD a :n", "[a]", "[a]"),
    ],
)
def test_overlapping_paths(text: str, one: str, two: str) -> None:
    assert error(text) == (
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these "
        f"paths; path one: {one}, path two: {two}"
    )


@pytest.mark.parametrize(
    ("text", "one", "two"),
    [
        ("set #c[3].#d = a, #c.#d[3] = if_not_exists(a, b)", "[c, [3], [3]]", "[c, [3], [3]]"),
        ("remove a.#c set a[1] = #d", "[a, c]", "[a, [1]]"),
    ],
)
def test_conflicting_paths(text: str, one: str, two: str) -> None:
    names = {"#b": "b", "#c": "c", "#d": "[3]"}
    assert error(text, names) == (
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these "
        f"paths; path one: {one}, path two: {two}"
    )


def test_paths_that_share_a_prefix_are_fine() -> None:
    update("SET a.b = :n, a.c = :n, l[0] = :n, l[1] = :n REMOVE a.d")


@pytest.mark.parametrize(
    ("text", "function", "count"),
    [
        ("set a = if_not_exists(c)", "if_not_exists", 1),
        ("set a = list_append(c)", "list_append", 1),
        ("set a = list_append(a, b, c)", "list_append", 3),
    ],
)
def test_wrong_numbers_of_operands(text: str, function: str, count: int) -> None:
    assert error(text) == (
        "Invalid UpdateExpression: Incorrect number of operands for operator or function; "
        f"operator or function: {function}, number of operands: {count}"
    )


@pytest.mark.parametrize("text", ["set a = if_not_exists(:n, c)", "set a = if_not_exists(if_not_exists(a, b), c)"])
def test_if_not_exists_needs_a_path(text: str) -> None:
    assert error(text) == (
        "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists"
    )


@pytest.mark.parametrize(
    ("text", "function", "kind"),
    [
        ("set a = list_append(:s, a)", "list_append", "S"),
        ("set a = list_append(a, :n)", "list_append", "N"),
        ("set a = list_append(:m, a)", "list_append", "M"),
        ("set a = list_append(:ss, a)", "list_append", "SS"),
        ("set a = a + :s", "+", "S"),
        ("set a = :b + a", "+", "B"),
        ("set a = a + :bool", "+", "BOOL"),
        ("set a = a + :l", "+", "L"),
        ("set a = a - :null", "-", "NULL"),
        ("set a = a - :ns", "-", "NS"),
    ],
)
def test_operand_types_of_functions_and_arithmetic(text: str, function: str, kind: str) -> None:
    assert error(text) == (
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        f"operator or function: {function}, operand type: {kind}"
    )


@pytest.mark.parametrize(("text", "operator"), [("ADD a :s", "ADD"), ("DELETE a :n", "DELETE")])
def test_add_and_delete_operand_types(text: str, operator: str) -> None:
    assert error(text).startswith(
        f"Invalid UpdateExpression: Incorrect operand type for operator or function; operator: {operator}, "
    )


def test_undefined_names_before_undefined_values() -> None:
    assert error("SET a = :x, #x = :n").endswith("attribute name: #x")
    assert error("SET #a = if_not_exists(:x)").endswith("attribute value: :x")


def test_the_order_of_errors() -> None:
    # reserved words, then unknown functions, then repeated sections, then placeholders, then paths, then functions
    assert error("set #x = foo(:n) set status = :x").endswith("reserved keyword: status")
    assert error("set #x = foo(:n) set a = :x").endswith("function: foo")
    assert error("set #x = :x set a = :n").endswith("only be used once in an update expression;")
    assert error("set a = if_not_exists(a), a = :x").endswith("attribute value: :x")
    assert "overlap" in error("set a = if_not_exists(a), a = :n")


# -- ProjectionExpression -------------------------------------------------------------------------


def projection(text: str, names: Mapping[str, str] | None = None) -> Projection:
    return Expressions(names, None).projection(text)


def projection_error(text: str, names: Mapping[str, str] | None = None) -> str:
    with pytest.raises(ValidationError) as info:
        projection(text, names)
    return info.value.message


def test_projection_paths() -> None:
    result = projection("a, b.c, d[0], #s.e", {"#s": "status"})
    assert result == Projection(
        (
            Path(("a",), "a"),
            Path(("b", "c"), "b.c"),
            Path(("d", 0), "d[0]"),
            Path(("status", "e"), "#s.e"),
        )
    )


def test_a_single_projection_path() -> None:
    assert projection("a") == Projection((Path(("a",), "a"),))


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [("a,", "<EOF>", ","), ("a b", "b", "a b"), ("!!", "!", "!!"), ("a,,b", ",", ",,b"), (":v", ":v", ":v")],
)
def test_projection_syntax_errors(text: str, token: str, near: str) -> None:
    assert projection_error(text) == f'Invalid ProjectionExpression: Syntax error; token: "{token}", near: "{near}"'


def test_projection_errors() -> None:
    assert projection_error("") == "Invalid ProjectionExpression: The expression can not be empty;"
    assert projection_error("a, status") == (
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: status"
    )
    assert projection_error("#x") == (
        "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #x"
    )
    assert projection_error("a.b, a") == (
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
        "these paths; path one: [a, b], path two: [a]"
    )
    assert projection_error("a[0], a.b") == (
        "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of "
        "these paths; path one: [a, [0]], path two: [a, b]"
    )
