"""Kinesis records as the event source mapping hands them over: ``{"Records": [...]}`` (spec §7.2)."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import NotRequired, TypedDict

from triggerfish.core.arns import parse_arn
from triggerfish.core.payloads.timestamps import millis_as_seconds


class KinesisData(TypedDict):
    kinesisSchemaVersion: str
    partitionKey: str
    sequenceNumber: str
    data: str
    approximateArrivalTimestamp: float
    encryptionType: NotRequired[str]


class KinesisRecord(TypedDict):
    kinesis: KinesisData
    eventSource: str
    eventVersion: str
    eventID: str
    eventName: str
    invokeIdentityArn: str
    awsRegion: str
    eventSourceARN: str


class KinesisEvent(TypedDict):
    Records: list[KinesisRecord]


def stream_arn_for(*, region: str, account: str, stream: str) -> str:
    return f"arn:aws:kinesis:{region}:{account}:stream/{stream}"


def kinesis_record(
    *,
    stream_arn: str,
    shard_id: str,
    sequence_number: str,
    partition_key: str,
    data: bytes,
    arrival_time: float,
    invoke_identity_arn: str,
    encryption_type: str | None = None,
) -> KinesisRecord:
    """One record of a shard. ``invoke_identity_arn`` is the function's execution role; ``encryption_type``
    is ``KMS`` for records the stream encrypted server-side."""
    # data is base64; approximateArrivalTimestamp is epoch seconds with milliseconds, a number (§7.2)
    payload: KinesisData = {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": partition_key,
        "sequenceNumber": sequence_number,
        "data": base64.b64encode(data).decode("ascii"),
        "approximateArrivalTimestamp": millis_as_seconds(arrival_time),
    }
    if encryption_type is not None:
        payload["encryptionType"] = encryption_type
    return {
        "kinesis": payload,
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard_id}:{sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": invoke_identity_arn,
        "awsRegion": parse_arn(stream_arn).region,
        "eventSourceARN": stream_arn,
    }


def kinesis_event(records: Iterable[KinesisRecord]) -> KinesisEvent:
    return {"Records": list(records)}
