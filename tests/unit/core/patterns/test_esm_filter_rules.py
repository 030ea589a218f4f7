"""ESM filter criteria beyond the vectors: plain-text bodies, metadata, OR-ed filters, stream payloads."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from triggerfish.core.patterns import EventSource, InvalidPattern, compile_filter_criteria
from triggerfish.core.patterns.esm import INVALID_FILTER


def _sqs(body: str, **attributes: str) -> dict[str, Any]:
    return {"messageId": "m-1", "body": body, "attributes": attributes, "eventSource": "aws:sqs"}


def _kinesis(data: bytes) -> dict[str, Any]:
    return {
        "kinesis": {"partitionKey": "p", "data": base64.b64encode(data).decode()},
        "eventSource": "aws:kinesis",
    }


def _criteria(source: EventSource, *patterns: Any) -> Any:
    return compile_filter_criteria(source, [p if isinstance(p, str) else json.dumps(p) for p in patterns])


def test_plain_text_body_against_plain_text_pattern() -> None:
    criteria = _criteria(EventSource.SQS, {"body": [{"prefix": "hello"}]})
    assert criteria.matches(_sqs("hello world"))
    assert not criteria.matches(_sqs("goodbye"))


def test_body_format_and_pattern_format_must_agree() -> None:
    json_pattern = _criteria(EventSource.SQS, {"body": {"k": [{"exists": True}]}})
    text_pattern = _criteria(EventSource.SQS, {"body": [{"prefix": "{"}]})
    assert not json_pattern.matches(_sqs("plain text"))
    assert not text_pattern.matches(_sqs('{"k": 1}'))
    assert json_pattern.matches(_sqs('{"k": 1}'))
    # A JSON array is not a JSON object, so it is filtered as text.
    assert text_pattern.matches(_sqs("[1]")) is False
    assert _criteria(EventSource.SQS, {"body": ["[1]"]}).matches(_sqs("[1]"))


def test_metadata_only_filters_ignore_the_body() -> None:
    criteria = _criteria(EventSource.SQS, {"attributes": {"ApproximateReceiveCount": ["1"]}})
    assert criteria.matches(_sqs("anything", ApproximateReceiveCount="1"))
    assert criteria.matches(_sqs('{"a": 1}', ApproximateReceiveCount="1"))
    assert not criteria.matches(_sqs("anything", ApproximateReceiveCount="2"))


def test_filters_are_or_ed_and_no_filters_pass_everything() -> None:
    criteria = _criteria(EventSource.SQS, {"body": {"a": ["1"]}}, {"body": ["ping"]})
    assert criteria.matches(_sqs('{"a": "1"}'))
    assert criteria.matches(_sqs("ping"))
    assert not criteria.matches(_sqs('{"a": "2"}'))
    assert compile_filter_criteria(EventSource.SQS, []).matches(_sqs("x"))


def test_kinesis_data_must_be_json_to_match_a_data_pattern() -> None:
    criteria = _criteria(EventSource.KINESIS, {"data": {"kind": ["a"]}})
    assert criteria.matches(_kinesis(b'{"kind": "a"}'))
    assert not criteria.matches(_kinesis(b"kind=a"))
    assert not criteria.matches(_kinesis(b"\xff\xfe"))


@pytest.mark.parametrize(
    ("source", "pattern"),
    [
        (EventSource.KINESIS, {"data": ["plain"]}),
        (EventSource.DYNAMODB, {"dynamodb": [{"exists": True}]}),
        (EventSource.SQS, {"body": {"a": []}}),
        (EventSource.SQS, "not json"),
    ],
)
def test_rejected_patterns_use_lambdas_message(source: EventSource, pattern: Any) -> None:
    with pytest.raises(InvalidPattern) as raised:
        _criteria(source, pattern)
    assert raised.value.message == INVALID_FILTER


def test_dynamodb_filters_see_the_stream_record() -> None:
    record = {
        "eventName": "MODIFY",
        "dynamodb": {
            "Keys": {"id": {"S": "1"}},
            "NewImage": {"id": {"S": "1"}, "n": {"N": "5"}},
            "OldImage": {"id": {"S": "1"}},
        },
    }
    assert _criteria(EventSource.DYNAMODB, {"eventName": ["MODIFY"]}).matches(record)
    assert _criteria(EventSource.DYNAMODB, {"dynamodb": {"NewImage": {"n": {"N": ["5"]}}}}).matches(record)
    assert not _criteria(EventSource.DYNAMODB, {"dynamodb": {"OldImage": {"n": {"N": ["5"]}}}}).matches(record)
