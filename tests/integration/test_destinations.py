"""Destinations and dead-letter queues of asynchronous invocations (spec §1.3)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from invocation_harness import BASICS, RecordingDeliverer, bus_arn, function_arn, queue_arn, topic_arn, unique

from triggerfish.cloud import Cloud

RECORD_KEYS = ["version", "timestamp", "requestContext", "requestPayload", "responseContext", "responsePayload"]
REQUEST_CONTEXT_KEYS = ["requestId", "functionArn", "condition", "approximateInvokeCount"]


def _iso_millis(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _settle_retries(cloud: Cloud) -> None:
    """Run the default two retries (after 60 s and 120 s more)."""
    cloud.settle()
    cloud.advance(60)
    cloud.settle()
    cloud.advance(120)
    cloud.settle()


def test_success_record(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("dest")
    target = queue_arn(f"{name}-ok")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    cloud.set_async_config(name, on_success=target)
    now = cloud.now()
    result = cloud.invoke(name, {"order": 42, "items": ["a", "b"]}, invocation_type="Event")
    cloud.settle()
    [delivery] = recorder.to(target)
    record = json.loads(delivery.body)
    assert list(record) == RECORD_KEYS
    assert list(record["requestContext"]) == REQUEST_CONTEXT_KEYS
    assert list(record["responseContext"]) == ["statusCode", "executedVersion"]  # no functionError
    assert record == {
        "version": "1.0",
        "timestamp": _iso_millis(now),
        "requestContext": {
            "requestId": result.request_id,
            "functionArn": f"{function_arn(name)}:$LATEST",
            "condition": "Success",
            "approximateInvokeCount": 1,
        },
        "requestPayload": {"order": 42, "items": ["a", "b"]},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": {"order": 42, "items": ["a", "b"]},
    }
    assert delivery.attributes == {}


def test_failure_record(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("dest")
    target = topic_arn(f"{name}-failed")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS)
    cloud.set_async_config(name, on_failure=target)
    result = cloud.invoke(name, {"message": "card declined"}, invocation_type="Event")
    _settle_retries(cloud)
    [record] = recorder.records_to(target)
    assert list(record) == RECORD_KEYS
    assert list(record["requestContext"]) == REQUEST_CONTEXT_KEYS
    assert list(record["responseContext"]) == ["statusCode", "executedVersion", "functionError"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["timestamp"])
    assert record["requestContext"] == {
        "requestId": result.request_id,
        "functionArn": f"{function_arn(name)}:$LATEST",
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 3,
    }
    assert record["requestPayload"] == {"message": "card declined"}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    last_attempt = cloud.invocations_of(name)[-1]
    assert record["responsePayload"] == last_attempt.result_json()
    assert record["responsePayload"]["errorType"] == "ValueError"
    assert record["responsePayload"]["errorMessage"] == "card declined"


@pytest.mark.parametrize(("handler", "outcome"), [("app.echo", "Success"), ("app.fail", "Failure")])
def test_eventbridge_destination(
    virtual_cloud: Cloud, recorder: RecordingDeliverer, handler: str, outcome: str
) -> None:
    cloud = virtual_cloud
    name = unique("dest")
    bus = bus_arn(f"{name}-bus")
    cloud.create_function(name, handler=handler, code_dir=BASICS)
    cloud.set_async_config(name, maximum_retry_attempts=0, on_success=bus, on_failure=bus)
    cloud.invoke(name, {"n": 1}, invocation_type="Event")
    cloud.settle()
    [delivery] = recorder.to(bus)
    assert delivery.detail_type == f"Lambda Function Invocation Result - {outcome}"
    assert delivery.source == "lambda"
    assert f"{function_arn(name)}:$LATEST" in delivery.resources
    detail = json.loads(delivery.body)
    assert detail["requestContext"]["condition"] == ("Success" if outcome == "Success" else "RetriesExhausted")


def test_dead_letter_queue_gets_the_original_event(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("dlq")
    dead_letters = queue_arn(f"{name}-dlq")
    failures = queue_arn(f"{name}-failures")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS, dead_letter_target=dead_letters)
    cloud.set_async_config(name, on_failure=failures)
    payload = b'{"message":  "out of stock",   "sku": "A-1"}'  # kept byte for byte, spacing and all
    result = cloud.invoke(name, payload=payload, invocation_type="Event")
    cloud.settle()
    cloud.advance(60)
    cloud.settle()
    assert recorder.to(dead_letters) == []  # not before the retries are used up
    cloud.advance(120)
    cloud.settle()
    [dead] = recorder.to(dead_letters)
    assert dead.body == payload.decode()
    assert set(dead.attributes) == {"RequestID", "ErrorCode", "ErrorMessage"}
    assert (dead.attributes["RequestID"].data_type, dead.attributes["RequestID"].string_value) == (
        "String",
        result.request_id,
    )
    assert (dead.attributes["ErrorCode"].data_type, dead.attributes["ErrorCode"].string_value) == ("Number", "200")
    assert (dead.attributes["ErrorMessage"].data_type, dead.attributes["ErrorMessage"].string_value) == (
        "String",
        "out of stock",
    )
    # the on-failure destination gets its record as well
    assert len(recorder.to(failures)) == 1


def test_dead_letter_topic(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("dlq")
    dead_letters = topic_arn(f"{name}-dlq")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS)
    cloud.update_function(name, dead_letter_target=dead_letters)
    cloud.set_async_config(name, maximum_retry_attempts=0)
    result = cloud.invoke(name, {"message": "to the topic"}, invocation_type="Event")
    cloud.settle()
    [dead] = recorder.to(dead_letters)
    assert json.loads(dead.body) == {"message": "to the topic"}
    assert dead.attributes["RequestID"].string_value == result.request_id
    assert dead.attributes["ErrorMessage"].string_value == "to the topic"


def test_dead_letter_message_is_cut_to_1_kb(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("dlq")
    dead_letters = queue_arn(f"{name}-dlq")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS, dead_letter_target=dead_letters)
    cloud.set_async_config(name, maximum_retry_attempts=0)
    cloud.invoke(name, {"message": "é" * 1000}, invocation_type="Event")
    cloud.settle()
    [dead] = recorder.to(dead_letters)
    message = dead.attributes["ErrorMessage"].string_value
    assert message is not None
    assert len(message.encode()) <= 1024
    assert message == "é" * 512


def test_success_does_not_reach_the_dead_letter_queue(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("dlq")
    dead_letters = queue_arn(f"{name}-dlq")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS, dead_letter_target=dead_letters)
    cloud.invoke(name, {}, invocation_type="Event")
    cloud.settle()
    assert len(cloud.invocations_of(name)) == 1
    assert recorder.to(dead_letters) == []


def test_function_destination_is_invoked_asynchronously_with_the_record(virtual_cloud: Cloud) -> None:
    cloud = virtual_cloud
    source, target = unique("source"), unique("target")
    cloud.create_function(target, handler="app.echo", code_dir=BASICS)
    cloud.create_function(source, handler="app.echo", code_dir=BASICS)
    cloud.set_async_config(source, on_success=function_arn(target))
    result = cloud.invoke(source, {"chain": 1}, invocation_type="Event")
    cloud.settle()
    [delivered] = cloud.invocations_of(target)
    assert delivered.invocation_type == "Event"
    assert delivered.request_id != result.request_id
    record = delivered.event_json()
    assert isinstance(record, dict)
    assert list(record) == RECORD_KEYS
    assert record["requestContext"]["requestId"] == result.request_id
    assert record["requestContext"]["functionArn"] == f"{function_arn(source)}:$LATEST"
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestPayload"] == record["responsePayload"] == {"chain": 1}


def test_failed_delivery_does_not_hold_up_the_queue(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("dest")
    dead_letters = queue_arn(f"{name}-dlq")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS, dead_letter_target=dead_letters)
    # a function that does not exist cannot take the record; the dead-letter queue still gets the event
    cloud.set_async_config(name, maximum_retry_attempts=0, on_failure=function_arn(f"{name}-missing"))
    cloud.invoke(name, {"message": "lost record"}, invocation_type="Event")
    cloud.settle()
    assert len(recorder.to(dead_letters)) == 1
    cloud.advance(3600)
    cloud.settle()
    assert len(cloud.invocations_of(name)) == 1
