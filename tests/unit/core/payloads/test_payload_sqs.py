"""SQS event source mapping records (spec §2.2)."""

from __future__ import annotations

from typing import Any

from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.sqs import body_md5, message_attributes_md5, sqs_event, sqs_record

_QUEUE = "arn:aws:sqs:us-east-2:123456789012:my-queue"
_COMMON: dict[str, Any] = {
    "message_id": "059f36b4-87a3-44ab-83d2-661975830a7d",
    "receipt_handle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
    "body": "Test message.",
    "queue_arn": _QUEUE,
    "sent_time": 1545082649.183,
    "first_receive_time": 1545082649.185,
    "receive_count": 1,
    "sender_id": "AIDAIENQZJOLO23YVJ4VO",
}


def test_a_record_without_attributes() -> None:
    record = sqs_record(**_COMMON)
    assert record == {
        "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body": "Test message.",
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1545082649183",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1545082649185",
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": _QUEUE,
        "awsRegion": "us-east-2",
    }
    assert "md5OfMessageAttributes" not in record


def test_digests_match_what_sqs_returns() -> None:
    assert body_md5("Hello from SQS!") == "7b270e59b47ff90a553787216d55d91d"
    # recorded on AWS: three attributes sent with SendMessage and their MD5OfMessageAttributes
    attributes = {
        "Title": MessageAttribute("String", "The Whistler"),
        "Author": MessageAttribute("String", "John Grisham"),
        "WeeksOn": MessageAttribute("Number", "6"),
    }
    assert message_attributes_md5(attributes) == "d25a6aea97eb8f585bfa92d314504a92"


def test_attributes_in_lower_camel_shape_with_their_digest_before_the_body_digest() -> None:
    record = sqs_record(
        **_COMMON,
        message_attributes={
            "Author": MessageAttribute("String", "John Grisham"),
            "Blob": MessageAttribute("Binary", binary_value=b"\x00\x01"),
        },
    )
    assert record["messageAttributes"] == {
        "Author": {"stringValue": "John Grisham", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "Blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"},
    }
    assert record["md5OfMessageAttributes"] == message_attributes_md5(
        {
            "Author": MessageAttribute("String", "John Grisham"),
            "Blob": MessageAttribute("Binary", binary_value=b"\x00\x01"),
        }
    )
    keys = list(record)
    assert keys.index("md5OfMessageAttributes") == keys.index("md5OfBody") - 1


def test_given_digests_are_used_as_they_are() -> None:
    record = sqs_record(
        **_COMMON,
        message_attributes={"a": MessageAttribute("String", "b")},
        md5_of_body="0" * 32,
        md5_of_message_attributes="1" * 32,
    )
    assert record["md5OfBody"] == "0" * 32
    assert record["md5OfMessageAttributes"] == "1" * 32


def test_custom_binary_types_travel_as_binary() -> None:
    record = sqs_record(**_COMMON, message_attributes={"gif": MessageAttribute("Binary.gif", binary_value=b"GIF")})
    assert record["messageAttributes"]["gif"] == {
        "binaryValue": "R0lG",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "Binary.gif",
    }


def test_fifo_and_redrive_attributes_follow_the_standard_ones() -> None:
    record = sqs_record(
        **_COMMON,
        sequence_number="18849496460467696128",
        message_group_id="1",
        message_deduplication_id="dedup-1",
        aws_trace_header="Root=1-5759e988-bd862e3fe1be46a994272793",
        dead_letter_queue_source_arn="arn:aws:sqs:us-east-2:123456789012:source",
    )
    assert list(record["attributes"]) == [
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
        "SequenceNumber",
        "MessageGroupId",
        "MessageDeduplicationId",
        "AWSTraceHeader",
        "DeadLetterQueueSourceArn",
    ]
    assert all(isinstance(value, str) for value in record["attributes"].values())


def test_receive_count_is_a_string_and_the_envelope_keeps_order() -> None:
    first = sqs_record(**{**_COMMON, "receive_count": 3})
    second = sqs_record(**{**_COMMON, "message_id": "other"})
    assert first["attributes"]["ApproximateReceiveCount"] == "3"
    assert sqs_event(iter([first, second])) == {"Records": [first, second]}
