"""Sample events: realistic identifiers around the values people choose."""

from __future__ import annotations

import base64
import re

from triggerfish.core.payloads import identifiers, samples
from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.dynamodb import StreamEventName, StreamViewType

_CONTEXT = samples.SampleContext(region="eu-west-1", account="123456789012", now=1700000123.456)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def test_s3_samples() -> None:
    [created] = samples.object_created(_CONTEXT, bucket="b", key="a b.txt", size=5)["Records"]
    assert created["eventName"] == "ObjectCreated:Put"
    assert created["awsRegion"] == "eu-west-1"
    assert created["s3"]["object"]["key"] == "a+b.txt"
    assert created["s3"]["object"]["size"] == 5
    assert re.fullmatch(r"[0-9a-f]{32}", created["s3"]["object"]["eTag"])
    assert re.fullmatch(r"[0-9A-F]{16}", created["responseElements"]["x-amz-request-id"])
    assert re.fullmatch(r"AWS:AIDA[0-9A-Z]{17}", created["userIdentity"]["principalId"])
    [removed] = samples.object_removed(_CONTEXT, bucket="b", key="k")["Records"]
    assert removed["eventName"] == "ObjectRemoved:Delete"
    assert "size" not in removed["s3"]["object"]


def test_queue_and_topic_samples() -> None:
    attributes = {"n": MessageAttribute("Number", "1")}
    [message] = samples.queue_message(_CONTEXT, queue="q", body="hi", message_attributes=attributes)["Records"]
    assert _UUID.fullmatch(message["messageId"])
    assert message["eventSourceARN"] == "arn:aws:sqs:eu-west-1:123456789012:q"
    assert message["attributes"]["SentTimestamp"] == "1700000123456"
    assert "md5OfMessageAttributes" in message
    [note] = samples.topic_notification(_CONTEXT, topic="t", message="m", subject=None, message_attributes={})[
        "Records"
    ]
    assert note["Sns"]["TopicArn"] == "arn:aws:sns:eu-west-1:123456789012:t"
    assert note["EventSubscriptionArn"].startswith("arn:aws:sns:eu-west-1:123456789012:t:")
    assert len(base64.b64decode(note["Sns"]["Signature"])) == 256
    assert note["Sns"]["Subject"] is None


def test_eventbridge_samples() -> None:
    event = samples.custom_event(_CONTEXT, source="app", detail_type="Done", detail={"a": 1}, resources=["arn:x"])
    assert (event["source"], event["detail-type"], event["detail"], event["resources"]) == (
        "app",
        "Done",
        {"a": 1},
        ["arn:x"],
    )
    scheduled = samples.schedule_fired(_CONTEXT, rule="nightly")
    assert scheduled["time"] == "2023-11-14T22:15:00Z"
    assert scheduled["resources"] == ["arn:aws:events:eu-west-1:123456789012:rule/nightly"]


def test_http_samples() -> None:
    request = samples.HttpRequest(
        method="POST", path="/orders/7", query=[("a", "1")], headers=[("X-Id", "9")], body="{}"
    )
    rest = samples.rest_api_request(_CONTEXT, request=request, stage="prod")
    assert rest["resource"] == "/{proxy+}"
    assert rest["pathParameters"] == {"proxy": "orders/7"}
    assert rest["requestContext"]["path"] == "/prod/orders/7"
    assert rest["headers"] is not None
    assert rest["headers"]["Content-Type"] == "application/json"
    assert rest["headers"]["X-Id"] == "9"
    assert rest["headers"]["Host"] == rest["requestContext"]["domainName"]
    root = samples.rest_api_request(_CONTEXT, request=samples.HttpRequest(), stage="prod")
    assert (root["resource"], root["pathParameters"], root["body"]) == ("/", None, None)
    http = samples.http_api_request(_CONTEXT, request=request, stage="prod")
    assert http["rawPath"] == http["requestContext"]["http"]["path"] == "/prod/orders/7"
    assert http["rawQueryString"] == "a=1"
    assert samples.http_api_request(_CONTEXT, request=request, stage="$default")["rawPath"] == "/orders/7"
    plain = samples.http_api_request(_CONTEXT, request=samples.HttpRequest(body="not json"), stage="$default")
    assert plain["headers"]["content-type"] == "text/plain"


def test_function_url_samples() -> None:
    request = samples.HttpRequest(headers=[("User-Agent", "mine")])
    open_url = samples.function_url_request(_CONTEXT, request=request, iam=False)
    assert open_url["requestContext"]["accountId"] == "anonymous"
    assert open_url["headers"]["user-agent"] == "mine"
    assert open_url["headers"]["x-amzn-tls-version"] == "TLSv1.3"
    assert re.fullmatch(r"[a-z0-9]{32}", open_url["requestContext"]["apiId"])
    signed = samples.function_url_request(_CONTEXT, request=request, iam=True)
    assert signed["requestContext"]["authorizer"]["iam"]["accountId"] == "123456789012"


def test_dynamodb_and_kinesis_samples() -> None:
    [change] = samples.item_changed(
        _CONTEXT,
        table="T",
        event_name=StreamEventName.MODIFY,
        keys={"pk": "a"},
        new_image={"pk": "a", "n": 2},
        old_image={"pk": "a", "n": 1},
        stream_view_type=StreamViewType.NEW_IMAGE,
    )["Records"]
    assert change["dynamodb"]["Keys"] == {"pk": {"S": "a"}}
    assert change["dynamodb"]["NewImage"] == {"pk": {"S": "a"}, "n": {"N": "2"}}
    assert "OldImage" not in change["dynamodb"]
    assert change["eventSourceARN"].startswith("arn:aws:dynamodb:eu-west-1:123456789012:table/T/stream/")
    assert re.fullmatch(r"\d{28}", change["dynamodb"]["SequenceNumber"])
    [record] = samples.stream_record(_CONTEXT, stream="s", partition_key="p", data=b"x")["Records"]
    assert record["kinesis"]["data"] == "eA=="
    assert record["kinesis"]["approximateArrivalTimestamp"] == 1700000123.456
    assert re.fullmatch(r"49\d{54}", record["kinesis"]["sequenceNumber"])
    assert record["eventID"] == f"shardId-000000000000:{record['kinesis']['sequenceNumber']}"


def test_identifier_shapes() -> None:
    assert re.fullmatch(r"AIDA[0-9A-Z]{17}", identifiers.iam_user_id())
    assert re.fullmatch(r"AKIA[0-9A-Z]{16}", identifiers.access_key_id())
    assert re.fullmatch(r"[1-9]\d{9}", identifiers.digits(10))
    assert re.fullmatch(r"[A-Za-z0-9]{15}=", identifiers.gateway_request_id())
    assert re.fullmatch(r"Root=1-6553f100-[0-9a-f]{24}", identifiers.trace_header(1700000000.9))
