"""Realistic sample events for every trigger, from the few values people change.

Identifiers are random in the shapes AWS gives them; times come from ``SampleContext.now``. The
events go through the same builders the services use, so a sample is what a function really gets.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from triggerfish.core import ids
from triggerfish.core.payloads import (
    apigateway,
    dynamodb,
    eventbridge,
    function_url,
    identifiers,
    kinesis,
    s3,
    sns,
    sqs,
)
from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.http_request import Pairs

_CLIENT_IP = "127.0.0.1"


@dataclass(frozen=True)
class SampleContext:
    region: str
    account: str
    now: float


@dataclass(frozen=True)
class HttpRequest:
    """A client's request: ``headers`` and ``query`` as ``(name, value)`` pairs, ``path`` without a query."""

    method: str = "GET"
    path: str = "/"
    query: Pairs = ()
    headers: Pairs = ()
    body: str | None = None


def object_created(context: SampleContext, *, bucket: str, key: str, size: int) -> s3.S3Event:
    return s3.s3_event([_s3_record(context, "ObjectCreated:Put", bucket, key, size)])


def object_removed(context: SampleContext, *, bucket: str, key: str) -> s3.S3Event:
    return s3.s3_event([_s3_record(context, "ObjectRemoved:Delete", bucket, key, None)])


def queue_message(
    context: SampleContext, *, queue: str, body: str, message_attributes: Mapping[str, MessageAttribute]
) -> sqs.SqsEvent:
    record = sqs.sqs_record(
        message_id=ids.request_id(),
        receipt_handle=f"AQEB{identifiers.random_base64(120)}",
        body=body,
        queue_arn=f"arn:aws:sqs:{context.region}:{context.account}:{queue}",
        sent_time=context.now,
        first_receive_time=context.now,
        receive_count=1,
        sender_id=identifiers.iam_user_id(),
        message_attributes=message_attributes,
    )
    return sqs.sqs_event([record])


def topic_notification(
    context: SampleContext,
    *,
    topic: str,
    message: str,
    subject: str | None,
    message_attributes: Mapping[str, MessageAttribute],
) -> sns.SnsEvent:
    topic_arn = f"arn:aws:sns:{context.region}:{context.account}:{topic}"
    cert = f"SimpleNotificationService-{ids.hex_id(32)}.pem"
    record = sns.sns_record(
        topic_arn=topic_arn,
        subscription_arn=f"{topic_arn}:{ids.request_id()}",
        message_id=ids.request_id(),
        message=message,
        time=context.now,
        signature=identifiers.random_base64(256),
        signing_cert_url=f"https://sns.{context.region}.amazonaws.com/{cert}",
        subject=subject,
        message_attributes=message_attributes,
    )
    return sns.sns_event([record])


def custom_event(
    context: SampleContext, *, source: str, detail_type: str, detail: Mapping[str, Any], resources: Sequence[str]
) -> eventbridge.EventBridgeEvent:
    return eventbridge.eventbridge_event(
        event_id=ids.request_id(),
        source=source,
        detail_type=detail_type,
        detail=detail,
        account=context.account,
        region=context.region,
        time=context.now,
        resources=resources,
    )


def schedule_fired(context: SampleContext, *, rule: str) -> eventbridge.EventBridgeEvent:
    return eventbridge.scheduled_event(
        event_id=ids.request_id(),
        rule_arn=eventbridge.rule_arn_for(region=context.region, account=context.account, rule=rule),
        account=context.account,
        region=context.region,
        # a schedule fires within its minute; the event's time is that minute (§4.6)
        time=context.now - context.now % 60,
    )


def rest_api_request(context: SampleContext, *, request: HttpRequest, stage: str) -> apigateway.RestApiEvent:
    api_id = identifiers.lower_token(10)
    trace = [("X-Amzn-Trace-Id", identifiers.trace_header(context.now))]
    # the sample API sends everything to a greedy {proxy+} resource, which matches all but the root (§6.3)
    proxy = request.path.strip("/")
    return apigateway.rest_api_event(
        method=request.method,
        path=request.path,
        resource="/{proxy+}" if proxy else "/",
        stage=stage,
        account=context.account,
        api_id=api_id,
        region=context.region,
        time=context.now,
        request_id=ids.request_id(),
        extended_request_id=identifiers.gateway_request_id(),
        resource_id=identifiers.lower_token(6),
        deployment_id=identifiers.lower_token(6),
        source_ip=_CLIENT_IP,
        headers=_headers(request, apigateway.execute_api_domain(api_id, context.region), trace),
        query=request.query,
        path_parameters={"proxy": proxy} if proxy else None,
        body=request.body,
    )


def http_api_request(context: SampleContext, *, request: HttpRequest, stage: str) -> apigateway.HttpApiEvent:
    api_id = identifiers.lower_token(10)
    trace = [("X-Amzn-Trace-Id", identifiers.trace_header(context.now))]
    return apigateway.http_api_event(
        method=request.method,
        # a named stage's segment stays in the path; the $default stage has none
        raw_path=request.path if stage == "$default" else f"/{stage}{request.path}",
        raw_query_string=urlencode(request.query),
        account=context.account,
        api_id=api_id,
        region=context.region,
        time=context.now,
        request_id=identifiers.gateway_request_id(),
        source_ip=_CLIENT_IP,
        headers=_headers(request, apigateway.execute_api_domain(api_id, context.region), trace),
        stage=stage,
        body=request.body,
    )


def function_url_request(context: SampleContext, *, request: HttpRequest, iam: bool) -> function_url.FunctionUrlEvent:
    url_id = identifiers.lower_token(32)
    caller = None
    if iam:
        user_id = identifiers.iam_user_id()
        user_arn = f"arn:aws:iam::{context.account}:user/example-user"
        caller = function_url.IamCaller(identifiers.access_key_id(), context.account, user_id, user_arn, user_id)
    # the headers a Function URL's front end adds (§6.6)
    front_end = [
        ("X-Amzn-Tls-Cipher-Suite", "TLS_AES_128_GCM_SHA256"),
        ("X-Amzn-Tls-Version", "TLSv1.3"),
        ("X-Amzn-Trace-Id", identifiers.trace_header(context.now)),
    ]
    return function_url.function_url_event(
        url_id=url_id,
        region=context.region,
        account=context.account,
        method=request.method,
        raw_path=request.path,
        raw_query_string=urlencode(request.query),
        time=context.now,
        request_id=ids.request_id(),
        source_ip=_CLIENT_IP,
        headers=_headers(request, function_url.function_url_domain(url_id, context.region), front_end),
        body=request.body,
        caller=caller,
    )


def item_changed(
    context: SampleContext,
    *,
    table: str,
    event_name: dynamodb.StreamEventName,
    keys: Mapping[str, object],
    new_image: Mapping[str, object] | None,
    old_image: Mapping[str, object] | None,
    stream_view_type: dynamodb.StreamViewType = dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
) -> dynamodb.DynamoDBEvent:
    """A change to an item given as plain JSON values (marshalled here); the images that the view type and
    the event name leave out are dropped."""
    label = dynamodb.stream_label(context.now - 86_400)
    record = dynamodb.dynamodb_record(
        event_id=ids.hex_id(32),
        event_name=event_name,
        stream_arn=dynamodb.stream_arn_for(region=context.region, account=context.account, table=table, label=label),
        keys=dynamodb.marshall_item(keys),
        sequence_number=identifiers.digits(28),
        stream_view_type=stream_view_type,
        time=context.now,
        new_image=None if new_image is None else dynamodb.marshall_item(new_image),
        old_image=None if old_image is None else dynamodb.marshall_item(old_image),
    )
    return dynamodb.dynamodb_event([record])


def stream_record(context: SampleContext, *, stream: str, partition_key: str, data: bytes) -> kinesis.KinesisEvent:
    record = kinesis.kinesis_record(
        stream_arn=kinesis.stream_arn_for(region=context.region, account=context.account, stream=stream),
        shard_id="shardId-000000000000",
        sequence_number=f"49{identifiers.digits(54)}",
        partition_key=partition_key,
        data=data,
        arrival_time=context.now,
        invoke_identity_arn=f"arn:aws:iam::{context.account}:role/lambda-role",
    )
    return kinesis.kinesis_event([record])


def _s3_record(context: SampleContext, event_name: str, bucket: str, key: str, size: int | None) -> s3.S3Record:
    return s3.s3_record(
        event_name=event_name,
        bucket=bucket,
        key=key,
        region=context.region,
        time=context.now,
        sequencer=s3.sequencer_from(int(context.now * 1_000_000_000)),
        requester=f"AWS:{identifiers.iam_user_id()}",
        source_ip=_CLIENT_IP,
        request_id=identifiers.s3_request_id(),
        host_id=identifiers.random_base64(48),
        bucket_owner=f"A{identifiers.token(13)}",
        configuration_id=ids.request_id(),
        size=size,
        etag=None if size is None else ids.hex_id(32),
    )


def _headers(request: HttpRequest, host: str, front_end: Pairs) -> list[tuple[str, str]]:
    """A client's usual headers and those AWS's front end adds; the request's own headers replace (and follow)
    any of the same name."""
    sent = [("Accept", "*/*"), ("Host", host), ("User-Agent", "curl/8.5.0"), *front_end]
    if request.body:
        content_type = "application/json" if _is_json(request.body) else "text/plain"
        sent += [("Content-Type", content_type), ("Content-Length", str(len(request.body.encode("utf-8"))))]
    sent += [("X-Forwarded-For", _CLIENT_IP), ("X-Forwarded-Port", "443"), ("X-Forwarded-Proto", "https")]
    replaced = {name.lower() for name, _ in request.headers}
    return [(name, value) for name, value in sent if name.lower() not in replaced] + list(request.headers)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
