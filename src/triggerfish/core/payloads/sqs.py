"""The SQS event source mapping's event: ``{"Records": [<message>, ...]}`` (spec §2.2)."""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Iterable, Mapping
from typing import NotRequired, TypedDict

from triggerfish.core.arns import parse_arn
from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.timestamps import epoch_millis


class SqsMessageAttributeRecord(TypedDict):
    stringValue: NotRequired[str]
    binaryValue: NotRequired[str]
    stringListValues: list[str]
    binaryListValues: list[str]
    dataType: str


class SqsRecordAttributes(TypedDict):
    ApproximateReceiveCount: str
    SentTimestamp: str
    SenderId: str
    ApproximateFirstReceiveTimestamp: str
    SequenceNumber: NotRequired[str]
    MessageGroupId: NotRequired[str]
    MessageDeduplicationId: NotRequired[str]
    AWSTraceHeader: NotRequired[str]
    DeadLetterQueueSourceArn: NotRequired[str]


class _AttributesDigest(TypedDict, total=False):
    md5OfMessageAttributes: str


class SqsRecord(TypedDict):
    messageId: str
    receiptHandle: str
    body: str
    attributes: SqsRecordAttributes
    messageAttributes: dict[str, SqsMessageAttributeRecord]
    md5OfMessageAttributes: NotRequired[str]
    md5OfBody: str
    eventSource: str
    eventSourceARN: str
    awsRegion: str


class SqsEvent(TypedDict):
    Records: list[SqsRecord]


def body_md5(body: str) -> str:
    return hashlib.md5(body.encode("utf-8"), usedforsecurity=False).hexdigest()


def message_attributes_md5(attributes: Mapping[str, MessageAttribute]) -> str:
    """The digest SQS returns as ``MD5OfMessageAttributes`` and Lambda passes as ``md5OfMessageAttributes``.

    SQS developer guide, "Calculating the MD5 message digest for message attributes": attributes sorted by
    name; each as length-prefixed name, length-prefixed data type, a transport byte (1 text, 2 binary) and
    the length-prefixed value; lengths are 4-byte big-endian.
    """
    digest = hashlib.md5(usedforsecurity=False)
    for name in sorted(attributes):
        attribute = attributes[name]
        digest.update(_length_prefixed(name.encode("utf-8")))
        digest.update(_length_prefixed(attribute.data_type.encode("utf-8")))
        if attribute.is_binary:
            digest.update(b"\x02" + _length_prefixed(attribute.binary_value or b""))
        else:
            digest.update(b"\x01" + _length_prefixed((attribute.string_value or "").encode("utf-8")))
    return digest.hexdigest()


def message_attribute_record(attribute: MessageAttribute) -> SqsMessageAttributeRecord:
    """One attribute in the record's lower-camel shape; both list keys are always present, empty (§2.2)."""
    if attribute.is_binary:
        return {
            "binaryValue": base64.b64encode(attribute.binary_value or b"").decode("ascii"),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": attribute.data_type,
        }
    return {
        "stringValue": attribute.string_value or "",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": attribute.data_type,
    }


def sqs_record(
    *,
    message_id: str,
    receipt_handle: str,
    body: str,
    queue_arn: str,
    sent_time: float,
    first_receive_time: float,
    receive_count: int,
    sender_id: str,
    message_attributes: Mapping[str, MessageAttribute] | None = None,
    md5_of_body: str | None = None,
    md5_of_message_attributes: str | None = None,
    sequence_number: str | None = None,
    message_group_id: str | None = None,
    message_deduplication_id: str | None = None,
    aws_trace_header: str | None = None,
    dead_letter_queue_source_arn: str | None = None,
) -> SqsRecord:
    """One received message as Lambda hands it over; times are epoch seconds, digests computed when omitted."""
    # every attribute value is a string; timestamps are epoch milliseconds (§2.2)
    attributes: SqsRecordAttributes = {
        "ApproximateReceiveCount": str(receive_count),
        "SentTimestamp": str(epoch_millis(sent_time)),
        "SenderId": sender_id,
        "ApproximateFirstReceiveTimestamp": str(epoch_millis(first_receive_time)),
    }
    # FIFO queues add the sequence number, group and deduplication ids (§2.2)
    if sequence_number is not None:
        attributes["SequenceNumber"] = sequence_number
    if message_group_id is not None:
        attributes["MessageGroupId"] = message_group_id
    if message_deduplication_id is not None:
        attributes["MessageDeduplicationId"] = message_deduplication_id
    if aws_trace_header is not None:
        attributes["AWSTraceHeader"] = aws_trace_header
    if dead_letter_queue_source_arn is not None:
        attributes["DeadLetterQueueSourceArn"] = dead_letter_queue_source_arn
    message_attributes = message_attributes or {}
    # md5OfMessageAttributes is only present when the message has attributes (§2.2)
    digest: _AttributesDigest = {}
    if message_attributes:
        digest["md5OfMessageAttributes"] = md5_of_message_attributes or message_attributes_md5(message_attributes)
    return {
        "messageId": message_id,
        "receiptHandle": receipt_handle,
        "body": body,
        "attributes": attributes,
        "messageAttributes": {name: message_attribute_record(value) for name, value in message_attributes.items()},
        **digest,
        "md5OfBody": md5_of_body or body_md5(body),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": parse_arn(queue_arn).region,
    }


def sqs_event(records: Iterable[SqsRecord]) -> SqsEvent:
    return {"Records": list(records)}


def _length_prefixed(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data
