"""DynamoDB AttributeValues: validation messages, canonical numbers, ordering, equality, sizes, JSON form."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.values import (
    MAX_ITEM_SIZE,
    canonical_number,
    check_item,
    check_value,
    compare,
    equal,
    from_json,
    item_size,
    key_text,
    sort_key,
    to_json,
)

NOT_NUMERIC = "The parameter cannot be converted to a numeric value: "
OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
DIGITS = "Attempting to store more than 38 significant digits in a Number"
INVALID = "One or more parameter values were invalid: "


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0", "0"),
        ("7", "7"),
        ("1.50", "1.5"),
        ("1E2", "100"),
        ("1e+2", "100"),
        ("-0", "0"),
        ("0.000", "0"),
        ("+5", "5"),
        ("007", "7"),
        ("-1.2e-3", "-0.0012"),
        (".5", "0.5"),
        ("5.", "5"),
        ("100", "100"),
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ("1234567890123456789012345678901234567800", "1234567890123456789012345678901234567800"),
        ("9.9999999999999999999999999999999999999E+125", "99999999999999999999999999999999999999" + "0" * 88),
        ("1E-130", "0." + "0" * 129 + "1"),
        ("-1E-130", "-0." + "0" * 129 + "1"),
        ("0E+500", "0"),
    ],
)
def test_canonical_numbers(text: str, canonical: str) -> None:
    assert canonical_number(text) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", NOT_NUMERIC + "abc"),
        ("", NOT_NUMERIC),
        (" 1", NOT_NUMERIC + " 1"),
        ("1 ", NOT_NUMERIC + "1 "),
        ("1.2.3", NOT_NUMERIC + "1.2.3"),
        ("0x10", NOT_NUMERIC + "0x10"),
        ("1e", NOT_NUMERIC + "1e"),
        ("NaN", NOT_NUMERIC + "NaN"),
        ("Infinity", NOT_NUMERIC + "Infinity"),
        ("1_000", NOT_NUMERIC + "1_000"),
        ("١٢", NOT_NUMERIC + "١٢"),
        ("1e126", OVERFLOW),
        ("-1e126", OVERFLOW),
        ("1e99999999999", OVERFLOW),
        ("1e-131", UNDERFLOW),
        ("1e-99999999999", UNDERFLOW),
        ("1234567890123456789012345678901234567890", DIGITS),
        ("1.234567890123456789012345678901234567891", DIGITS),
    ],
)
def test_invalid_numbers(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        canonical_number(text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ({"S": None}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        (
            {"S": "a", "N": "1"},
            "Supplied AttributeValue has more than one datatypes set, "
            "must contain exactly one of the supported datatypes",
        ),
        ({"SS": []}, INVALID + "An string set  may not be empty"),
        ({"NS": []}, INVALID + "An number set  may not be empty"),
        ({"BS": []}, INVALID + "Binary sets should not be empty"),
        ({"SS": ["b", "a", "b"]}, INVALID + 'Input collection ["a", "b", "b"] contains duplicates.'),
        ({"SS": ["a", "a", "c"]}, INVALID + 'Input collection ["a", "a", "c"] contains duplicates.'),
        (
            {"BS": [b"\xff", b"\x00", b"\x00"]},
            INVALID + 'Input collection ["AA==","/w==","AA=="]of type BS contains duplicates.',
        ),
        ({"NS": ["2", "1", "2"]}, INVALID + "Input collection contains duplicates."),
        ({"NS": ["1", "1.0"]}, INVALID + "Input collection contains duplicates."),
        ({"NS": ["1", "x"]}, NOT_NUMERIC + "x"),
        ({"NS": [""]}, NOT_NUMERIC),
        ({"NULL": False}, INVALID + "Null attribute value types must have the value of true"),
        ({"N": "1e200"}, OVERFLOW),
        ({"M": {"x": {"L": [{"N": "abc"}]}}}, NOT_NUMERIC + "abc"),
        ({"L": [{"SS": []}]}, INVALID + "An string set  may not be empty"),
        ({"M": {"x": {}}}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ({"XX": "1"}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ({"S": 5}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
        ("text", "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ],
)
def test_invalid_values(value: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_value(value)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("value", "checked"),
    [
        ({"S": ""}, {"S": ""}),
        ({"B": b""}, {"B": b""}),
        ({"SS": [""]}, {"SS": [""]}),
        ({"N": "1.50"}, {"N": "1.5"}),
        ({"NS": ["1E2", "2.0"]}, {"NS": ["100", "2"]}),
        ({"BOOL": False}, {"BOOL": False}),
        ({"NULL": True}, {"NULL": True}),
        ({"L": []}, {"L": []}),
        ({"M": {}}, {"M": {}}),
        (
            {"M": {"a": {"L": [{"N": "-0"}, {"BS": [bytearray(b"x")]}]}}},
            {"M": {"a": {"L": [{"N": "0"}, {"BS": [b"x"]}]}}},
        ),
        ({"S": "x", "N": None}, {"S": "x"}),
    ],
)
def test_valid_values(value: Any, checked: dict[str, Any]) -> None:
    assert check_value(value) == checked


def test_check_item_canonicalises_without_mutating() -> None:
    item = {"pk": {"S": "a"}, "n": {"N": "010.10"}}
    assert check_item(item) == {"pk": {"S": "a"}, "n": {"N": "10.1"}}
    assert item["n"] == {"N": "010.10"}


def test_check_item_words_expression_values_per_key() -> None:
    with pytest.raises(ValidationError) as caught:
        check_item({":ok": {"S": "a"}, ":v": {"SS": []}}, what="ExpressionAttributeValues")
    assert caught.value.message == (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
        "An string set  may not be empty for key :v"
    )


def test_check_item_key_is_plain() -> None:
    with pytest.raises(ValidationError) as caught:
        check_item({"pk": {"N": "x"}}, what="key")
    assert caught.value.message == NOT_NUMERIC + "x"


@pytest.mark.parametrize(
    ("a", "b", "order"),
    [
        ({"S": "a"}, {"S": "b"}, -1),
        ({"S": "b"}, {"S": "a"}, 1),
        ({"S": "a"}, {"S": "a"}, 0),
        ({"S": "Z"}, {"S": "a"}, -1),
        ({"S": "\uffff"}, {"S": "\U00010000"}, -1),  # UTF-8 byte order, not UTF-16
        ({"S": "ab"}, {"S": "a"}, 1),
        ({"N": "9"}, {"N": "10"}, -1),
        ({"N": "-1"}, {"N": "0.5"}, -1),
        ({"N": "1.0"}, {"N": "1"}, 0),
        ({"N": "1E2"}, {"N": "99.99"}, 1),
        ({"B": b"\x7f"}, {"B": b"\x80"}, -1),  # unsigned bytes
        ({"B": b"\x00"}, {"B": b""}, 1),
        ({"S": "1"}, {"N": "1"}, None),
        ({"BOOL": True}, {"BOOL": False}, None),
        ({"L": []}, {"L": []}, None),
        ({"SS": ["a"]}, {"SS": ["a"]}, None),
    ],
)
def test_compare(a: dict[str, Any], b: dict[str, Any], order: int | None) -> None:
    assert compare(a, b) == order


def test_sort_key_orders_as_dynamodb() -> None:
    numbers = [{"N": text} for text in ("10", "-2", "3.5", "0", "-10.25")]
    assert [each["N"] for each in sorted(numbers, key=sort_key)] == ["-10.25", "-2", "0", "3.5", "10"]
    strings = [{"S": text} for text in ("b", "B", "a", "\U00010000", "\uffff")]
    assert [each["S"] for each in sorted(strings, key=sort_key)] == ["B", "a", "b", "\uffff", "\U00010000"]
    binaries = [{"B": data} for data in (b"\x80", b"\x01", b"\x01\x00", b"")]
    assert [each["B"] for each in sorted(binaries, key=sort_key)] == [b"", b"\x01", b"\x01\x00", b"\x80"]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"N": "1"}, {"N": "1.0"}, True),
        ({"S": "a"}, {"S": "a"}, True),
        ({"S": "a"}, {"S": "b"}, False),
        ({"S": "1"}, {"N": "1"}, False),
        ({"SS": ["a", "b"]}, {"SS": ["b", "a"]}, True),
        ({"SS": ["a", "b"]}, {"SS": ["a"]}, False),
        ({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]}, True),
        ({"BS": [b"x", b"y"]}, {"BS": [b"y", b"x"]}, True),
        ({"L": [{"S": "a"}, {"N": "1"}]}, {"L": [{"S": "a"}, {"N": "1.00"}]}, True),
        ({"L": [{"S": "a"}, {"N": "1"}]}, {"L": [{"N": "1"}, {"S": "a"}]}, False),
        ({"L": [{"S": "a"}]}, {"L": [{"S": "a"}, {"S": "a"}]}, False),
        ({"M": {"a": {"N": "1"}, "b": {"NULL": True}}}, {"M": {"b": {"NULL": True}, "a": {"N": "1"}}}, True),
        ({"M": {"a": {"N": "1"}}}, {"M": {"a": {"N": "2"}}}, False),
        ({"M": {"a": {"N": "1"}}}, {"M": {"b": {"N": "1"}}}, False),
        ({"BOOL": True}, {"BOOL": True}, True),
        ({"BOOL": True}, {"BOOL": False}, False),
        ({"NULL": True}, {"NULL": True}, True),
        ({"B": b"a"}, {"B": b"a"}, True),
    ],
)
def test_equal(a: dict[str, Any], b: dict[str, Any], same: bool) -> None:
    assert equal(a, b) is same
    assert equal(b, a) is same


def test_key_text_is_stable_and_unambiguous() -> None:
    one = key_text({"pk": {"S": "a"}, "sk": {"N": "1"}})
    assert one == key_text({"sk": {"N": "1"}, "pk": {"S": "a"}})
    assert one != key_text({"pk": {"S": "a"}, "sk": {"S": "1"}})
    assert key_text({"pk": {"S": "ab"}}) != key_text({"pk": {"S": "a"}, "b": {"S": ""}})
    assert key_text({"pk": {"B": b"\x00"}}) == key_text({"pk": {"B": b"\x00"}})
    assert key_text({"pk": {"B": b"\x00"}}) != key_text({"pk": {"B": b"\x01"}})
    assert key_text({"pk": {"S": "1:x"}}) != key_text({"pk": {"S": "1"}, ":x": {"S": ""}})


@pytest.mark.parametrize(
    ("item", "size"),
    [
        ({"a": {"S": "hello"}}, 1 + 5),
        ({"name": {"S": "é"}}, 4 + 2),
        ({"n": {"N": "1"}}, 1 + 2),
        ({"n": {"N": "123"}}, 1 + 3),
        ({"n": {"N": "1234"}}, 1 + 3),
        ({"n": {"N": "-0.0012"}}, 1 + 2),
        ({"n": {"N": "1000"}}, 1 + 2),
        ({"b": {"B": b"\x00\x01\x02"}}, 1 + 3),
        ({"t": {"BOOL": True}}, 1 + 1),
        ({"z": {"NULL": True}}, 1 + 1),
        ({"s": {"SS": ["ab", "c"]}}, 1 + 3),
        ({"s": {"NS": ["1", "22"]}}, 1 + 2 + 2),
        ({"s": {"BS": [b"ab", b"c"]}}, 1 + 3),
        ({"l": {"L": []}}, 1 + 3),
        ({"l": {"L": [{"S": "ab"}, {"BOOL": False}]}}, 1 + 3 + (1 + 2) + (1 + 1)),
        ({"m": {"M": {}}}, 1 + 3),
        ({"m": {"M": {"k": {"S": "v"}}}}, 1 + 3 + 1 + (1 + 1)),
        ({"a": {"S": ""}, "b": {"S": "x"}}, 1 + 0 + 1 + 1),
    ],
)
def test_item_size(item: dict[str, Any], size: int) -> None:
    assert item_size(item) == size


def test_max_item_size() -> None:
    assert MAX_ITEM_SIZE == 400 * 1024


def test_json_round_trip() -> None:
    item = {
        "pk": {"S": "a"},
        "b": {"B": b"\x00\xff"},
        "bs": {"BS": [b"x", b""]},
        "m": {"M": {"inner": {"B": b"\x01"}, "l": {"L": [{"B": b"\x02"}, {"N": "1"}]}}},
        "ok": {"BOOL": True},
        "none": {"NULL": True},
        "ss": {"SS": ["a"]},
    }
    data = to_json(item)
    assert data["b"] == {"B": "AP8="}
    assert data["bs"] == {"BS": ["eA==", ""]}
    assert data["m"]["M"]["l"]["L"][0] == {"B": "Ag=="}
    assert from_json(data) == item
    assert item["b"] == {"B": b"\x00\xff"}
