"""Matching and validation rules the corpus vectors leave uncovered."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.core.patterns import InvalidPattern, compile_pattern

PREFIX = "Event pattern is not valid. Reason: "


def _matches(pattern: Any, event: dict[str, Any]) -> bool:
    return compile_pattern(pattern).matches(event)


def _reason(pattern: Any) -> str:
    with pytest.raises(InvalidPattern) as raised:
        compile_pattern(pattern)
    assert raised.value.message.startswith(PREFIX)
    return raised.value.reason


def test_dotted_keys_match_nested_objects_both_ways() -> None:
    assert _matches({"detail": {"state.status": ["running"]}}, {"detail": {"state": {"status": "running"}}})
    assert _matches({"detail": {"state": {"status": ["running"]}}}, {"detail": {"state.status": "running"}})


def test_numbers_compare_by_value_and_never_equal_other_types() -> None:
    assert _matches({"n": [300]}, {"n": 300.0})
    assert _matches({"n": [3.0e2]}, {"n": 300})
    assert not _matches({"n": [1]}, {"n": True})
    assert not _matches({"n": [1]}, {"n": "1"})
    assert not _matches({"n": ["1"]}, {"n": 1})
    assert not _matches({"n": [True]}, {"n": 1})
    assert not _matches({"n": [{"numeric": [">", 0]}]}, {"n": True})


def test_exists_false_holds_for_objects_and_empty_arrays() -> None:
    pattern = {"a": [{"exists": False}]}
    assert _matches(pattern, {"a": {"b": 1}})
    assert _matches(pattern, {"a": []})
    assert not _matches(pattern, {"a": None})
    assert not _matches({"a": [{"exists": True}]}, {"a": []})
    assert _matches({"a": [{"exists": True}]}, {"a": None})


def test_anything_but_matches_null_but_not_a_missing_field() -> None:
    pattern = {"a": [{"anything-but": "x"}]}
    assert _matches(pattern, {"a": None})
    assert _matches(pattern, {"a": 5})
    assert not _matches(pattern, {"b": "y"})
    assert _matches(pattern, {"a": ["x", "y"]})
    assert not _matches(pattern, {"a": ["x"]})


def test_ip_addresses_compare_as_addresses() -> None:
    assert _matches({"ip": ["2001:db8::1"]}, {"ip": "2001:0db8:0:0:0:0:0:1"})
    assert _matches({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": "10.200.1.1"})
    assert not _matches({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": "11.0.0.1"})
    assert not _matches({"ip": [{"cidr": "10.0.0.0/8"}]}, {"ip": 10})
    assert _reason({"ip": [{"cidr": "10.0.0.0/32"}]}) == "IPv4 mask bits must be < 32"


def test_wildcard_escapes_and_errors() -> None:
    assert _matches({"p": [{"wildcard": "a\\*b*"}]}, {"p": "a*bcd"})
    assert not _matches({"p": [{"wildcard": "a\\*b*"}]}, {"p": "axbcd"})
    assert _matches({"p": [{"wildcard": "back\\\\slash"}]}, {"p": "back\\slash"})
    assert _reason({"p": [{"wildcard": "a\\b"}]}) == "Invalid escape character at pos 2"
    assert _reason({"p": [{"wildcard": "é**"}]}) == "Consecutive wildcard characters at pos 3"
    assert _reason({"p": [{"wildcard": "*a*a*a*a*a*a*"}]}).startswith("Rule is too complex")


def test_ignore_case_operators() -> None:
    assert _matches({"s": [{"equals-ignore-case": "AbC"}]}, {"s": "aBc"})
    assert _matches({"s": [{"prefix": {"equals-ignore-case": "EVE"}}]}, {"s": "eventbridge"})
    assert _matches({"s": [{"suffix": {"equals-ignore-case": ".PNG"}}]}, {"s": "a.png"})
    assert not _matches({"s": [{"anything-but": {"equals-ignore-case": ["X", "y"]}}]}, {"s": "Y"})


def test_duplicate_paths_last_wins_but_sibling_paths_add_up() -> None:
    text = '{"a": {"b": ["1"]}, "a": {"c": ["2"]}}'
    assert _matches(text, {"a": {"b": "1", "c": "2"}})
    assert not _matches(text, {"a": {"c": "2"}})
    assert _matches('{"x": ["1"], "x": ["2"]}', {"x": "2"})


def test_or_branches_inherit_sibling_fields() -> None:
    pattern = {"source": ["s"], "$or": [{"a": ["1"]}, {"b": ["2"]}]}
    assert _matches(pattern, {"source": "s", "b": "2"})
    assert not _matches(pattern, {"source": "t", "b": "2"})
    assert len(compile_pattern(pattern).ast.sub_rules) == 2


def test_or_combinations_are_limited() -> None:
    branches = [{f"k{n}": ["v"]} for n in range(11)]
    pattern = {"$or": branches, "x": {"$or": branches}, "y": {"$or": branches}}
    assert "combinations" in _reason(pattern)


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ({"n": [{"numeric": [">", 5, "<", 1]}]}, "Bottom must be less than top"),
        ({"n": [{"numeric": ["<", 1, ">", 0]}]}, "Too many elements in numeric expression"),
        ({"n": [{"numeric": []}]}, "Invalid member in numeric match: ]"),
        ({"n": [{"numeric": ["~", 1]}]}, "Unrecognized numeric range operator: ~"),
        ({"n": [{}]}, "Match expression name not found"),
        ({"n": [["nested"]]}, "Match value must be String, number, true, false, or null"),
        (
            {"$or": [{"numeric": ["x"]}, {"a": ["b"]}]},
            "numeric is Ruler reserved fieldName which cannot be used inside $or.",
        ),
        ({"$or": {"a": ["b"]}}, "It must be an Array followed with $or."),
        ({"a": [{"anything-but": {"prefix": "x"}, "b": 1}]}, "Too many elements in numeric expression"),
        (
            {"a": [{"anything-but": []}]},
            "Inside anything but list, either all values are number or string, mixed type is not supported",
        ),
        ({"a": [{"anything-but": {"exists": True}}]}, "Unsupported anything-but pattern: exists"),
        ({"a": [{"prefix": {"exists": True}}]}, "Unsupported prefix pattern: exists"),
    ],
)
def test_validation_reasons(pattern: Any, reason: str) -> None:
    assert _reason(pattern) == reason


def test_syntax_errors_carry_their_location() -> None:
    reason = _reason('{\n  "a": [1 2]\n}')
    assert reason.startswith("Unexpected character ('2' (code 50)): was expecting comma to separate Array entries")
    assert reason.endswith("line: 2, column: 11]")
    assert _reason("[]").startswith('Filter is not an object\n at [Source: (String)"[]"; line: 1, column: 2]')


def test_text_after_the_pattern_is_ignored() -> None:
    assert _matches('{"a": ["b"]} trailing', {"a": "b"})
