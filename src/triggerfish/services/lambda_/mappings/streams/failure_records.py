"""OnFailure records for discarded stream batches and their delivery (spec §7.1 "OnFailure record").

The record carries metadata only, never the records' data; an S3 destination also gets the event the
function was last invoked with, under ``payload``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

import orjson

from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.payloads.timestamps import iso_millis, iso_seconds
from triggerfish.core.stream_port import StreamKind
from triggerfish.services.lambda_.mappings.streams.records import Entry

log = logging.getLogger(__name__)


class Condition(StrEnum):
    RETRIES_EXHAUSTED = "RetryAttemptsExhausted"
    RECORD_AGE_EXCEEDED = "RecordAgeExceeded"


class RequestContext(TypedDict):
    requestId: str
    functionArn: str
    condition: str
    approximateInvokeCount: int


class ResponseContext(TypedDict):
    statusCode: int
    executedVersion: str
    functionError: str | None


class BatchInfo(TypedDict):
    shardId: str
    startSequenceNumber: str
    endSequenceNumber: str
    approximateArrivalOfFirstRecord: str
    approximateArrivalOfLastRecord: str
    batchSize: int
    streamArn: str


class FailureRecord(TypedDict):
    requestContext: RequestContext
    responseContext: NotRequired[ResponseContext]
    version: str
    timestamp: str
    KinesisBatchInfo: NotRequired[BatchInfo]
    DDBStreamBatchInfo: NotRequired[BatchInfo]


def failure_record(
    *,
    kind: StreamKind,
    stream_arn: str,
    shard_id: str,
    entries: Sequence[Entry],
    function_arn: str,
    condition: Condition,
    invoke_count: int,
    request_id: str | None,
    function_error: str | None,
    now: float,
) -> FailureRecord:
    # DynamoDB Streams' arrival times are whole seconds, Kinesis' have milliseconds (recorded AWS answers)
    arrival = iso_seconds if kind is StreamKind.DYNAMODB else iso_millis
    info: BatchInfo = {
        "shardId": shard_id,
        "startSequenceNumber": entries[0].sequence_number,
        "endSequenceNumber": entries[-1].sequence_number,
        "approximateArrivalOfFirstRecord": arrival(entries[0].record.arrival),
        "approximateArrivalOfLastRecord": arrival(entries[-1].record.arrival),
        "batchSize": len(entries),
        "streamArn": stream_arn,
    }
    request: RequestContext = {
        "requestId": request_id or str(uuid.uuid4()),
        # the unqualified function ARN (spec §7.1 [obs])
        "functionArn": function_arn,
        "condition": condition.value,
        # a batch discarded before any invoke still reports one (recorded RecordAgeExceeded answers)
        "approximateInvokeCount": max(invoke_count, 1),
    }
    # built in AWS's key order: requestContext, responseContext, version, timestamp, batch info
    record: FailureRecord = {"requestContext": request}  # type: ignore[typeddict-item]
    if condition is Condition.RETRIES_EXHAUSTED:
        # a record-age discard carries no responseContext (recorded AWS answers)
        record["responseContext"] = {"statusCode": 200, "executedVersion": "$LATEST", "functionError": function_error}
    record["version"] = "1.0"
    record["timestamp"] = iso_millis(now)
    if kind is StreamKind.DYNAMODB:
        record["DDBStreamBatchInfo"] = info
    else:
        record["KinesisBatchInfo"] = info
    return record


def s3_object_key(mapping_uuid: str, shard_id: str, now: float) -> str:
    """``aws/lambda/<mapping uuid>/<shard id>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`` (recorded AWS answers)."""
    moment = datetime.fromtimestamp(now, tz=UTC)
    return f"aws/lambda/{mapping_uuid}/{shard_id}/{moment:%Y/%m/%d}/{moment:%Y-%m-%dT%H.%M.%S}-{uuid.uuid4()}"


async def send_failure(
    deliveries: DeliveryRegistry,
    destination: str,
    record: FailureRecord,
    *,
    payload: dict[str, Any] | None,
    mapping_uuid: str,
    shard_id: str,
    now: float,
) -> None:
    """Deliver an OnFailure record; a failing delivery is logged and never blocks the shard."""
    try:
        if destination.startswith("arn:aws:s3:"):
            # S3 destinations get the record plus the invocation's event (recorded AWS answers)
            body: dict[str, Any] = {**record, "payload": payload}
            key = s3_object_key(mapping_uuid, shard_id, now)
            await deliveries.deliver(destination, Delivery(body=orjson.dumps(body).decode(), object_key=key))
        else:
            await deliveries.deliver(destination, Delivery(body=orjson.dumps(record).decode()))
    except Exception:
        log.exception("event source mapping %s could not send its OnFailure record to %s", mapping_uuid, destination)
