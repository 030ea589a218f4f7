"""A received message as the record Lambda hands the function, and a batch as its event (spec §2.2).

The record is :func:`triggerfish.core.payloads.sqs.sqs_record`'s shape exactly (a test holds the two
together), built straight from ReceiveMessage's attribute strings: this runs once per message on the
hot path, so it avoids re-parsing the ARN and converting timestamps back and forth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import orjson

from triggerfish.core.arns import parse_arn
from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.sqs import SqsRecord, message_attribute_record, message_attributes_md5, sqs_event
from triggerfish.core.queue_port import ReceivedMessage

# The record's attributes in the order Lambda writes them; the last five appear only when set (§2.2).
_ALWAYS = ("ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp")
_WHEN_SET = (
    "SequenceNumber",
    "MessageGroupId",
    "MessageDeduplicationId",
    "AWSTraceHeader",
    "DeadLetterQueueSourceArn",
)


class RecordBuilder:
    """Records for one queue's messages."""

    def __init__(self, queue_arn: str) -> None:
        self._arn = queue_arn
        self._region = parse_arn(queue_arn).region

    def record(self, message: ReceivedMessage) -> SqsRecord:
        given = message.attributes
        sent = given.get("SentTimestamp", "0")
        attributes = {
            "ApproximateReceiveCount": given.get("ApproximateReceiveCount", "1"),
            "SentTimestamp": sent,
            "SenderId": given.get("SenderId", ""),
            "ApproximateFirstReceiveTimestamp": given.get("ApproximateFirstReceiveTimestamp", sent),
        }
        if len(given) > len(_ALWAYS):
            for name in _WHEN_SET:
                value = given.get(name)
                if value is not None:
                    attributes[name] = value
        record: dict[str, Any] = {
            "messageId": message.message_id,
            "receiptHandle": message.receipt_handle,
            "body": message.body,
            "attributes": attributes,
            "messageAttributes": {},
        }
        if message.message_attributes:
            values = {
                name: MessageAttribute(value.data_type, value.string_value, value.binary_value)
                for name, value in message.message_attributes.items()
            }
            record["messageAttributes"] = {name: message_attribute_record(v) for name, v in values.items()}
            # md5OfMessageAttributes is present only when the message has attributes (§2.2)
            record["md5OfMessageAttributes"] = message.md5_of_message_attributes or message_attributes_md5(values)
        record["md5OfBody"] = message.md5_of_body
        record["eventSource"] = "aws:sqs"
        record["eventSourceARN"] = self._arn
        record["awsRegion"] = self._region
        return cast(SqsRecord, record)


def batch_payload(records: Sequence[SqsRecord]) -> bytes:
    return orjson.dumps(sqs_event(records))
