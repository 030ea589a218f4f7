"""Builders against sample events: each sample is rebuilt from its own values with our builder, and the result
must have the sample's shape (the same keys at every level, values of the same JSON types). Where a sample
is consistent with AWS, the rebuilt event must also equal it.

Data: ``data/events/`` (provenance in ``data/SOURCES.md``). Samples that contradict the spec were left out;
``<placeholders>`` in recorded events stand for values the recording hid, and match any value.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
from shapes import assert_same_shape, is_placeholder

from triggerfish.core.payloads.apigateway import http_api_event, rest_api_event
from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.dynamodb import StreamEventName, StreamViewType, dynamodb_record
from triggerfish.core.payloads.eventbridge import eventbridge_event, scheduled_event
from triggerfish.core.payloads.function_url import IamCaller, function_url_event
from triggerfish.core.payloads.kinesis import kinesis_record
from triggerfish.core.payloads.s3 import s3_record
from triggerfish.core.payloads.sns import sns_record
from triggerfish.core.payloads.sqs import sqs_record

DATA = Path(__file__).parent / "data" / "events"
Rebuild = Callable[[dict[str, Any]], Any]


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _iso(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _number(text: Any, scale: float = 1.0) -> float:
    # recordings hide some timestamps behind placeholders; any time will do for those
    return float(text) / scale if isinstance(text, int | float) or str(text).isdigit() else 0.0


# one rebuild per source: the builder called with the values the sample carries


def _s3(record: dict[str, Any]) -> Any:
    entity, restore = record["s3"], record.get("glacierEventData", {}).get("restoreEventData")
    return s3_record(
        event_name=record["eventName"],
        bucket=entity["bucket"]["name"],
        key=unquote_plus(entity["object"]["key"]),
        region=record["awsRegion"],
        time=_iso(record["eventTime"]),
        sequencer=entity["object"]["sequencer"],
        requester=record["userIdentity"]["principalId"],
        source_ip=record["requestParameters"]["sourceIPAddress"],
        request_id=record["responseElements"]["x-amz-request-id"],
        host_id=record["responseElements"]["x-amz-id-2"],
        bucket_owner=entity["bucket"]["ownerIdentity"]["principalId"],
        configuration_id=entity["configurationId"],
        size=entity["object"].get("size"),
        etag=entity["object"].get("eTag"),
        version_id=entity["object"].get("versionId"),
        restore_expiry_time=_iso(restore["lifecycleRestorationExpiryTime"]) if restore else None,
        restore_storage_class=restore["lifecycleRestoreStorageClass"] if restore else None,
    )


def _sqs(record: dict[str, Any]) -> Any:
    attributes = record["attributes"]
    message_attributes = {
        name: MessageAttribute(
            value["dataType"],
            value.get("stringValue"),
            base64.b64decode(value["binaryValue"]) if "binaryValue" in value else None,
        )
        for name, value in record["messageAttributes"].items()
    }
    return sqs_record(
        message_id=record["messageId"],
        receipt_handle=record["receiptHandle"],
        body=record["body"],
        queue_arn=record["eventSourceARN"],
        sent_time=_number(attributes["SentTimestamp"], 1000),
        first_receive_time=_number(attributes["ApproximateFirstReceiveTimestamp"], 1000),
        receive_count=int(attributes["ApproximateReceiveCount"]),
        sender_id=attributes["SenderId"],
        message_attributes=message_attributes,
        md5_of_body=None if is_placeholder(record["md5OfBody"]) else record["md5OfBody"],
        dead_letter_queue_source_arn=attributes.get("DeadLetterQueueSourceArn"),
    )


def _sns(record: dict[str, Any]) -> Any:
    message = record["Sns"]
    return sns_record(
        topic_arn=message["TopicArn"],
        subscription_arn=record["EventSubscriptionArn"],
        message_id=message["MessageId"],
        message=message["Message"],
        time=_iso(message["Timestamp"]),
        signature=message["Signature"],
        signing_cert_url=message["SigningCertUrl"],
        unsubscribe_url=message["UnsubscribeUrl"],
        subject=message["Subject"],
        # the samples' binary values are not base64; the shape is what matters here
        message_attributes={
            name: MessageAttribute(value["Type"], value["Value"])
            for name, value in message["MessageAttributes"].items()
        },
    )


def _eventbridge(event: dict[str, Any]) -> Any:
    return eventbridge_event(
        event_id=event["id"],
        source=event["source"],
        detail_type=event["detail-type"],
        detail=event["detail"],
        account=event["account"],
        region=event["region"],
        time=_iso(event["time"]),
        resources=event["resources"],
        replay_name=event.get("replay-name"),
    )


def _scheduled(event: dict[str, Any]) -> Any:
    return scheduled_event(
        event_id=event["id"],
        rule_arn=event["resources"][0],
        account=event["account"],
        region=event["region"],
        time=_iso(event["time"]),
    )


def _rest(event: dict[str, Any]) -> Any:
    context = event["requestContext"]
    headers = [
        (name, value)
        for name, values in (event["multiValueHeaders"] or {}).items()
        # the recording hid a few multi-value lists behind one placeholder: take the single value then
        for value in (values if isinstance(values, list) else [event["headers"][name]])
    ]
    query = [
        (name, value) for name, values in (event["multiValueQueryStringParameters"] or {}).items() for value in values
    ]
    return rest_api_event(
        method=event["httpMethod"],
        path=event["path"],
        resource=event["resource"],
        stage=context["stage"],
        account=context["accountId"],
        api_id=context["apiId"],
        region="us-east-1",
        time=_number(context["requestTimeEpoch"], 1000),
        request_id=context["requestId"],
        extended_request_id=context["extendedRequestId"],
        resource_id=context["resourceId"],
        deployment_id=context["deploymentId"],
        source_ip=context["identity"]["sourceIp"],
        headers=headers,
        query=query,
        path_parameters=event["pathParameters"],
        stage_variables=event["stageVariables"],
        body=event["body"],
        is_base64_encoded=event["isBase64Encoded"],
        domain_name=context["domainName"],
        context_path=context["path"],
    )


def _http_headers(event: dict[str, Any]) -> list[tuple[str, str]]:
    cookies = [("cookie", "; ".join(event["cookies"]))] if "cookies" in event else []
    return [*event["headers"].items(), *cookies]


def _http(event: dict[str, Any]) -> Any:
    context = event["requestContext"]
    return http_api_event(
        method=context["http"]["method"],
        raw_path=event["rawPath"],
        raw_query_string=event["rawQueryString"],
        account=context["accountId"],
        api_id=context["apiId"],
        region=context["domainName"].split(".")[2],
        time=context["timeEpoch"] / 1000,
        request_id=context["requestId"],
        source_ip=context["http"]["sourceIp"],
        user_agent=context["http"]["userAgent"],
        headers=_http_headers(event),
        route_key=event["routeKey"],
        stage=context["stage"],
        path_parameters=event.get("pathParameters"),
        stage_variables=event.get("stageVariables"),
        body=event.get("body"),
        is_base64_encoded=event["isBase64Encoded"],
        domain_name=context["domainName"],
        authorizer=context.get("authorizer"),
        authentication=context.get("authentication"),
    )


def _function_url(event: dict[str, Any]) -> Any:
    context = event["requestContext"]
    iam = context.get("authorizer", {}).get("iam")
    caller = None
    if iam is not None:
        caller = IamCaller(iam["accessKey"], iam["accountId"], iam["callerId"], iam["userArn"], iam["userId"])
    return function_url_event(
        url_id=context["apiId"],
        region=context["domainName"].split(".")[2],
        account=context["accountId"],
        method=context["http"]["method"],
        raw_path=event["rawPath"],
        raw_query_string=event["rawQueryString"],
        time=context["timeEpoch"] / 1000,
        request_id=context["requestId"],
        source_ip=context["http"]["sourceIp"],
        user_agent=context["http"]["userAgent"],
        headers=_http_headers(event),
        body=event.get("body"),
        is_base64_encoded=event["isBase64Encoded"],
        caller=caller,
    )


def _dynamodb(record: dict[str, Any]) -> Any:
    change = record["dynamodb"]
    return dynamodb_record(
        event_id=record["eventID"],
        event_name=StreamEventName(record["eventName"]),
        stream_arn=record["eventSourceARN"],
        keys=change["Keys"],
        sequence_number=change["SequenceNumber"],
        stream_view_type=StreamViewType(change["StreamViewType"]),
        time=_number(change["ApproximateCreationDateTime"]),
        new_image=change.get("NewImage"),
        old_image=change.get("OldImage"),
    )


def _kinesis(record: dict[str, Any]) -> Any:
    data = record["kinesis"]
    arn = record["eventSourceARN"]
    if arn.count(":") < 5:  # a sample with an ARN cut short; any stream ARN of the region will do
        arn = f"arn:aws:kinesis:{record['awsRegion']}:123456789012:stream/example"
    return kinesis_record(
        stream_arn=arn,
        shard_id=record["eventID"].split(":", 1)[0],
        sequence_number=data["sequenceNumber"],
        partition_key=data["partitionKey"],
        data=base64.b64decode(data["data"]),
        arrival_time=_number(data["approximateArrivalTimestamp"]),
        invoke_identity_arn=record["invokeIdentityArn"],
        encryption_type=data.get("encryptionType"),
    )


# (sample file, rebuild of one record or event, whether the rebuilt event must equal the sample)
_RECORD_SAMPLES: list[tuple[str, Rebuild, bool]] = [
    # SAM's samples say eventVersion 2.0; S3 writes 2.1 for these events (spec §3.3)
    ("aws-sam-cli/rendered/s3/put.json", _s3, False),
    ("aws-sam-cli/rendered/s3/delete.json", _s3, False),
    ("powertools-lambda-python/s3Event.json", _s3, True),
    ("powertools-lambda-python/s3EventGlacier.json", _s3, False),
    ("aws-sam-cli/rendered/sqs/receive-message.json", _sqs, True),
    ("powertools-lambda-python/sqsDlqTriggerEvent.json", _sqs, True),
    ("aws-sam-cli/rendered/sns/notification.json", _sns, False),
    ("powertools-lambda-python/snsEvent.json", _sns, False),
    ("aws-sam-cli/rendered/dynamodb/update.json", _dynamodb, True),
    ("aws-sam-cli/rendered/kinesis/get-records.json", _kinesis, False),
    ("powertools-lambda-python/kinesisStreamEvent.json", _kinesis, True),
    ("aws-lambda-rust-runtime/example-kinesis-event-encrypted.json", _kinesis, True),
]
_EVENT_SAMPLES: list[tuple[str, Rebuild, bool]] = [
    ("powertools-lambda-python/eventBridgeEvent.json", _eventbridge, True),
    ("aws-lambda-rust-runtime/example-eventbridge-schedule.json", _scheduled, True),
    ("aws-lambda-java-libs/cloudwatch_event.json", _scheduled, True),
    ("aws-lambda-go/apigw-v2-request-no-authorizer.json", _http, True),
    ("powertools-lambda-typescript/apigw-http/no-auth.json", _http, True),
    ("powertools-lambda-python/lambdaFunctionUrlEvent.json", _function_url, True),
    # its apiId and domainName name the URL differently ("<urlid>", "<url-id>"): the shape must still hold
    ("powertools-lambda-python/lambdaFunctionUrlIAMEvent.json", _function_url, False),
]
_RECORDED = _load("localstack-recorded/esm-records.json")


def _record_cases() -> Iterator[Any]:
    for name, rebuild, exact in _RECORD_SAMPLES:
        for index, record in enumerate(_load(name)["Records"]):
            yield pytest.param(record, rebuild, exact, id=f"{name}[{index}]")


@pytest.mark.parametrize(("sample", "rebuild", "exact"), list(_record_cases()))
def test_records_have_the_samples_shape(sample: dict[str, Any], rebuild: Rebuild, exact: bool) -> None:
    assert_same_shape(rebuild(sample), sample, values=exact)


@pytest.mark.parametrize(("name", "rebuild", "exact"), [pytest.param(*case, id=case[0]) for case in _EVENT_SAMPLES])
def test_events_have_the_samples_shape(name: str, rebuild: Rebuild, exact: bool) -> None:
    sample = _load(name)
    assert_same_shape(rebuild(sample), sample, values=exact)


def _rest_rows() -> Iterator[Any]:
    with (DATA.parent / "apigw" / "rest_v1_proxy_request_to_event.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if "requestContext" in row["recorded_event"]:  # one row records an error response, not an event
                yield pytest.param(row["recorded_event"], id=row["name"])


@pytest.mark.parametrize("recorded", list(_rest_rows()))
def test_rest_events_have_the_shape_and_values_aws_recorded(recorded: dict[str, Any]) -> None:
    if isinstance(recorded["body"], dict):  # the recording parsed a JSON body; AWS sends the text
        recorded = {**recorded, "body": json.dumps(recorded["body"])}
    assert_same_shape(_rest(recorded), recorded, values=True)


@pytest.mark.parametrize("name", sorted(_RECORDED))
def test_records_have_the_shape_and_values_aws_recorded(name: str) -> None:
    recorded = _RECORDED[name]["record"]
    rebuild = {"aws:sqs": _sqs, "aws:dynamodb": _dynamodb, "aws:kinesis": _kinesis}[recorded["eventSource"]]
    assert_same_shape(rebuild(recorded), recorded, values=True)


def test_recorded_digest_and_size_are_what_we_compute() -> None:
    sqs = _sqs(_RECORDED["sqs-message-with-attributes"]["record"])
    assert sqs["md5OfMessageAttributes"] == "d25a6aea97eb8f585bfa92d314504a92"
    dynamodb = _dynamodb(_RECORDED["dynamodb-insert-new-image"]["record"])
    assert dynamodb["dynamodb"]["SizeBytes"] == 70
