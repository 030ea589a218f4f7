"""CloudWatch Logs JSON filter patterns: the User Guide's examples with their documented outcomes, plus edges."""

from __future__ import annotations

import json

import pytest

from triggerfish.core.patterns.logs_filter import InvalidFilterPattern, compile_filter_pattern

# The User Guide's sample event for JSON metric filters.
SAMPLE = json.dumps(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "SomeObject": None,
        "ThisFlag": True,
    }
)

# The User Guide's sample event for compound conditions.
COMPOUND = json.dumps(
    {
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
    }
)


def _matches(pattern: str, message: str) -> bool:
    return compile_filter_pattern(pattern).matches(message)


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.eventType = "UpdateTrail" }',
        "{ $.sourceIPAddress != 123.123.* }",
        '{ $.arrayKey[0] = "value" }',
        "{ $.objectList[1].id = 2 }",
        "{ $.SomeObject IS NULL }",
        "{ $.SomeOtherObject NOT EXISTS }",
        "{ $.ThisFlag IS TRUE }",
    ],
)
def test_documented_filters_match_the_sample_event(pattern: str) -> None:
    assert _matches(pattern, SAMPLE)


@pytest.mark.parametrize(
    "pattern",
    [
        '{ $.eventType = "DeleteTrail" }',
        "{ $.sourceIPAddress != 111.111.* }",
        '{ $.arrayKey[1] = "value" }',
        "{ $.objectList[0].id = 2 }",
        "{ $.eventType IS NULL }",
        "{ $.SomeObject NOT EXISTS }",
        "{ $.ThisFlag IS FALSE }",
        "{ $.eventType IS TRUE }",
    ],
)
def test_changed_filters_do_not_match_the_sample_event(pattern: str) -> None:
    assert not _matches(pattern, SAMPLE)


def test_unquoted_alphanumeric_strings_and_the_and_or_forms() -> None:
    assert _matches("{ $.eventType = UpdateTrail }", SAMPLE)
    assert _matches("{$.foo = bar}", '{"foo": "bar"}')
    assert not _matches("{$.foo = baz }", '{"foo": "bar"}')
    pattern = "{$.foo = bar || $.foo = baz }"
    assert _matches(pattern, '{"foo": "bar"}')
    assert _matches(pattern, '{"foo": "baz"}')
    assert not _matches(pattern, '{"foo": "qux"}')


def test_selector_into_a_non_array_or_missing_member_is_false() -> None:
    assert not _matches('{ $.eventType[0] = "U" }', SAMPLE)
    assert not _matches("{ $.objectList[5].id = 2 }", SAMPLE)
    assert not _matches('{ $.arrayKey[0].name = "value" }', SAMPLE)
    assert not _matches('{ $.missing != "x" }', SAMPLE)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', True),
        ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', False),
        (
            '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }',
            True,
        ),
        (
            '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch)'
            " && $.actions[2] = nomatch }",
            False,
        ),
        ("{ $.coordinates[2][0] = 7 && $.coordinates[1][2] >= 6 }", True),
        ("{ (($.user.id = 1)) }", True),
    ],
)
def test_documented_compound_conditions(pattern: str, expected: bool) -> None:
    assert _matches(pattern, COMPOUND) is expected


def test_selector_on_an_array_or_object_matches_neither_equal_nor_not_equal() -> None:
    message = '{"users": [1, 2, 3], "user": {"id": 1}}'
    assert not _matches("{ $.users = 1 }", message)
    assert not _matches("{ $.users != 1 }", message)
    assert not _matches("{ $.user != 1 }", message)


@pytest.mark.parametrize(
    ("pattern", "message", "expected"),
    [
        ("{ $.latency >= 500 }", '{"latency": 500}', True),
        ("{ $.latency >= 500 }", '{"latency": 499.99}', False),
        ("{ $.numbers[0] < 10e3 }", '{"numbers": [9999]}', True),
        ("{ $.numbers[0] < 10e3 }", '{"numbers": [10000]}', False),
        ("{ $.numbers[0] < 10e-3 }", '{"numbers": [0.001]}', True),
        ("{ $.numbers[0] < 10e-3 }", '{"numbers": [0.01]}', False),
        ("{ $.processes[4].averageRuntime <= 55.5 }", '{"processes": [0, 0, 0, 0, {"averageRuntime": 55.5}]}', True),
        ("{ $.errorCode = 400 }", '{"errorCode": 400}', True),
        ("{ $.errorCode = 400 }", '{"errorCode": 400.0}', True),
        ("{ $.errorCode = 400 }", '{"errorCode": 404}', False),
        ("{ $.errorCode != 500 }", '{"errorCode": 400}', True),
        ("{ $.errorCode != 500 }", '{"errorCode": 500}', False),
        ("{ $.latency > +1000 }", '{"latency": 1001}', True),
        ("{ $.latency > -1 }", '{"latency": 0}', True),
        ("{ $.latency > 1000 }", '{"latency": "fast"}', False),
        ("{ $.latency > 1000 }", '{"latency": true}', False),
        ("{ $.latency > 1000 }", '{"latency": null}', False),
        ("{ $.big = 12345678901234567890 }", '{"big": 12345678901234567890}', True),
        ("{ $.big = 12345678901234567890 }", '{"big": 12345678901234567891}', False),
        ("{ $.ratio = 0.1 }", '{"ratio": 0.10}', True),
    ],
)
def test_numeric_comparisons(pattern: str, message: str, expected: bool) -> None:
    assert _matches(pattern, message) is expected


def test_numbers_written_as_strings() -> None:
    assert _matches("{ $.code = 400 }", '{"code": "400"}')
    assert _matches("{ $.code > 399 }", '{"code": "400"}')
    # Strings in scientific notation are not read as numbers.
    assert not _matches("{ $.code > 399 }", '{"code": "4e2"}')


@pytest.mark.parametrize(
    ("value", "message", "expected"),
    [
        ('"*Event"', '{"name": "PutEvent"}', True),
        ('"*Event"', '{"name": "EventId"}', False),
        ("Event*", '{"name": "EventName"}', True),
        ("Event*", '{"name": "PutEvent"}', False),
        ('"*ent*"', '{"name": "PutEvents"}', True),
        # A '*' between other characters is literal.
        ('"Ev*ent"', '{"name": "Ev*ent"}', True),
        ('"Ev*ent"', '{"name": "EvXent"}', False),
        ("*", '{"name": ""}', True),
        ("*", '{"name": 12}', True),
        ('"*"', '{"other": 12}', False),
        ("4*", '{"name": 404}', True),
        ('"UpdateTrail"', '{"name": "updatetrail"}', False),
    ],
)
def test_string_wildcards(value: str, message: str, expected: bool) -> None:
    assert _matches(f"{{ $.name = {value} }}", message) is expected


def test_quoted_strings_with_punctuation_and_escapes() -> None:
    assert _matches('{ $.user = "a@b.c" }', '{"user": "a@b.c"}')
    assert _matches('{ $.quote = "say \\"hi\\"" }', json.dumps({"quote": 'say "hi"'}))
    assert _matches('{ $.path = "C:\\\\x" }', json.dumps({"path": "C:\\x"}))


def test_booleans_compare_as_their_words() -> None:
    assert _matches("{ $.flag = true }", '{"flag": true}')
    assert not _matches("{ $.flag = true }", '{"flag": "yes"}')


def test_regex_values() -> None:
    assert _matches("{ $.eventType = %Trail$% }", SAMPLE)
    assert not _matches("{ $.eventType = %^Trail% }", SAMPLE)
    assert _matches("{ $.eventType != %^Delete% }", SAMPLE)
    assert _matches(r"{ $.sourceIPAddress = %^\d+\.111% }", SAMPLE)
    assert _matches(r"{ $.a = %^\d+$% || $.b = %x% }", '{"a": 12}')


def test_selector_names_may_hold_dashes_and_underscores() -> None:
    assert _matches("{ $.request-id = abc && $.user_name = bob }", '{"request-id": "abc", "user_name": "bob"}')


def test_keywords_are_case_insensitive_postfix_operators() -> None:
    assert _matches("{ $.SomeObject is null }", SAMPLE)
    assert _matches("{ $.Nope not exists }", SAMPLE)


@pytest.mark.parametrize(
    "message",
    [
        "not json",
        "[1, 2]",
        '"string"',
        "12",
        '{"eventType": "UpdateTrail"',
        'prefix {"eventType": "UpdateTrail"}',
        '{"eventType": NaN}',
        "",
    ],
)
def test_messages_that_are_not_json_objects_never_match(message: str) -> None:
    assert not _matches('{ $.eventType = "UpdateTrail" }', message)
    assert not _matches("{ $.eventType NOT EXISTS }", message)


def test_leading_whitespace_before_the_json_object_is_allowed() -> None:
    assert _matches('{ $.eventType = "UpdateTrail" }', "  \n" + SAMPLE)


@pytest.mark.parametrize(
    "pattern",
    [
        "{ }",
        "{ $.a }",
        "{ $.a = }",
        "{ $.a = 1 && }",
        "{ $.a = 1 $.b = 2 }",
        "{ ($.a = 1 }",
        "{ $.a = 1) }",
        "{ a = 1 }",
        "{ $a = 1 }",
        "{ $[0] = 1 }",
        "{ $. = 1 }",
        "{ $.a > abc }",
        "{ $.a < %x% }",
        "{ $.a IS MAYBE }",
        "{ $.a NOT NULL }",
        "{ $.a IS EXISTS }",
        "{ $.a == 1 }",
        "{ $.a = %x% || $.b = %y% || $.c = %z% }",
        '{ $.a = "unterminated }',
        "{ $.a = %unterminated }",
    ],
)
def test_malformed_json_patterns_are_rejected(pattern: str) -> None:
    with pytest.raises(InvalidFilterPattern) as caught:
        compile_filter_pattern(pattern)
    assert str(caught.value) == "Invalid filter pattern"


def test_unquoted_values_with_other_characters_are_rejected() -> None:
    with pytest.raises(InvalidFilterPattern) as caught:
        compile_filter_pattern("{ $.a = b'c }")
    assert str(caught.value) == "Invalid character(s) in term '''"
    with pytest.raises(InvalidFilterPattern) as caught:
        compile_filter_pattern("{ !($.level = info) }")
    assert str(caught.value) == "Invalid character(s) in term '!('"


def test_two_regexes_are_allowed() -> None:
    assert _matches("{ $.a = %x% && $.b = %y% }", '{"a": "x", "b": "y"}')
