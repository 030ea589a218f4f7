"""Subscription filters: checking a new filter's destination, and handing matching events to it in
the shape CloudWatch Logs uses ("Subscription filters", Logs user guide): the JSON document
``{messageType, owner, logGroup, logStream, subscriptionFilters, logEvents}`` gzipped, base64-encoded
and wrapped as ``{"awslogs": {"data": ...}}`` for a Lambda function."""

from __future__ import annotations

import base64
import gzip
import json
import logging
from collections.abc import Sequence

from triggerfish.core.arns import parse_arn
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.patterns.logs_filter import compile_filter_pattern
from triggerfish.services.logs.errors import InvalidParameter, LimitExceeded
from triggerfish.services.logs.models import OutputEvent, SubscriptionFilter

log = logging.getLogger(__name__)

# at most two subscription filters per log group (Logs quotas; PutSubscriptionFilter)
MAX_FILTERS_PER_GROUP = 2


def check_room(existing: Sequence[str], name: str) -> None:
    # replacing a filter of the same name does not count against the quota (PutSubscriptionFilter)
    if name not in existing and len(existing) >= MAX_FILTERS_PER_GROUP:
        raise LimitExceeded("Resource limit exceeded.")


def check_destination(deliveries: DeliveryRegistry, arn: str) -> None:
    """Logs tests a destination when the filter is put; these are its answers when that fails
    (PutSubscriptionFilter errors as quoted in SDK and tool issue reports)."""
    try:
        service = parse_arn(arn).service
    except ValueError:
        raise InvalidParameter(f"Invalid destination ARN: {arn}") from None
    reachable = deliveries.supports(arn) and deliveries.exists(arn)
    if service == "lambda":
        if not reachable:
            raise InvalidParameter(
                "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission "
                "to execute your function."
            )
    elif service == "kinesis":
        if not reachable:
            raise InvalidParameter(
                "Could not deliver test message to specified Kinesis stream. "
                "Check if the given kinesis stream is in ACTIVE state."
            )
    elif service == "firehose":
        if not reachable:
            raise InvalidParameter(
                "Could not deliver test message to specified Firehose stream. "
                "Check if the given Firehose stream is in ACTIVE state."
            )
    elif service != "logs" or not reachable:
        raise InvalidParameter(f"Invalid destination ARN: {arn}")


def data_message(account: str, item: SubscriptionFilter, stream: str, events: Sequence[OutputEvent]) -> bytes:
    """The gzipped DATA_MESSAGE document for one filter, one log stream and one batch."""
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": account,
        "logGroup": item.group,
        "logStream": stream,
        "subscriptionFilters": [item.name],
        "logEvents": [
            {"id": event.event_id, "timestamp": event.timestamp, "message": event.message} for event in events
        ],
    }
    return gzip.compress(json.dumps(document, separators=(",", ":")).encode("utf-8"))


def lambda_body(data: bytes) -> str:
    return json.dumps({"awslogs": {"data": base64.b64encode(data).decode("ascii")}})


async def deliver(
    deliveries: DeliveryRegistry, account: str, item: SubscriptionFilter, events: Sequence[OutputEvent]
) -> None:
    """Deliver the events of one stored batch (one log stream) that the filter matches, if any."""
    log_filter = compile_filter_pattern(item.pattern)
    matching = [event for event in events if log_filter.matches(event.message)]
    if not matching:
        return
    data = data_message(account, item, matching[0].stream, matching)
    # a Lambda function gets the base64 text in "awslogs.data"; a stream destination the gzipped bytes,
    # carried here as base64 text because a delivery body is text
    body = lambda_body(data) if _service(item.destination_arn) == "lambda" else base64.b64encode(data).decode()
    try:
        await deliveries.deliver(item.destination_arn, Delivery(body=body))
    except Exception:
        log.exception("subscription filter %s of %s failed to deliver", item.name, item.group)


def _service(arn: str) -> str:
    try:
        return parse_arn(arn).service
    except ValueError:
        return ""
