"""CloudWatch Logs with boto3 over real HTTP: groups, streams, events, subscription filters, tags,
TestMetricFilter and the error answers, through the logs provider and a real LogsService."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from logs_endpoint import LogsEndpoint

ARN = "arn:aws:logs:us-east-1:000000000000:log-group:"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LogsEndpoint]:
    thread = LogsEndpoint()
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def logs(endpoint: LogsEndpoint) -> Any:
    return endpoint.logs()


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_group_lifecycle(logs: Any) -> None:
    logs.create_log_group(logGroupName="/app/life", tags={"team": "a"})
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_group(logGroupName="/app/life")
    assert _error(excinfo)[0] == "ResourceAlreadyExistsException"
    assert _error(excinfo)[2] == 400
    (group,) = logs.describe_log_groups(logGroupNamePrefix="/app/life")["logGroups"]
    assert group["logGroupName"] == "/app/life"
    assert group["arn"] == f"{ARN}/app/life:*"
    assert group["logGroupArn"] == f"{ARN}/app/life"
    assert group["storedBytes"] == 0
    assert group["metricFilterCount"] == 0
    assert group["logGroupClass"] == "STANDARD"
    assert abs(group["creationTime"] - time.time() * 1000) < 60_000
    assert "retentionInDays" not in group

    logs.put_retention_policy(logGroupName="/app/life", retentionInDays=7)
    assert logs.describe_log_groups(logGroupNamePrefix="/app/life")["logGroups"][0]["retentionInDays"] == 7
    logs.delete_retention_policy(logGroupName="/app/life")
    assert "retentionInDays" not in logs.describe_log_groups(logGroupNamePrefix="/app/life")["logGroups"][0]

    logs.delete_log_group(logGroupName="/app/life")
    assert logs.describe_log_groups(logGroupNamePrefix="/app/life")["logGroups"] == []
    with pytest.raises(ClientError) as excinfo:
        logs.delete_log_group(logGroupName="/app/life")
    assert _error(excinfo) == ("ResourceNotFoundException", "The specified log group does not exist.", 400)


def test_describe_groups_pages_and_filters(logs: Any) -> None:
    for name in ("/page/a", "/page/b", "/page/c"):
        logs.create_log_group(logGroupName=name)
    first = logs.describe_log_groups(logGroupNamePrefix="/page/", limit=2)
    assert [g["logGroupName"] for g in first["logGroups"]] == ["/page/a", "/page/b"]
    second = logs.describe_log_groups(logGroupNamePrefix="/page/", limit=2, nextToken=first["nextToken"])
    assert [g["logGroupName"] for g in second["logGroups"]] == ["/page/c"]
    assert "nextToken" not in second
    paginated = logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix="/page/", limit=1)
    assert [g["logGroupName"] for page in paginated for g in page["logGroups"]] == ["/page/a", "/page/b", "/page/c"]
    assert [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePattern="ge/b")["logGroups"]] == ["/page/b"]
    by_identifier = logs.describe_log_groups(logGroupIdentifiers=[f"{ARN}/page/c", "/page/a"])["logGroups"]
    assert [g["logGroupName"] for g in by_identifier] == ["/page/a", "/page/c"]
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_groups(logGroupNamePrefix="/page/", logGroupNamePattern="page")
    assert _error(excinfo)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_groups(nextToken="garbage")
    assert _error(excinfo)[0] == "InvalidParameterException"


def test_tags_through_both_apis(logs: Any) -> None:
    logs.create_log_group(logGroupName="/tags/g", tags={"a": "1"})
    logs.tag_log_group(logGroupName="/tags/g", tags={"b": "2"})
    assert logs.list_tags_log_group(logGroupName="/tags/g")["tags"] == {"a": "1", "b": "2"}
    arn = f"{ARN}/tags/g"
    logs.tag_resource(resourceArn=arn, tags={"c": "3"})
    logs.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert logs.list_tags_for_resource(resourceArn=arn)["tags"] == {"b": "2", "c": "3"}
    logs.untag_log_group(logGroupName="/tags/g", tags=["b"])
    assert logs.list_tags_log_group(logGroupName="/tags/g")["tags"] == {"c": "3"}
    with pytest.raises(ClientError) as excinfo:
        logs.list_tags_for_resource(resourceArn=f"{ARN}/tags/missing")
    assert _error(excinfo)[0] == "ResourceNotFoundException"


def test_streams_and_events(logs: Any) -> None:
    logs.create_log_group(logGroupName="/ev/g")
    logs.create_log_stream(logGroupName="/ev/g", logStreamName="s1")
    logs.create_log_stream(logGroupName="/ev/g", logStreamName="s2")
    with pytest.raises(ClientError) as excinfo:
        logs.create_log_stream(logGroupName="/ev/g", logStreamName="s1")
    assert _error(excinfo)[0] == "ResourceAlreadyExistsException"
    now = int(time.time() * 1000)
    answer = logs.put_log_events(
        logGroupName="/ev/g",
        logStreamName="s1",
        logEvents=[{"timestamp": now - 2, "message": "hello ERROR one"}, {"timestamp": now, "message": "two"}],
    )
    assert "rejectedLogEventsInfo" not in answer
    logs.put_log_events(logGroupName="/ev/g", logStreamName="s2", logEvents=[{"timestamp": now - 1, "message": "x"}])

    streams = logs.describe_log_streams(logGroupIdentifier=f"{ARN}/ev/g")["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["s1", "s2"]
    assert streams[0]["arn"] == f"{ARN}/ev/g:log-stream:s1"
    assert streams[0]["firstEventTimestamp"] == now - 2
    assert streams[0]["lastEventTimestamp"] == now
    ordered = logs.describe_log_streams(logGroupName="/ev/g", orderBy="LastEventTime", descending=True)
    assert [s["logStreamName"] for s in ordered["logStreams"]] == ["s1", "s2"]
    with pytest.raises(ClientError) as excinfo:
        logs.describe_log_streams(logGroupName="/ev/g", logGroupIdentifier="/ev/g")
    assert _error(excinfo)[0] == "InvalidParameterException"

    got = logs.get_log_events(logGroupName="/ev/g", logStreamName="s1", startFromHead=True)
    assert [(e["timestamp"], e["message"]) for e in got["events"]] == [(now - 2, "hello ERROR one"), (now, "two")]
    assert got["nextForwardToken"].startswith("f/") and got["nextBackwardToken"].startswith("b/")

    filtered = logs.filter_log_events(logGroupName="/ev/g", interleaved=True)
    assert [(e["logStreamName"], e["message"]) for e in filtered["events"]] == [
        ("s1", "hello ERROR one"),
        ("s2", "x"),
        ("s1", "two"),
    ]
    assert len({e["eventId"] for e in filtered["events"]}) == 3
    assert "nextToken" not in filtered
    assert {s["logStreamName"] for s in filtered["searchedLogStreams"]} == {"s1", "s2"}
    matching = logs.filter_log_events(logGroupName="/ev/g", filterPattern="ERROR")["events"]
    assert [e["message"] for e in matching] == ["hello ERROR one"]
    only_s2 = logs.filter_log_events(logGroupIdentifier=f"{ARN}/ev/g", logStreamNames=["s2"])["events"]
    assert [e["message"] for e in only_s2] == ["x"]
    paged = logs.filter_log_events(logGroupName="/ev/g", limit=2)
    rest = logs.filter_log_events(logGroupName="/ev/g", limit=2, nextToken=paged["nextToken"])
    assert [e["message"] for e in paged["events"] + rest["events"]] == ["hello ERROR one", "x", "two"]

    with pytest.raises(ClientError) as excinfo:
        logs.filter_log_events(logGroupName="/ev/g", filterPattern='{ $.a = "x" ')
    assert _error(excinfo) == ("InvalidParameterException", "Invalid filter pattern", 400)
    with pytest.raises(ClientError) as excinfo:
        logs.filter_log_events(logGroupName="/ev/missing")
    assert _error(excinfo)[0] == "ResourceNotFoundException"

    logs.delete_log_stream(logGroupName="/ev/g", logStreamName="s2")
    assert [s["logStreamName"] for s in logs.describe_log_streams(logGroupName="/ev/g")["logStreams"]] == ["s1"]


def test_subscription_filters(logs: Any, endpoint: LogsEndpoint) -> None:
    logs.create_log_group(logGroupName="/sub/g")
    target = "arn:aws:lambda:us-east-1:000000000000:function:sink"
    logs.put_subscription_filter(
        logGroupName="/sub/g", filterName="errors", filterPattern="ERROR", destinationArn=target
    )
    (item,) = logs.describe_subscription_filters(logGroupName="/sub/g")["subscriptionFilters"]
    assert item["filterName"] == "errors"
    assert item["logGroupName"] == "/sub/g"
    assert item["filterPattern"] == "ERROR"
    assert item["destinationArn"] == target
    assert item["distribution"] == "ByLogStream"
    assert isinstance(item["creationTime"], int)
    assert logs.describe_subscription_filters(logGroupName="/sub/g", filterNamePrefix="x")["subscriptionFilters"] == []
    with pytest.raises(ClientError) as excinfo:
        logs.put_subscription_filter(
            logGroupName="/sub/g", filterName="bad", filterPattern='{ $.a = "x" ', destinationArn=target
        )
    code, message, _ = _error(excinfo)
    assert code == "InvalidParameterException" and message
    logs.delete_subscription_filter(logGroupName="/sub/g", filterName="errors")
    assert logs.describe_subscription_filters(logGroupName="/sub/g")["subscriptionFilters"] == []
    with pytest.raises(ClientError) as excinfo:
        logs.delete_subscription_filter(logGroupName="/sub/g", filterName="errors")
    assert _error(excinfo)[0] == "ResourceNotFoundException"


def test_test_metric_filter(logs: Any) -> None:
    answer = logs.test_metric_filter(filterPattern="ERROR", logEventMessages=["ok", "ERROR boom", "fine", "ERROR x"])
    assert answer["matches"] == [
        {"eventNumber": 2, "eventMessage": "ERROR boom", "extractedValues": {}},
        {"eventNumber": 4, "eventMessage": "ERROR x", "extractedValues": {}},
    ]
    with pytest.raises(ClientError) as excinfo:
        logs.test_metric_filter(filterPattern='{ $.a = "x" ', logEventMessages=["x"])
    assert _error(excinfo)[0] == "InvalidParameterException"
