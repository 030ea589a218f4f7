"""Parsing ConditionExpression, FilterExpression and KeyConditionExpression: the grammar, precedence, resolved
placeholders, and AWS's error messages in AWS's order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions import Expressions
from triggerfish.services.dynamodb.expressions.ast import (
    And,
    Between,
    Comparator,
    Comparison,
    Function,
    FunctionName,
    In,
    Literal,
    Not,
    Or,
    Path,
    Size,
)

VALUES: dict[str, Any] = {
    ":s": {"S": "x"},
    ":t": {"S": "y"},
    ":n": {"N": "1"},
    ":m": {"N": "10"},
    ":b": {"B": b"\x01"},
    ":bool": {"BOOL": True},
    ":null": {"NULL": True},
    ":l": {"L": []},
    ":type": {"S": "SS"},
    ":badtype": {"S": "STRING"},
}
NAMES = {"#a": "a", "#b": "b", "#status": "status", "#dot": "x.y"}


def parse(text: str, kind: str = "ConditionExpression", names: Mapping[str, str] | None = None) -> Any:
    return Expressions(names if names is not None else NAMES, VALUES).condition(text, kind=kind)


def error(text: str, kind: str = "ConditionExpression", names: Mapping[str, str] | None = None) -> str:
    with pytest.raises(ValidationError) as info:
        parse(text, kind, names)
    return info.value.message


def p(*elements: str | int) -> tuple[str | int, ...]:
    return elements


# -- what parses, and into what -----------------------------------------------------------------


@pytest.mark.parametrize("op", ["=", "<>", "<", "<=", ">", ">="])
def test_every_comparator(op: str) -> None:
    tree = parse(f"a {op} :n")
    assert isinstance(tree, Comparison)
    assert tree.op is Comparator(op)
    assert tree.left == Path(("a",), "a")
    assert tree.right == Literal({"N": "1"}, ":n")


def test_no_spaces_are_needed_between_tokens() -> None:
    tree = parse("a<=:n")
    assert isinstance(tree, Comparison) and tree.op is Comparator.LE


def test_value_on_the_left_and_path_on_the_right() -> None:
    tree = parse(":n < a")
    assert isinstance(tree, Comparison)
    assert isinstance(tree.left, Literal) and isinstance(tree.right, Path)


def test_two_paths() -> None:
    tree = parse("a = b")
    assert isinstance(tree, Comparison)
    assert tree.right == Path(("b",), "b")


def test_between() -> None:
    tree = parse("a BETWEEN :n AND :m")
    assert tree == Between(Path(("a",), "a"), Literal({"N": "1"}, ":n"), Literal({"N": "10"}, ":m"))


def test_in_with_one_and_with_several_operands() -> None:
    assert parse("a IN (:n)") == In(Path(("a",), "a"), (Literal({"N": "1"}, ":n"),))
    tree = parse("a IN (:n, :m, b)")
    assert isinstance(tree, In)
    assert [type(option) for option in tree.options] == [Literal, Literal, Path]


def test_in_accepts_a_hundred_operands() -> None:
    values = {f":v{i}": {"N": str(i)} for i in range(100)}
    tree = Expressions(None, values).condition(f"a IN ({', '.join(values)})", kind="FilterExpression")
    assert isinstance(tree, In) and len(tree.options) == 100


@pytest.mark.parametrize("text", ["a between :n and :m", "a BeTwEeN :n AnD :m"])
def test_keywords_are_case_insensitive(text: str) -> None:
    assert isinstance(parse(text), Between)


def test_lowercase_and_or_not() -> None:
    tree = parse("not a = :n and b = :n or c = :n")
    assert isinstance(tree, Or)
    assert isinstance(tree.left, And)
    assert isinstance(tree.left.left, Not)


@pytest.mark.parametrize(
    ("text", "name", "count"),
    [
        ("attribute_exists(a)", FunctionName.ATTRIBUTE_EXISTS, 1),
        ("attribute_not_exists(#a)", FunctionName.ATTRIBUTE_NOT_EXISTS, 1),
        ("attribute_type(a, :type)", FunctionName.ATTRIBUTE_TYPE, 2),
        ("begins_with(a, :s)", FunctionName.BEGINS_WITH, 2),
        ("begins_with(a, :b)", FunctionName.BEGINS_WITH, 2),
        ("contains(a, :s)", FunctionName.CONTAINS, 2),
        ("contains(a, b)", FunctionName.CONTAINS, 2),
    ],
)
def test_functions(text: str, name: FunctionName, count: int) -> None:
    tree = parse(text)
    assert isinstance(tree, Function)
    assert tree.name is name
    assert len(tree.args) == count
    assert tree.args[0] == Path(("a",), tree.args[0].text) if isinstance(tree.args[0], Path) else False


def test_size_as_an_operand() -> None:
    tree = parse("size(a.b) > :n")
    assert isinstance(tree, Comparison)
    assert tree.left == Size(Path(("a", "b"), "a.b"))


def test_size_on_both_sides_and_in_between() -> None:
    assert isinstance(parse("size(a) = size(b)"), Comparison)
    tree = parse("size(a) BETWEEN :n AND size(b)")
    assert isinstance(tree, Between) and isinstance(tree.high, Size)


def test_size_as_a_function_argument() -> None:
    tree = parse("contains(a, size(b))")
    assert isinstance(tree, Function) and isinstance(tree.args[1], Size)


# -- precedence ---------------------------------------------------------------------------------


def test_and_binds_tighter_than_or() -> None:
    tree = parse("a = :n OR b = :n AND c = :n")
    assert isinstance(tree, Or)
    assert isinstance(tree.right, And)


def test_and_binds_tighter_than_or_on_the_left_too() -> None:
    tree = parse("a = :n AND b = :n OR c = :n")
    assert isinstance(tree, Or)
    assert isinstance(tree.left, And)


def test_not_binds_tighter_than_and() -> None:
    tree = parse("NOT a = :n AND b = :n")
    assert isinstance(tree, And)
    assert isinstance(tree.left, Not)


def test_parentheses_override_precedence() -> None:
    tree = parse("(a = :n OR b = :n) AND c = :n")
    assert isinstance(tree, And)
    assert isinstance(tree.left, Or)


def test_not_of_a_group() -> None:
    tree = parse("NOT (a = :n OR b = :n)")
    assert isinstance(tree, Not) and isinstance(tree.condition, Or)


def test_not_not() -> None:
    tree = parse("NOT NOT attribute_exists(a)")
    assert isinstance(tree, Not) and isinstance(tree.condition, Not)


def test_chains_of_and_and_or() -> None:
    tree = parse("a = :n AND b = :n AND c = :n OR d = :n OR e = :n")
    assert isinstance(tree, Or)
    flattened = []
    node: Any = tree
    while isinstance(node, Or):
        flattened.append(node.right)
        node = node.left
    assert len(flattened) == 2 and isinstance(node, And)


def test_one_pair_of_parentheses_around_everything_is_fine() -> None:
    assert isinstance(parse("(a = :n)"), Comparison)
    assert isinstance(parse("(attribute_exists(a))"), Function)


def test_parenthesised_operands() -> None:
    tree = parse("(a) = (:n)")
    assert tree == Comparison(Comparator.EQ, Path(("a",), "a"), Literal({"N": "1"}, ":n"))
    assert isinstance(parse("(size(a)) > :n"), Comparison)


def test_a_grouped_path_continues() -> None:
    tree = parse("(a.b).c[1] = :n")
    assert isinstance(tree, Comparison)
    assert tree.left == Path(("a", "b", "c", 1), "a.b.c[1]")


# -- paths and placeholders ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "elements"),
    [
        ("a", p("a")),
        ("a.b.c", p("a", "b", "c")),
        ("a[0]", p("a", 0)),
        ("a[12][3]", p("a", 12, 3)),
        ("a[ 2 ]", p("a", 2)),
        ("a . b", p("a", "b")),
        ("#a.#b[0]", p("a", "b", 0)),
        ("#a[1].c.#b", p("a", 1, "c", "b")),
        ("_x1.y_2", p("_x1", "y_2")),
        ("#dot", p("x.y")),
    ],
)
def test_paths(text: str, elements: tuple[str | int, ...]) -> None:
    tree = parse(f"{text} = :n")
    assert isinstance(tree, Comparison) and isinstance(tree.left, Path)
    assert tree.left.elements == elements
    assert tree.left.text == text


def test_a_placeholder_may_stand_for_a_reserved_word() -> None:
    tree = parse("#status = :s")
    assert isinstance(tree, Comparison) and tree.left == Path(("status",), "#status")


def test_values_are_resolved_with_their_placeholder_name() -> None:
    tree = parse("a = :b")
    assert isinstance(tree, Comparison)
    assert tree.right == Literal({"B": b"\x01"}, ":b")


def test_names_that_merely_start_like_keywords_are_names() -> None:
    tree = parse("android = :n AND ornament = :n AND notes = :n AND inside = :n")
    assert isinstance(tree, And)


def test_the_same_text_parses_again_with_other_placeholders() -> None:
    first = Expressions({"#x": "one"}, {":v": {"S": "1"}}).condition("#x = :v", kind="ConditionExpression")
    second = Expressions({"#x": "two"}, {":v": {"N": "2"}}).condition("#x = :v", kind="ConditionExpression")
    assert first == Comparison(Comparator.EQ, Path(("one",), "#x"), Literal({"S": "1"}, ":v"))
    assert second == Comparison(Comparator.EQ, Path(("two",), "#x"), Literal({"N": "2"}, ":v"))


# -- syntax errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "token", "near"),
    [
        ("a-b", "-", "a-b"),
        ("a", "<EOF>", "a"),
        ("a =", "<EOF>", "="),
        ("a = ", "<EOF>", "= "),
        ("!!", "!", "!!"),
        ("a b", "b", "a b"),
        ("tenantAgent:abc123-", ":abc123", "tenantAgent:abc123-"),
        ("a == :n", "=", "== :n"),
        ("a = :n AND", "<EOF>", "AND"),
        ("a = :n OR OR b = :n", "OR", "OR OR b"),
        ("a = :n b", "b", ":n b"),
        ("a AND b = :n", "AND", "a AND b"),
        ("(a = :n", "<EOF>", ":n"),
        ("a = :n)", ")", ":n)"),
        ("a IN :n", ":n", "IN :n"),
        ("a IN ()", ")", "()"),
        ("a BETWEEN :n", "<EOF>", ":n"),
        ("a BETWEEN :n OR :m", "OR", ":n OR :m"),
        ("a[x] = :n", "x", "[x]"),
        ("a. = :n", "=", ". = :n"),
        ("1a = :n", "1", "1a"),
        ("a = 1", "1", "= 1"),
        ('a = "x"', '"', '= "x'),
        ("attribute_exists()", ")", "()"),
        ("attribute_exists(a", "<EOF>", "a"),
        ("a = :n AND (b)", "<EOF>", ")"),
        ("NOT a", "<EOF>", "a"),
        ("a.and = :n", "and", ".and ="),
        ("# = :n", "#", "# ="),
        ("a = :", ":", "= :"),
    ],
)
def test_syntax_errors(text: str, token: str, near: str) -> None:
    assert error(text) == f'Invalid ConditionExpression: Syntax error; token: "{token}", near: "{near}"'


@pytest.mark.parametrize("kind", ["ConditionExpression", "FilterExpression", "KeyConditionExpression"])
def test_syntax_errors_name_the_parameter(kind: str) -> None:
    assert error("a-b", kind) == f'Invalid {kind}: Syntax error; token: "-", near: "a-b"'


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_expression(text: str) -> None:
    assert error(text, "FilterExpression") == "Invalid FilterExpression: The expression can not be empty;"


def test_an_expression_over_4_kb() -> None:
    text = "a = :n AND " + " AND ".join(["b = :n"] * 600)
    size = len(text.encode())
    assert error(text) == (
        f"Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: {size}"
    )


def test_the_size_limit_counts_bytes_not_characters() -> None:
    name = "é" * 2100  # 4200 bytes of UTF-8
    assert error(f"{name} = :n").endswith("expression size: 4205")


def test_an_in_with_more_than_a_hundred_operands() -> None:
    values = {f":v{i}": {"N": str(i)} for i in range(101)}
    with pytest.raises(ValidationError) as info:
        Expressions(None, values).condition(f"a IN ({', '.join(values)})", kind="FilterExpression")
    assert info.value.message == (
        "Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101"
    )


def test_more_than_300_operators() -> None:
    text = " OR ".join(["a = :n"] * 151)  # 151 comparisons and 150 ORs
    assert error(text) == "Invalid ConditionExpression: The expression contains too many operators; operator count: 301"


# -- errors of a well-formed text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "((a = :n))",
        "((a = :n) OR b = :n) AND ((c = :n))",
        "((attribute_exists(a)))",
        "((a)) = :n",
        "a = ((:n))",
    ],
)
def test_redundant_parentheses(text: str) -> None:
    assert error(text) == "Invalid ConditionExpression: The expression has redundant parentheses;"


@pytest.mark.parametrize("text", ["size(a)", "NOT size(a)", "a = :n AND size(a)", "(size(a))"])
def test_size_alone_is_not_a_condition(text: str) -> None:
    assert error(text) == (
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size"
    )


@pytest.mark.parametrize(
    ("text", "function"),
    [
        ("attribute_exists(a) = :n", "attribute_exists"),
        (":n < begins_with(a, :s)", "begins_with"),
        ("a IN (:n, contains(a, :s))", "contains"),
        ("a BETWEEN :n AND attribute_type(a, :type)", "attribute_type"),
        ("contains(a, attribute_exists(b))", "attribute_exists"),
    ],
)
def test_condition_functions_are_not_operands(text: str, function: str) -> None:
    assert error(text) == (
        "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; "
        f"function: {function}"
    )


@pytest.mark.parametrize(
    ("text", "function"),
    [("foo(a)", "foo"), ("Contains(a, :s)", "Contains"), ("if_not_exists(a, :n)", "if_not_exists")],
)
def test_unknown_functions(text: str, function: str) -> None:
    assert error(text) == f"Invalid ConditionExpression: Invalid function name; function: {function}"


@pytest.mark.parametrize("name", ["status", "Size", "name", "DATA"])
def test_reserved_words(name: str) -> None:
    assert error(f"{name} = :n") == (
        f"Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: {name}"
    )


def test_reserved_words_in_nested_paths() -> None:
    assert error("a.count = :n").endswith("reserved keyword: count")


def test_the_first_reserved_word_is_reported() -> None:
    assert error("a = :n AND year = :n AND month = :n").endswith("reserved keyword: year")


def test_function_names_are_not_reserved_word_checks() -> None:
    assert isinstance(parse("size(a) > :n"), Comparison)


@pytest.mark.parametrize(
    ("text", "function", "count"),
    [
        ("attribute_exists(a, b)", "attribute_exists", 2),
        ("attribute_not_exists(a, b, c)", "attribute_not_exists", 3),
        ("begins_with(a)", "begins_with", 1),
        ("contains(a)", "contains", 1),
        ("attribute_type(a)", "attribute_type", 1),
        ("size(a, b) = :n", "size", 2),
    ],
)
def test_wrong_numbers_of_operands(text: str, function: str, count: int) -> None:
    assert error(text) == (
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        f"operator or function: {function}, number of operands: {count}"
    )


@pytest.mark.parametrize(
    ("text", "operator", "first"),
    [
        ("a = a", "=", "[a]"),
        ("a.b[1] < a.b[1]", "<", "[a, b, [1]]"),
        ("#a <> a", "<>", "[a]"),
        ("begins_with(a, a)", "begins_with", "[a]"),
        ("contains(#a, a)", "contains", "[a]"),
    ],
)
def test_an_operand_compared_with_itself(text: str, operator: str, first: str) -> None:
    assert error(text) == (
        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this "
        f"operator or function; operator: {operator}, first operand: {first}"
    )


@pytest.mark.parametrize("text", ["attribute_exists(:s)", "attribute_not_exists(:s)", "attribute_type(:s, :type)"])
def test_functions_that_need_a_path(text: str) -> None:
    function = text.split("(")[0]
    assert error(text) == (
        f"Invalid ConditionExpression: Operator or function requires a document path; operator or function: {function}"
    )


@pytest.mark.parametrize(
    ("text", "function", "kind"),
    [
        ("begins_with(a, :n)", "begins_with", "N"),
        ("begins_with(a, :bool)", "begins_with", "BOOL"),
        ("begins_with(:l, a)", "begins_with", "L"),
        ("begins_with(a, size(b))", "begins_with", "N"),
        ("size(:n) > :n", "size", "N"),
        ("size(:null) > :n", "size", "NULL"),
        ("attribute_type(a, :n)", "attribute_type", "N"),
        ("attribute_type(a, b)", "attribute_type", "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"),
    ],
)
def test_operand_types_of_functions(text: str, function: str, kind: str) -> None:
    assert error(text) == (
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        f"operator or function: {function}, operand type: {kind}"
    )


def test_an_unknown_attribute_type_name() -> None:
    assert error("attribute_type(a, :badtype)") == (
        "Invalid ConditionExpression: Invalid attribute type name found; type: STRING, "
        "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
    )


def test_between_bounds_in_the_wrong_order() -> None:
    assert error("a BETWEEN :m AND :n") == (
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to "
        "lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:1}"
    )


def test_between_bounds_of_two_types() -> None:
    assert error("a BETWEEN :n AND :s") == (
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; "
        "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:x}"
    )


def test_between_equal_bounds_are_fine() -> None:
    assert isinstance(parse("a BETWEEN :n AND :n"), Between)


def test_size_of_a_constant_is_refused() -> None:
    assert error("size(:s) > :n") == (
        "Invalid ConditionExpression: Operator or function requires a document path; operator or function: size"
    )


# -- placeholders -------------------------------------------------------------------------------


def test_an_undefined_name() -> None:
    assert error("#x = :n") == (
        "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #x"
    )


def test_an_undefined_value() -> None:
    assert error("a = :x") == (
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :x"
    )


def test_undefined_placeholders_are_reported_in_the_order_written() -> None:
    assert error("a = :x AND #x = :n").endswith("attribute value: :x")
    assert error("#x = :x").endswith("attribute name: #x")


def test_no_names_given_at_all() -> None:
    with pytest.raises(ValidationError, match="attribute name: #a"):
        Expressions(None, None).condition("attribute_exists(#a)", kind="ConditionExpression")


# -- the order of errors ------------------------------------------------------------------------


def test_syntax_errors_come_first() -> None:
    assert "Syntax error" in error("((a = :x)) AND size(a) AND foo(b) AND status = :n AND")


def test_redundant_parentheses_before_unknown_functions() -> None:
    assert error("((foo(a)))").endswith("redundant parentheses;")


def test_unknown_functions_before_misused_functions() -> None:
    assert error("size(a) AND foo(a)").endswith("function: foo")


def test_misused_functions_before_reserved_words() -> None:
    assert error("status = :n AND size(a)").endswith("function: size")


def test_reserved_words_before_undefined_placeholders() -> None:
    assert error("#x = :x AND status = :n").endswith("reserved keyword: status")


def test_undefined_placeholders_before_operand_counts() -> None:
    assert error("begins_with(a) AND #x = :n").endswith("attribute name: #x")


def test_operand_counts_before_distinct_operands() -> None:
    assert error("a = a AND contains(a)").endswith("number of operands: 1")


def test_distinct_operands_before_operand_types() -> None:
    assert "operand type" not in error("begins_with(a, :n) AND a = a")


# -- KeyConditionExpression -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "pk = :s",
        "pk = :s AND sk = :n",
        "pk = :s AND sk < :n",
        "pk = :s AND sk <= :n",
        "pk = :s AND sk > :n",
        "pk = :s AND sk >= :n",
        "pk = :s AND sk BETWEEN :n AND :m",
        "pk = :s AND begins_with(sk, :t)",
        "(pk = :s) AND (sk = :n)",
    ],
)
def test_key_conditions_that_parse(text: str) -> None:
    parse(text, "KeyConditionExpression")


@pytest.mark.parametrize(
    ("text", "operator"),
    [
        ("pk = :s OR sk = :n", "OR"),
        ("NOT pk = :s", "NOT"),
        ("pk IN (:s, :t)", "IN"),
        ("pk <> :s", "<>"),
        ("pk = :s AND attribute_exists(sk)", "attribute_exists"),
        ("pk = :s AND contains(sk, :t)", "contains"),
        ("pk = :s AND size(sk) > :n", "size"),
    ],
)
def test_operators_a_key_condition_refuses(text: str, operator: str) -> None:
    assert error(text, "KeyConditionExpression") == f"Invalid operator used in KeyConditionExpression: {operator}"


def test_a_filter_takes_what_a_key_condition_refuses() -> None:
    assert isinstance(parse("pk = :s OR sk <> :n", "FilterExpression"), Or)
