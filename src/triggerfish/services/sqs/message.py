"""One message as a queue holds it in memory, and its stored form."""

from __future__ import annotations

import base64
import enum
from collections.abc import Mapping

import orjson

from triggerfish.core.delivery import MessageAttribute
from triggerfish.core.payloads.sqs import body_md5, message_attributes_md5
from triggerfish.core.queue_port import ReceivedMessage
from triggerfish.store.queues import ReceiptState, StoredMessage


class MessageState(enum.Enum):
    #: not (or no longer) held by a queue
    GONE = "gone"
    DELAYED = "delayed"
    VISIBLE = "visible"
    IN_FLIGHT = "in flight"


def attributes_md5(attributes: Mapping[str, MessageAttribute]) -> str:
    """MD5OfMessageAttributes over ``attributes`` (SQS developer guide, "Calculating the MD5 message
    digest for message attributes")."""
    return message_attributes_md5(attributes)


def attribute_size(name: str, attribute: MessageAttribute) -> int:
    # name, type and value all count toward the message size (spec §2.1)
    value = attribute.binary_value if attribute.binary_value is not None else (attribute.string_value or "").encode()
    return len(name.encode()) + len(attribute.data_type.encode()) + len(value)


class Message:
    """Mutable live state; ``token`` changes on every state change, which retires the timer and
    visibility entries queued for the previous state."""

    __slots__ = (
        "attributes",
        "body",
        "dead_letter_source",
        "deduplication_id",
        "first_received_at",
        "group_id",
        "id",
        "md5_of_attributes",
        "md5_of_body",
        "receipt",
        "receive_count",
        "received_at",
        "sent_at",
        "sequence_number",
        "size",
        "state",
        "token",
        "trace_header",
        "visible_at",
    )

    def __init__(
        self,
        message_id: str,
        body: str,
        attributes: Mapping[str, MessageAttribute],
        *,
        sent_at: float,
        visible_at: float,
        receive_count: int = 0,
        first_received_at: float | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        sequence_number: str | None = None,
        trace_header: str | None = None,
        dead_letter_source: str | None = None,
    ) -> None:
        self.id = message_id
        self.body = body
        self.attributes = attributes
        self.sent_at = sent_at
        self.visible_at = visible_at
        self.receive_count = receive_count
        self.first_received_at = first_received_at
        self.received_at = first_received_at
        self.receipt: str | None = None
        self.group_id = group_id
        self.deduplication_id = deduplication_id
        self.sequence_number = sequence_number
        self.trace_header = trace_header
        self.dead_letter_source = dead_letter_source
        self.md5_of_body = body_md5(body)
        self.md5_of_attributes = attributes_md5(attributes) if attributes else None
        self.size = len(body.encode()) + sum(attribute_size(n, a) for n, a in attributes.items())
        self.state = MessageState.GONE  # until a queue holds it
        self.token = 0

    def system_attributes(self, sender_id: str) -> dict[str, str]:
        """Every system attribute, as ReceiveMessage with ``All`` returns them (epoch milliseconds)."""
        values = {
            "SenderId": sender_id,
            "SentTimestamp": str(int(self.sent_at * 1000)),
            "ApproximateReceiveCount": str(self.receive_count),
            "ApproximateFirstReceiveTimestamp": str(int((self.first_received_at or self.sent_at) * 1000)),
        }
        if self.sequence_number is not None:
            values["SequenceNumber"] = self.sequence_number
        if self.deduplication_id is not None:
            values["MessageDeduplicationId"] = self.deduplication_id
        if self.group_id is not None:
            values["MessageGroupId"] = self.group_id
        if self.trace_header is not None:
            values["AWSTraceHeader"] = self.trace_header
        if self.dead_letter_source is not None:
            values["DeadLetterQueueSourceArn"] = self.dead_letter_source
        return values

    def received(self, receipt_handle: str, sender_id: str) -> ReceivedMessage:
        return ReceivedMessage(
            message_id=self.id,
            receipt_handle=receipt_handle,
            body=self.body,
            md5_of_body=self.md5_of_body,
            attributes=self.system_attributes(sender_id),
            message_attributes=self.attributes,
            md5_of_message_attributes=self.md5_of_attributes,
            size=self.size,
        )

    def stored(self, queue: str) -> StoredMessage:
        return StoredMessage(
            queue=queue,
            id=self.id,
            body=self.body,
            attributes=encode_attributes(self),
            sent_at=self.sent_at,
            visible_at=self.visible_at,
            receive_count=self.receive_count,
            first_received_at=self.first_received_at,
            group_id=self.group_id,
            deduplication_id=self.deduplication_id,
            sequence_number=self.sequence_number,
        )

    def receipt_state(self, queue: str) -> ReceiptState:
        return ReceiptState(queue, self.id, self.visible_at, self.receive_count, self.first_received_at)


def from_stored(stored: StoredMessage) -> Message:
    document = orjson.loads(stored.attributes)
    attributes = {name: _decode_attribute(value) for name, value in document.get("a", {}).items()}
    return Message(
        stored.id,
        stored.body,
        attributes,
        sent_at=stored.sent_at,
        visible_at=stored.visible_at,
        receive_count=stored.receive_count,
        first_received_at=stored.first_received_at,
        group_id=stored.group_id,
        deduplication_id=stored.deduplication_id,
        sequence_number=stored.sequence_number,
        trace_header=document.get("t"),
        dead_letter_source=document.get("d"),
    )


def encode_attributes(message: Message) -> str:
    document: dict[str, object] = {}
    if message.attributes:
        document["a"] = {name: _encode_attribute(value) for name, value in message.attributes.items()}
    if message.trace_header is not None:
        document["t"] = message.trace_header
    if message.dead_letter_source is not None:
        document["d"] = message.dead_letter_source
    return orjson.dumps(document).decode()


def _encode_attribute(attribute: MessageAttribute) -> list[str]:
    if attribute.binary_value is not None:
        return [attribute.data_type, "b", base64.b64encode(attribute.binary_value).decode()]
    return [attribute.data_type, "s", attribute.string_value or ""]


def _decode_attribute(value: list[str]) -> MessageAttribute:
    data_type, kind, text = value
    if kind == "b":
        return MessageAttribute(data_type, binary_value=base64.b64decode(text))
    return MessageAttribute(data_type, string_value=text)
