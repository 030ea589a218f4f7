"""Scalars, headers, host names and validation wording, below the protocol level."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from triggerfish.aws.protocol import Headers, HttpRequest, load_service
from triggerfish.aws.protocol.model import as_structure
from triggerfish.aws.protocol.rest import split_header_list
from triggerfish.aws.protocol.rest_xml import virtual_host_bucket
from triggerfish.aws.protocol.scalars import ScalarError, format_timestamp, parse_timestamp
from triggerfish.aws.protocol.validation import describe, find_violations, render

STAMP = datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("2025-01-02T03:04:05.123456Z", "iso8601", STAMP),
        ("2025-01-02T03:04:05.1234564Z", "iso8601", STAMP),
        ("2025-01-02T05:04:05.123456+02:00", "iso8601", STAMP),
        ("2025-01-02T03:04:05Z", "iso8601", STAMP.replace(microsecond=0)),
        ("Thu, 02 Jan 2025 03:04:05 GMT", "rfc822", STAMP.replace(microsecond=0)),
        ("Thu, 02 Jan 2025 03:04:05 GMT", "iso8601", STAMP.replace(microsecond=0)),
        ("1735787045.123456", "unixTimestamp", STAMP),
        (Decimal("1735787045.123456"), "unixTimestamp", STAMP),
        (1735787045, "unixTimestamp", STAMP.replace(microsecond=0)),
    ],
)
def test_timestamps_are_read_in_any_format(text: str | Decimal | int, fmt: str, expected: datetime) -> None:
    assert parse_timestamp(text, fmt) == expected


@pytest.mark.parametrize("text", ["yesterday", "2025-13-01T00:00:00Z", "", "NaN"])
def test_bad_timestamps(text: str) -> None:
    with pytest.raises(ScalarError):
        parse_timestamp(text, "iso8601")


def test_timestamps_are_written_per_format() -> None:
    assert format_timestamp(STAMP, "iso8601") == "2025-01-02T03:04:05.123456Z"
    assert format_timestamp(STAMP.replace(microsecond=123000), "iso8601") == "2025-01-02T03:04:05.123Z"
    assert format_timestamp(STAMP, "rfc822") == "Thu, 02 Jan 2025 03:04:05 GMT"
    assert format_timestamp(STAMP, "unixTimestamp") == 1735787045.123456
    assert format_timestamp(STAMP.replace(microsecond=0), "unixTimestamp") == 1735787045
    naive = datetime(2025, 1, 2, 3, 4, 5)
    assert format_timestamp(naive, "iso8601") == "2025-01-02T03:04:05.000Z"


def test_headers() -> None:
    headers = Headers([("Content-Type", "a"), ("x-amz-meta-A", "1"), ("X-AMZ-META-a", "2")])
    assert headers["content-type"] == "a"
    assert headers["x-amz-meta-a"] == "1, 2"
    assert "CONTENT-TYPE" in headers
    assert list(headers) == ["Content-Type", "x-amz-meta-A"]
    assert headers.with_items({"content-type": "b"})["Content-Type"] == "b"
    assert "content-type" not in headers.without("Content-Type")
    assert Headers({"A": "1"}) == Headers({"a": "1"})


def test_request_host_drops_the_port() -> None:
    assert HttpRequest("GET", "/", headers=Headers({"Host": "B.Localhost:4566"})).host == "b.localhost"
    assert HttpRequest("GET", "/", headers=Headers({"Host": "[::1]:4566"})).host == "[::1]"


@pytest.mark.parametrize(
    ("host", "bucket"),
    [
        ("photos.s3.localhost.localstack.cloud", "photos"),
        ("my.dotted.bucket.s3.us-east-1.amazonaws.com", "my.dotted.bucket"),
        ("photos.s3-website-us-east-1.amazonaws.com", "photos"),
        ("photos.localhost", "photos"),
        ("s3.localhost.localstack.cloud", None),
        ("s3.localhost", None),
        ("s3-website.localhost", None),
        ("localhost", None),
        ("127.0.0.1", None),
        ("sqs.us-east-1.amazonaws.com", None),
    ],
)
def test_virtual_host_buckets(host: str, bucket: str | None) -> None:
    assert virtual_host_bucket(host) == bucket


def test_header_lists_respect_quotes() -> None:
    assert split_header_list('a, "b,c", "d \\"e\\""') == ["a", "b,c", 'd "e"']
    assert split_header_list("") == []


def test_structures_render_like_the_java_services() -> None:
    # the form of a recorded EventBridge answer (corpus/recorded/localstack-snapshots/events)
    shape = as_structure(load_service("events").operation_model("PutEvents").input_shape)  # type: ignore[arg-type]
    entries = [{"Source": "core.update", "DetailType": "cmd", "Detail": '{"a": 1}'}]
    text = render(shape.members["Entries"], entries)
    assert text.startswith(
        "[PutEventsRequestEntry(time=null, source=core.update, resources=null, detailType=cmd, "
        'detail={"a": 1}, eventBusName=null'
    )
    assert text.endswith(")]")


def test_violations_are_counted_and_joined() -> None:
    shape = load_service("kinesis").operation_model("CreateStream").input_shape
    assert shape is not None
    violations = find_violations(shape, {"StreamName": "", "ShardCount": 0})
    assert describe(violations) == (
        "3 validation errors detected: Value '' at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
        "Value '' at 'streamName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; "
        "Value '0' at 'shardCount' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_only_required_members_when_constraints_are_off() -> None:
    shape = load_service("kinesis").operation_model("CreateStream").input_shape
    assert shape is not None
    assert find_violations(shape, {"StreamName": ""}, constraints=False) == []
    assert [v.path for v in find_violations(shape, {}, constraints=False)] == ["streamName"]
