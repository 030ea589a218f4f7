"""The mapping's fast record builder writes exactly what the payload builder ``sqs_record`` writes (spec §2.2)."""

from __future__ import annotations

import orjson
import pytest

from triggerfish.core.delivery import MessageAttribute as PortAttribute
from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.sqs import sqs_record
from triggerfish.core.queue_port import ReceivedMessage
from triggerfish.services.lambda_.mappings.records import RecordBuilder, batch_payload

ARN = "arn:aws:sqs:eu-west-2:123456789012:orders.fifo"
BASE = {
    "ApproximateReceiveCount": "3",
    "SentTimestamp": "1545082649183",
    "SenderId": "AIDAIENQZJOLO23YVJ4VO",
    "ApproximateFirstReceiveTimestamp": "1545082649185",
}
FIFO = {"SequenceNumber": "18849496460467696128", "MessageGroupId": "1", "MessageDeduplicationId": "d-1"}
ATTRIBUTES = {
    "Author": PortAttribute("String", string_value="John"),
    "Blob": PortAttribute("Binary", binary_value=b"\x00\xff"),
    "Count": PortAttribute("Number.int", string_value="7"),
}


def _expected(message: ReceivedMessage) -> object:
    a = message.attributes
    return sqs_record(
        message_id=message.message_id,
        receipt_handle=message.receipt_handle,
        body=message.body,
        queue_arn=ARN,
        sent_time=int(a["SentTimestamp"]) / 1000,
        first_receive_time=int(a["ApproximateFirstReceiveTimestamp"]) / 1000,
        receive_count=int(a["ApproximateReceiveCount"]),
        sender_id=a["SenderId"],
        message_attributes={
            k: MessageAttribute(v.data_type, v.string_value, v.binary_value)
            for k, v in message.message_attributes.items()
        },
        md5_of_body=message.md5_of_body,
        md5_of_message_attributes=message.md5_of_message_attributes,
        sequence_number=a.get("SequenceNumber"),
        message_group_id=a.get("MessageGroupId"),
        message_deduplication_id=a.get("MessageDeduplicationId"),
        aws_trace_header=a.get("AWSTraceHeader"),
        dead_letter_queue_source_arn=a.get("DeadLetterQueueSourceArn"),
    )


@pytest.mark.parametrize(
    "message",
    [
        ReceivedMessage("id-1", "h-1", "Test message.", "e4e68fb7bd0e697a0ae8f1bb342846b3", BASE),
        ReceivedMessage("id-2", "h-2", "{}", "99914b932bd37a50b983c5e7c90ae93b", {**BASE, **FIFO}),
        ReceivedMessage("id-3", "h-3", "x", "9dd4e461268c8034f5c8564e155c67a6", {**BASE, "AWSTraceHeader": "Root=1"}),
        ReceivedMessage("id-4", "h-4", "x", "9dd4e461268c8034f5c8564e155c67a6", BASE, ATTRIBUTES),
        ReceivedMessage("id-5", "h-5", "x", "9dd4e461268c8034f5c8564e155c67a6", BASE, ATTRIBUTES, "given-md5"),
        ReceivedMessage(
            "id-6", "h-6", "x", "9dd4e461268c8034f5c8564e155c67a6", {**BASE, "DeadLetterQueueSourceArn": "arn:q"}
        ),
    ],
)
def test_records_match_the_payload_builder_key_for_key_and_in_order(message: ReceivedMessage) -> None:
    built = RecordBuilder(ARN).record(message)
    assert orjson.dumps(built) == orjson.dumps(_expected(message))


def test_the_event_wraps_records() -> None:
    record = RecordBuilder(ARN).record(ReceivedMessage("id", "h", "b", "m", BASE))
    event = orjson.loads(batch_payload([record]))
    assert list(event) == ["Records"]
    assert event["Records"][0]["awsRegion"] == "eu-west-2"
    assert event["Records"][0]["eventSourceARN"] == ARN
