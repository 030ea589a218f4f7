"""The wire shapes of log groups, log streams and events (botocore ``logs`` model)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from triggerfish.services.logs.models import LogGroup, LogStream, OutputEvent


class LogGroupShape(TypedDict):
    logGroupName: str
    creationTime: int
    metricFilterCount: int
    arn: str
    logGroupArn: str
    storedBytes: int
    logGroupClass: str
    retentionInDays: NotRequired[int]
    kmsKeyId: NotRequired[str]


class LogStreamShape(TypedDict):
    logStreamName: str
    creationTime: int
    arn: str
    storedBytes: int
    firstEventTimestamp: NotRequired[int]
    lastEventTimestamp: NotRequired[int]
    lastIngestionTime: NotRequired[int]


class FilteredEventShape(TypedDict):
    logStreamName: str
    timestamp: int
    message: str
    ingestionTime: int
    eventId: str


class OutputEventShape(TypedDict):
    timestamp: int
    message: str
    ingestionTime: int


def group_shape(group: LogGroup) -> LogGroupShape:
    shape: LogGroupShape = {
        "logGroupName": group.name,
        "creationTime": group.created,
        # metric filters are not kept; AWS reports the count on every group
        "metricFilterCount": 0,
        "arn": group.wildcard_arn,
        "logGroupArn": group.arn,
        "storedBytes": group.stored_bytes,
        "logGroupClass": group.log_group_class,
    }
    if group.retention_days is not None:
        shape["retentionInDays"] = group.retention_days
    if group.kms_key_id is not None:
        shape["kmsKeyId"] = group.kms_key_id
    return shape


def stream_shape(stream: LogStream) -> LogStreamShape:
    shape: LogStreamShape = {
        "logStreamName": stream.name,
        "creationTime": stream.created,
        "arn": stream.arn,
        "storedBytes": stream.stored_bytes,
    }
    # a stream without events has no event times (LogStream shape, Logs API reference)
    if stream.first_event is not None:
        shape["firstEventTimestamp"] = stream.first_event
    if stream.last_event is not None:
        shape["lastEventTimestamp"] = stream.last_event
    if stream.last_ingestion is not None:
        shape["lastIngestionTime"] = stream.last_ingestion
    return shape


def filtered_event_shape(event: OutputEvent) -> FilteredEventShape:
    return {
        "logStreamName": event.stream,
        "timestamp": event.timestamp,
        "message": event.message,
        "ingestionTime": event.ingestion,
        "eventId": event.event_id,
    }


def output_event_shape(event: OutputEvent) -> OutputEventShape:
    return {"timestamp": event.timestamp, "message": event.message, "ingestionTime": event.ingestion}
