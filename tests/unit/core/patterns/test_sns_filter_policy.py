"""SNS filter policies beyond the conformance vectors: the API shape, attribute types, limits, errors."""

from __future__ import annotations

import json

import pytest

from triggerfish.core.delivery import MessageAttribute
from triggerfish.core.patterns import FilterPolicy, InvalidFilterPolicy, compile_filter_policy

BODY = "MessageBody"


def _s(value: str) -> MessageAttribute:
    return MessageAttribute("String", value)


def _n(value: str) -> MessageAttribute:
    return MessageAttribute("Number", value)


def _a(*values: object) -> MessageAttribute:
    return MessageAttribute("String.Array", json.dumps(list(values)))


def _reason(policy: object, scope: str = "MessageAttributes") -> str:
    with pytest.raises(InvalidFilterPolicy) as caught:
        compile_filter_policy(policy if isinstance(policy, str) else json.dumps(policy), scope)
    return caught.value.reason


def test_text_and_parsed_policies_compile_alike() -> None:
    from_text = compile_filter_policy('{"color": ["red", {"prefix": "bl"}]}')
    from_mapping = compile_filter_policy({"color": ["red", {"prefix": "bl"}]})
    assert isinstance(from_text, FilterPolicy)
    assert from_text.scope == from_mapping.scope == "MessageAttributes"
    for value, expected in (("red", True), ("blue", True), ("green", False)):
        attributes = {"color": _s(value)}
        assert from_text.matches_attributes(attributes) is expected
        assert from_mapping.matches_attributes(attributes) is expected


def test_empty_policy_lets_everything_through() -> None:
    for scope in ("MessageAttributes", BODY):
        policy = compile_filter_policy("{}", scope)
        assert policy.is_empty
        assert policy.matches("not json at all", {})
        assert policy.matches('{"a": 1}', {"x": _s("y")})


def test_matches_picks_the_side_named_by_the_scope() -> None:
    on_attributes = compile_filter_policy({"kind": ["order"]})
    on_body = compile_filter_policy({"kind": ["order"]}, BODY)
    body, attributes = '{"kind": "order"}', {"kind": _s("refund")}
    assert not on_attributes.matches(body, attributes)
    assert on_body.matches(body, attributes)


def test_number_attributes_compare_by_value() -> None:
    exact = compile_filter_policy({"price": [301.5]})
    assert exact.matches_attributes({"price": _n("3.015e2")})
    assert not exact.matches_attributes({"price": _n("301.6")})
    # A custom type keeps its base type: Number.float is still a number.
    assert exact.matches_attributes({"price": MessageAttribute("Number.float", "301.50")})
    ranged = compile_filter_policy({"price": [{"numeric": [">=", 100, "<", 200]}]})
    assert ranged.matches_attributes({"price": _n("100")})
    assert not ranged.matches_attributes({"price": _n("200")})
    assert not ranged.matches_attributes({"price": _n("not a number")})


def test_strings_and_numbers_never_equal_each_other() -> None:
    # "Prefixes are supported for string matching only": a Number attribute is not text.
    assert not compile_filter_policy({"code": ["300"]}).matches_attributes({"code": _n("300")})
    assert not compile_filter_policy({"code": [{"prefix": "30"}]}).matches_attributes({"code": _n("300")})
    assert not compile_filter_policy({"code": [300]}).matches_attributes({"code": _s("300")})


def test_string_array_elements_are_matched_one_by_one() -> None:
    policy = compile_filter_policy({"tags": ["rugby", 7, None, False]})
    assert policy.matches_attributes({"tags": _a("soccer", "rugby")})
    assert policy.matches_attributes({"tags": _a(7.0)})
    assert policy.matches_attributes({"tags": _a(None)})
    assert policy.matches_attributes({"tags": _a(False)})
    assert not policy.matches_attributes({"tags": _a("soccer", {"rugby": 1}, ["rugby"])})
    assert not policy.matches_attributes({"tags": MessageAttribute("String.Array", '"rugby"')})


def test_anything_but_on_an_array_needs_one_element_outside_the_list() -> None:
    policy = compile_filter_policy({"tags": [{"anything-but": ["rugby", "tennis"]}]})
    assert policy.matches_attributes({"tags": _a("rugby", "baseball")})
    assert not policy.matches_attributes({"tags": _a("rugby", "tennis")})
    assert not policy.matches_attributes({})


def test_anything_but_prefix_and_numbers() -> None:
    prefix = compile_filter_policy({"event": [{"anything-but": {"prefix": "order-"}}]})
    assert prefix.matches_attributes({"event": _s("refund-issued")})
    assert not prefix.matches_attributes({"event": _s("order-placed")})
    numbers = compile_filter_policy({"price": [{"anything-but": [100, 500]}]})
    assert numbers.matches_attributes({"price": _n("100.1")})
    assert not numbers.matches_attributes({"price": _n("1e2")})


def test_binary_attributes_are_ignored() -> None:
    binary = {"blob": MessageAttribute("Binary", binary_value=b"\x00")}
    assert compile_filter_policy({"blob": [{"exists": False}]}).matches_attributes(binary)
    assert not compile_filter_policy({"blob": [{"exists": True}]}).matches_attributes(binary)


def test_equals_ignore_case_suffix_and_cidr() -> None:
    policy = compile_filter_policy(
        {"a": [{"equals-ignore-case": "Hello"}], "b": [{"suffix": ".png"}], "c": [{"cidr": "10.0.0.0/8"}]}
    )
    good = {"a": _s("hELLO"), "b": _s("cat.png"), "c": _s("10.20.30.40")}
    assert policy.matches_attributes(good)
    assert not policy.matches_attributes({**good, "c": _s("11.0.0.1")})
    assert not policy.matches_attributes({**good, "b": _s("cat.PNG")})


def test_body_scope_reads_nested_keys_and_arrays() -> None:
    nested = {"order": {"items": {"sku": [{"prefix": "BK-"}]}}, "store": [{"exists": False}]}
    policy = compile_filter_policy(nested, BODY)
    assert policy.matches_body('{"order": {"items": [{"sku": "TV-1"}, {"sku": "BK-7"}]}}')
    assert policy.matches_body('{"order.items": {"sku": "BK-7"}}')
    assert not policy.matches_body('{"order": {"items": [{"sku": "TV-1"}]}}')
    assert not policy.matches_body('{"order": {"items": {"sku": "BK-7"}}, "store": "x"}')
    assert not policy.matches_body('["order"]')
    assert not policy.matches_body("BK-7")


def test_body_scope_matches_the_same_body_for_many_policies() -> None:
    body = json.dumps({"n": 5, "s": "x"})
    policies = [compile_filter_policy({"n": [{"numeric": [">", limit]}]}, BODY) for limit in range(10)]
    assert [p.matches_body(body) for p in policies] == [True] * 5 + [False] * 5


def test_nested_policy_is_refused_in_attribute_scope_only() -> None:
    nested = {"order": {"kind": ["book"]}}
    with pytest.raises(InvalidFilterPolicy) as caught:
        compile_filter_policy(nested)
    assert caught.value.message == "Filter policy scope MessageAttributes does not support nested filter policy"
    assert compile_filter_policy(nested, BODY).matches_body('{"order": {"kind": "book"}}')


def test_key_limit_counts_top_level_keys() -> None:
    six = {f"k{i}": ["v"] for i in range(6)}
    assert _reason(six) == "Filter policy can not have more than 5 keys"
    assert _reason(six, BODY) == "Filter policy can not have more than 5 keys"
    # In payload filtering only the top-level keys count toward the limit.
    nested = {"a": {f"k{i}": ["v"] for i in range(3)}, "b": {f"k{i}": ["v"] for i in range(3)}}
    compile_filter_policy(nested, BODY)


def test_nested_keys_multiply_combinations_by_their_depth() -> None:
    # AWS's guide: 3 x 4 x 2 x 3 x 1 x 3 = 216 combinations, over the limit of 150.
    policy = {
        "key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}},
        "key_d": {"key_e": ["v1", "v2", "v3"]},
        "key_f": ["v1", "v2", "v3"],
    }
    assert _reason(policy, BODY) == "Filter policy is too complex"
    compile_filter_policy({"key_a": {"key_b": {"key_c": ["v1", "v2", "v3", "v4"]}}, "key_f": ["v1"]}, BODY)


def test_or_branches_add_up_their_combinations() -> None:
    at_limit = {"a": [str(i) for i in range(50)], "$or": [{"b": ["1", "2"]}, {"c": ["1"]}]}
    compile_filter_policy(at_limit)
    over = {"a": [str(i) for i in range(51)], "$or": [{"b": ["1", "2"]}, {"c": ["1"]}]}
    assert _reason(over) == "Filter policy is too complex"


@pytest.mark.parametrize(
    ("policy", "reason"),
    [
        ({"k": [{"wildcard": "a*"}]}, "Unrecognized match type wildcard"),
        ({"k": [{"anything-but": {"equals-ignore-case": "a"}}]},
         "Unsupported anything-but pattern: equals-ignore-case"),
        ({"k": [{"anything-but": ["a", 1]}]}, "Inside anything but list, either all values are number or string, "
         "mixed type is not supported"),
        ({"k": [{"anything-but": [True]}]}, "Inside anything but list, start|null|boolean is not supported."),
        ({"k": [{"anything-but": None}]}, "Value of anything-but must be an array or single string/number value."),
        ({"k": [{"equals-ignore-case": 5}]}, "equals-ignore-case match pattern must be a string"),
        ({"k": [{"prefix": {"equals-ignore-case": "a"}}]}, "prefix match pattern must be a string"),
        ({"k": [{"numeric": 5}]}, "Value of numeric must be an array."),
        ({"k": [{"exists": True, "prefix": "a"}]}, "Only one key allowed in match expression"),
        ({"k": [{}]}, "Empty objects are not allowed"),
        ({"$or": [{"a": ["1"]}]}, "There must have at least 2 Objects in $or relationship."),
        ({"$or": [{"a": ["1"]}, "b"]}, "Only JSON object is allowed in array of $or relationship."),
        ({"k": [{"cidr": "10.0.0.0/33"}]}, "IPv4 mask bits must be < 32"),
        ({"k": [1e400]}, "Value 1e400 is out of range for numeric comparison"),
    ],
)  # fmt: skip
def test_rejections_name_the_fault(policy: object, reason: str) -> None:
    text = json.dumps(policy).replace("Infinity", "1e400")
    assert _reason(text) == reason


def test_text_that_is_not_json_is_reported_as_the_parser_saw_it() -> None:
    # Recorded on AWS: "FilterPolicy: failed to parse JSON. Unexpected character ('i' (code 105)): ..."
    assert _reason("{invalid}") == (
        "failed to parse JSON. Unexpected character ('i' (code 105)): was expecting double-quote to start field "
        "name\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]"
    )
    assert _reason("invalid").startswith("failed to parse JSON. Unrecognized token 'invalid'")
    assert _reason("[1]") == _reason('"text"') == "Filter is not an object"


def test_policy_size_is_capped() -> None:
    big = json.dumps({"k": ["x" * (256 * 1024)]})
    assert _reason(big) == "Filter policy is too long"


def test_error_carries_its_reason_and_labelled_message() -> None:
    error = InvalidFilterPolicy("Filter policy is too complex")
    assert isinstance(error, ValueError)
    assert error.reason == "Filter policy is too complex"
    assert error.message == "FilterPolicy: Filter policy is too complex"
