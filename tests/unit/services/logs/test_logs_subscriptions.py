"""Subscription filters: quota, checks, and the gzip/base64 payload delivered to a Lambda function."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from logs_fakes import FUNCTION_ARN, RecordingLambda

from triggerfish.core.clock import VirtualClock
from triggerfish.runtime.logs import LogEvent
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import InvalidParameter, LimitExceeded, ResourceNotFound

REGION = "us-east-1"


def payloads(lambdas: RecordingLambda) -> list[dict[str, Any]]:
    found = []
    for arn, delivery in lambdas.received:
        assert arn == FUNCTION_ARN
        body = json.loads(delivery.body)
        assert list(body) == ["awslogs"] and list(body["awslogs"]) == ["data"]
        found.append(json.loads(gzip.decompress(base64.b64decode(body["awslogs"]["data"]))))
    return found


@pytest.fixture
async def now(logs: LogsService, clock: VirtualClock) -> int:
    await logs.create_log_group(REGION, "g")
    await logs.create_log_stream(REGION, "g", "s")
    return round(clock.now() * 1000)


async def test_matching_events_are_delivered_in_aws_shape(
    logs: LogsService, lambdas: RecordingLambda, now: int, settle: Callable[[], Awaitable[None]]
) -> None:
    await logs.put_subscription_filter(REGION, "g", "errors", "ERROR", FUNCTION_ARN)
    await logs.put_log_events(REGION, "g", "s", [(now - 2, "ERROR one"), (now - 1, "fine"), (now, "ERROR two")])
    await settle()
    [payload] = payloads(lambdas)
    assert list(payload) == ["messageType", "owner", "logGroup", "logStream", "subscriptionFilters", "logEvents"]
    assert payload["messageType"] == "DATA_MESSAGE"
    assert payload["owner"] == "000000000000"
    assert (payload["logGroup"], payload["logStream"]) == ("g", "s")
    assert payload["subscriptionFilters"] == ["errors"]
    stored = logs.filter_log_events(REGION, ["g"], pattern="ERROR").events
    assert payload["logEvents"] == [{"id": e.event_id, "timestamp": e.timestamp, "message": e.message} for e in stored]


async def test_nothing_is_delivered_when_nothing_matches(
    logs: LogsService, lambdas: RecordingLambda, now: int, settle: Callable[[], Awaitable[None]]
) -> None:
    await logs.put_subscription_filter(REGION, "g", "errors", "ERROR", FUNCTION_ARN)
    await logs.put_log_events(REGION, "g", "s", [(now, "all good")])
    await settle()
    assert lambdas.received == []


async def test_each_filter_delivers_separately_and_an_empty_pattern_matches_all(
    logs: LogsService, lambdas: RecordingLambda, now: int, settle: Callable[[], Awaitable[None]]
) -> None:
    await logs.put_subscription_filter(REGION, "g", "all", "", FUNCTION_ARN)
    await logs.put_subscription_filter(REGION, "g", "errors", "ERROR", FUNCTION_ARN)
    await logs.put_log_events(REGION, "g", "s", [(now, "ERROR x"), (now, "y")])
    await settle()
    by_filter = {p["subscriptionFilters"][0]: [e["message"] for e in p["logEvents"]] for p in payloads(lambdas)}
    assert by_filter == {"all": ["ERROR x", "y"], "errors": ["ERROR x"]}


async def test_function_output_flows_through_subscriptions(
    logs: LogsService, lambdas: RecordingLambda, settle: Callable[[], Awaitable[None]]
) -> None:
    group, stream = "/aws/lambda/fn", "2024/05/01/[$LATEST]ab"
    await logs.create_log_group(REGION, group)
    await logs.put_subscription_filter(REGION, group, "errors", "ERROR", FUNCTION_ARN)
    logs.sink.emit(LogEvent("fn", group, stream, 1_700_000_000.0, "START\nERROR boom\nEND\n"))
    await settle()
    [payload] = payloads(lambdas)
    assert payload["logStream"] == stream
    assert [e["message"] for e in payload["logEvents"]] == ["ERROR boom\n"]


async def test_at_most_two_filters_per_group_but_replacing_is_fine(logs: LogsService, now: int) -> None:
    await logs.put_subscription_filter(REGION, "g", "one", "", FUNCTION_ARN)
    await logs.put_subscription_filter(REGION, "g", "two", "", FUNCTION_ARN)
    await logs.put_subscription_filter(REGION, "g", "two", "ERROR", FUNCTION_ARN)
    with pytest.raises(LimitExceeded) as caught:
        await logs.put_subscription_filter(REGION, "g", "three", "", FUNCTION_ARN)
    assert caught.value.code == "LimitExceededException"
    filters = logs.describe_subscription_filters(REGION, "g")
    assert [(f.name, f.pattern, f.distribution) for f in filters] == [
        ("one", "", "ByLogStream"),
        ("two", "ERROR", "ByLogStream"),
    ]
    assert [f.name for f in logs.describe_subscription_filters(REGION, "g", prefix="t")] == ["two"]
    await logs.delete_subscription_filter(REGION, "g", "one")
    with pytest.raises(ResourceNotFound):
        await logs.delete_subscription_filter(REGION, "g", "one")


async def test_the_destination_must_exist(logs: LogsService, now: int) -> None:
    with pytest.raises(InvalidParameter, match="Could not execute the lambda function"):
        await logs.put_subscription_filter(
            REGION, "g", "f", "", "arn:aws:lambda:us-east-1:000000000000:function:missing"
        )
    with pytest.raises(InvalidParameter, match="Kinesis stream"):
        await logs.put_subscription_filter(REGION, "g", "f", "", "arn:aws:kinesis:us-east-1:000000000000:stream/s")
    with pytest.raises(InvalidParameter):
        await logs.put_subscription_filter(REGION, "g", "f", "", "not-an-arn")
    with pytest.raises(ResourceNotFound):
        await logs.put_subscription_filter(REGION, "nope", "f", "", FUNCTION_ARN)
    with pytest.raises(InvalidParameter):
        await logs.put_subscription_filter(REGION, "g", "f", "", FUNCTION_ARN, distribution="Sideways")
    assert logs.describe_subscription_filters(REGION, "g") == []
