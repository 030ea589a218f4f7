"""Invocation records for destinations and the dead-letter delivery, in AWS's shapes (spec §1.3)."""

from __future__ import annotations

import json

import orjson
import pytest

from triggerfish.services.due_queue import throttle_backoff
from triggerfish.services.lambda_ import destinations
from triggerfish.services.lambda_.async_invocations import LastResult
from triggerfish.store.interfaces import AsyncEvent

ARN = "arn:aws:lambda:us-east-1:000000000000:function:orders:$LATEST"
NOW = 1_700_000_000.25  # 2023-11-14T22:13:20.250Z


def _record(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "request_id": "rid-1",
        "function_arn": ARN,
        "condition": destinations.Condition.SUCCESS,
        "invoke_count": 1,
        "event": b'{"order": 1}',
        "response": b'{"ok": true}',
        "function_error": None,
        "status_code": 200,
        "now": NOW,
    }
    values.update(overrides)
    return destinations.invocation_record(**values)  # type: ignore[arg-type]


def test_success_record_shape_and_key_order() -> None:
    record = _record()
    assert record == {
        "version": "1.0",
        "timestamp": "2023-11-14T22:13:20.250Z",
        "requestContext": {
            "requestId": "rid-1",
            "functionArn": ARN,
            "condition": "Success",
            "approximateInvokeCount": 1,
        },
        "requestPayload": {"order": 1},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": {"ok": True},
    }
    assert list(record) == [
        "version",
        "timestamp",
        "requestContext",
        "requestPayload",
        "responseContext",
        "responsePayload",
    ]
    assert list(json.loads(orjson.dumps(record))["requestContext"]) == [
        "requestId",
        "functionArn",
        "condition",
        "approximateInvokeCount",
    ]


def test_failure_record_has_function_error() -> None:
    error = b'{"errorMessage": "x", "errorType": "ValueError", "requestId": "rid-1", "stackTrace": []}'
    record = _record(
        condition=destinations.Condition.RETRIES_EXHAUSTED, invoke_count=3, response=error, function_error="Unhandled"
    )
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["requestContext"]["condition"] == "RetriesExhausted"  # type: ignore[index]
    assert record["requestContext"]["approximateInvokeCount"] == 3  # type: ignore[index]
    assert record["responsePayload"] == orjson.loads(error)


def test_record_without_any_attempt_has_no_response_payload() -> None:
    record = _record(condition=destinations.Condition.EVENT_AGE_EXCEEDED, invoke_count=0, response=None)
    assert "responsePayload" not in record
    assert record["requestContext"]["condition"] == "EventAgeExceeded"  # type: ignore[index]


def test_payloads_that_are_not_json_objects() -> None:
    record = _record(event=b"[1, 2]", response=b"null")
    assert record["requestPayload"] == [1, 2]
    assert record["responsePayload"] is None
    assert "responsePayload" in record


@pytest.mark.parametrize(("success", "suffix"), [(True, "Success"), (False, "Failure")])
def test_record_delivery_for_event_buses(success: bool, suffix: str) -> None:
    record = _record()
    delivery = destinations.record_delivery(record, success=success)
    assert json.loads(delivery.body) == record
    assert list(json.loads(delivery.body)) == list(record)
    assert delivery.detail_type == f"Lambda Function Invocation Result - {suffix}"
    assert delivery.source == "lambda"
    assert delivery.resources == (ARN,)
    assert dict(delivery.attributes) == {}


def test_dead_letter_delivery() -> None:
    body = b'{"order":  1}'
    delivery = destinations.dead_letter_delivery(body, "rid-9", 200, "card declined")
    assert delivery.body == '{"order":  1}'
    attributes = {name: (a.data_type, a.string_value) for name, a in delivery.attributes.items()}
    assert attributes == {
        "RequestID": ("String", "rid-9"),
        "ErrorCode": ("Number", "200"),
        "ErrorMessage": ("String", "card declined"),
    }


def test_dead_letter_message_is_cut_at_1_kb_on_a_character_boundary() -> None:
    delivery = destinations.dead_letter_delivery(b"{}", "rid", 200, "€" * 400)  # 3 bytes each
    message = delivery.attributes["ErrorMessage"].string_value
    assert message == "€" * 341
    assert len(message.encode()) == 1023


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (b'{"errorMessage": "boom", "errorType": "E"}', "boom"),
        (b'{"errorType": "Sandbox.Timedout"}', ""),
        (b"[1]", ""),
        (b"not json", "not json"),
        (None, ""),
        (b"", ""),
    ],
)
def test_error_message_of(response: bytes | None, message: str) -> None:
    assert destinations.error_message_of(response) == message


@pytest.mark.parametrize(
    ("epoch", "text"),
    [
        (0.0, "1970-01-01T00:00:00.000Z"),
        (NOW, "2023-11-14T22:13:20.250Z"),
        (1_700_000_000.9999, "2023-11-14T22:13:20.999Z"),
    ],
)
def test_timestamps_have_milliseconds_and_z(epoch: float, text: str) -> None:
    assert destinations.iso_millis(epoch) == text


def test_last_result_round_trip() -> None:
    result = LastResult(b'{"errorMessage": "x"}', "Unhandled", 200)
    assert LastResult.loads(result.dumps()) == result
    assert LastResult.loads(None) is None
    assert LastResult.loads("") is None


@pytest.mark.parametrize(
    ("waited", "backoff"),
    [(0.0, 1.0), (0.5, 1.0), (1.0, 1.0), (7.5, 7.5), (299.0, 299.0), (301.0, 300.0), (9e9, 300.0)],
)
def test_throttle_backoff_doubles_between_one_second_and_five_minutes(waited: float, backoff: float) -> None:
    event = AsyncEvent("id", ARN, b"{}", enqueued_at=NOW, due_at=NOW)
    assert throttle_backoff(event, NOW + waited) == backoff
