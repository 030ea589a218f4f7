"""ExpressionAttributeNames/Values of a request: their own checks, use across expressions, unused placeholders;
the tokenizer, the reserved words and the parse cache."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions import Expressions, cache
from triggerfish.services.dynamodb.expressions.reserved import RESERVED_WORDS, is_reserved
from triggerfish.services.dynamodb.expressions.tokens import TokenKind, tokenize


def message(call: Any) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.message


# -- the maps themselves ------------------------------------------------------------------------


def test_empty_maps_are_refused() -> None:
    assert message(lambda: Expressions({}, None)) == "ExpressionAttributeNames must not be empty"
    assert message(lambda: Expressions(None, {})) == "ExpressionAttributeValues must not be empty"


def test_maps_not_sent_are_fine() -> None:
    Expressions(None, None).check_unused()


@pytest.mark.parametrize("key", ["a", "#", "#a-b", " #a", "#a.b", ":a"])
def test_invalid_name_keys(key: str) -> None:
    assert message(lambda: Expressions({key: "x"}, None)) == (
        f'ExpressionAttributeNames contains invalid key: Syntax error; key: "{key}"'
    )


@pytest.mark.parametrize("key", ["b", ":", ":a-b", "#a"])
def test_invalid_value_keys(key: str) -> None:
    assert message(lambda: Expressions(None, {":ok": {"S": "x"}, key: {"S": "a"}})) == (
        f'ExpressionAttributeValues contains invalid key: Syntax error; key: "{key}"'
    )


def test_invalid_keys_are_reported_before_invalid_values() -> None:
    assert "invalid key" in message(lambda: Expressions(None, {":b": {}, "b": {"S": "a"}}))


def test_invalid_values_name_their_key() -> None:
    assert message(lambda: Expressions(None, {":b": {"SS": []}})) == (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
        "An string set  may not be empty for key :b"
    )
    assert message(lambda: Expressions(None, {":b": {}})) == (
        "ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one "
        "of the supported datatypes for key :b"
    )


def test_numbers_in_values_come_back_canonical() -> None:
    tree = Expressions(None, {":n": {"N": "1.50"}}).condition("a = :n", kind="ConditionExpression")
    assert tree.right.value == {"N": "1.5"}  # type: ignore[union-attr]


def test_keys_with_digits_and_underscores() -> None:
    expressions = Expressions({"#0": "a", "#_x": "b"}, {":0": {"N": "1"}, ":_v": {"N": "2"}})
    expressions.condition("#0 = :0 AND #_x = :_v", kind="FilterExpression")
    expressions.check_unused()


# -- unused placeholders ------------------------------------------------------------------------


def test_unused_names() -> None:
    expressions = Expressions({"#a": "a", "#b": "b", "#c": "c"}, None)
    expressions.projection("#b")
    assert (
        message(expressions.check_unused)
        == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #c}"
    )


def test_unused_values() -> None:
    expressions = Expressions(None, {":a": {"S": "a"}, ":b": {"S": "b"}})
    expressions.condition("x = :b", kind="ConditionExpression")
    assert (
        message(expressions.check_unused)
        == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a}"
    )


def test_unused_names_are_reported_before_unused_values() -> None:
    expressions = Expressions({"#a": "a"}, {":a": {"S": "a"}})
    assert "ExpressionAttributeNames" in message(expressions.check_unused)


def test_use_counts_across_every_expression_of_a_request() -> None:
    expressions = Expressions({"#k": "pk", "#p": "payload", "#f": "flag"}, {":k": {"S": "1"}, ":f": {"BOOL": True}})
    expressions.condition("#k = :k", kind="KeyConditionExpression")
    expressions.condition("#f = :f", kind="FilterExpression")
    expressions.projection("#p")
    expressions.check_unused()


def test_a_placeholder_may_be_used_many_times() -> None:
    expressions = Expressions({"#a": "a"}, {":v": {"N": "1"}})
    expressions.update("SET #a = :v ADD b :v")
    expressions.condition("#a <> :v", kind="ConditionExpression")
    expressions.check_unused()


def test_placeholders_in_a_failed_expression_do_not_count() -> None:
    expressions = Expressions({"#a": "a"}, None)
    with pytest.raises(ValidationError):
        expressions.projection("#a,")
    assert "{#a}" in message(expressions.check_unused)


def test_a_condition_kind_must_be_named() -> None:
    with pytest.raises(ValueError, match="not a condition expression"):
        Expressions(None, None).condition("a = b", kind="UpdateExpression")


# -- tokens -------------------------------------------------------------------------------------


def test_tokens_need_no_spaces() -> None:
    tokens = tokenize("#a.b[10]<>:v")
    assert [(token.kind, token.text) for token in tokens] == [
        (TokenKind.ATTRIBUTE_NAME, "#a"),
        (TokenKind.OPERATOR, "."),
        (TokenKind.NAME, "b"),
        (TokenKind.OPERATOR, "["),
        (TokenKind.NUMBER, "10"),
        (TokenKind.OPERATOR, "]"),
        (TokenKind.OPERATOR, "<>"),
        (TokenKind.ATTRIBUTE_VALUE, ":v"),
        (TokenKind.EOF, "<EOF>"),
    ]


def test_tokens_keep_their_place_in_the_text() -> None:
    tokens = tokenize("  a <= b ")
    assert [(token.start, token.end) for token in tokens] == [(2, 3), (4, 6), (7, 8), (9, 9)]


def test_unknown_characters_are_single_tokens() -> None:
    assert [token.kind for token in tokenize("a!é")] == [
        TokenKind.NAME,
        TokenKind.UNKNOWN,
        TokenKind.UNKNOWN,
        TokenKind.EOF,
    ]


def test_keywords_compare_upper_case() -> None:
    name, value = tokenize("between :v")[:2]
    assert name.word == "BETWEEN"
    assert value.word == ""


# -- reserved words -----------------------------------------------------------------------------


def test_the_reserved_word_list() -> None:
    assert len(RESERVED_WORDS) == 573
    assert {"ABORT", "ZONE", "STATUS", "NAME", "DATA", "TTL"} <= RESERVED_WORDS
    assert all(word == word.upper() for word in RESERVED_WORDS)


@pytest.mark.parametrize(("name", "reserved"), [("status", True), ("Status", True), ("statuses", False), ("pk", False)])
def test_reserved_words_ignore_case(name: str, reserved: bool) -> None:
    assert is_reserved(name) is reserved


# -- the parse cache ----------------------------------------------------------------------------


def test_a_text_is_parsed_once() -> None:
    first = cache.parse("FilterExpression", "cached_attr = :v")
    assert cache.parse("FilterExpression", "cached_attr = :v") is first
    assert cache.parse("ConditionExpression", "cached_attr = :v") is not first


def test_errors_are_cached_too_and_still_raised() -> None:
    for _ in range(2):
        assert message(lambda: Expressions(None, None).projection("a,,")).startswith(
            "Invalid ProjectionExpression: Syntax error"
        )


def test_the_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "CACHE_SIZE", 3)
    monkeypatch.setattr(cache, "_cache", {})
    for index in range(10):
        cache.parse("ProjectionExpression", f"a{index}")
    assert len(cache._cache) == 3
