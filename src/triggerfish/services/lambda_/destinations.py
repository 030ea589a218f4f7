"""Invocation records for destinations, and the original event for dead-letter queues (spec §1.3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from triggerfish.core.delivery import Delivery, MessageAttribute


class Condition:
    SUCCESS = "Success"
    RETRIES_EXHAUSTED = "RetriesExhausted"
    EVENT_AGE_EXCEEDED = "EventAgeExceeded"
    # Reserved concurrency 0 sends events straight to the failure destination (spec §1.3).
    ZERO_RESERVED_CONCURRENCY = "ZeroReservedConcurrency"


def invocation_record(
    *,
    request_id: str,
    function_arn: str,
    condition: str,
    invoke_count: int,
    event: bytes,
    response: bytes | None,
    function_error: str | None,
    status_code: int,
    now: float,
    executed_version: str = "$LATEST",
) -> dict[str, Any]:
    """The record's fields in AWS's order; ``functionError`` is left out on success."""
    response_context: dict[str, Any] = {"statusCode": status_code, "executedVersion": executed_version}
    if function_error:
        response_context["functionError"] = function_error
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": iso_millis(now),
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
        "requestPayload": _json_or_text(event),
        "responseContext": response_context,
    }
    if response is not None:
        record["responsePayload"] = _json_or_text(response)
    return record


def record_delivery(record: dict[str, Any], success: bool) -> Delivery:
    outcome = "Success" if success else "Failure"
    return Delivery(
        body=orjson.dumps(record).decode(),
        detail_type=f"Lambda Function Invocation Result - {outcome}",
        source="lambda",
        resources=(record["requestContext"]["functionArn"],),
    )


def dead_letter_delivery(event: bytes, request_id: str, error_code: int, error_message: str) -> Delivery:
    """The original event with the three attributes Lambda adds (spec §1.3)."""
    return Delivery(
        body=event.decode("utf-8", "replace"),
        attributes={
            "RequestID": MessageAttribute("String", request_id),
            "ErrorCode": MessageAttribute("Number", str(error_code)),
            "ErrorMessage": MessageAttribute("String", error_message.encode()[:1024].decode("utf-8", "ignore")),
        },
    )


def error_message_of(response: bytes | None) -> str:
    if not response:
        return ""
    try:
        value = orjson.loads(response)
    except orjson.JSONDecodeError:
        return response.decode("utf-8", "replace")
    if isinstance(value, dict):
        return str(value.get("errorMessage", ""))
    return ""


def iso_millis(epoch: float) -> str:
    moment = dt.datetime.fromtimestamp(epoch, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _json_or_text(data: bytes) -> Any:
    if not data:
        return None
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return data.decode("utf-8", "replace")
