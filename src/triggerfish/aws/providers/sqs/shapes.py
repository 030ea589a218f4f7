"""SQS's wire shapes: message attributes in and out, received messages, batch results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict

from triggerfish.core.delivery import MessageAttribute
from triggerfish.core.queue_port import ReceivedMessage
from triggerfish.services.sqs.errors import InvalidParameterValue
from triggerfish.services.sqs.message import attributes_md5
from triggerfish.services.sqs.models import BatchOutcome, MoveTaskView, SendResult


class MessageAttributeValue(TypedDict):
    DataType: str
    StringValue: NotRequired[str]
    BinaryValue: NotRequired[bytes]


class MessageShape(TypedDict):
    MessageId: str
    ReceiptHandle: str
    MD5OfBody: str
    Body: str
    Attributes: NotRequired[dict[str, str]]
    MD5OfMessageAttributes: NotRequired[str]
    MessageAttributes: NotRequired[dict[str, MessageAttributeValue]]


def message_attributes(raw: Mapping[str, Any] | None) -> dict[str, MessageAttribute]:
    """``MessageAttributes`` as sent; the list members are reserved and refused (spec §2.1)."""
    attributes: dict[str, MessageAttribute] = {}
    for name, value in (raw or {}).items():
        if value.get("StringListValues") or value.get("BinaryListValues"):
            raise InvalidParameterValue(f"Message attribute '{name}' uses list values, which SQS does not support.")
        attributes[name] = MessageAttribute(
            value.get("DataType", ""), value.get("StringValue"), value.get("BinaryValue")
        )
    return attributes


def send_result(result: SendResult) -> dict[str, str]:
    shape = {"MessageId": result.message_id, "MD5OfMessageBody": result.md5_of_body}
    if result.md5_of_attributes is not None:
        shape["MD5OfMessageAttributes"] = result.md5_of_attributes
    if result.md5_of_system_attributes is not None:
        shape["MD5OfMessageSystemAttributes"] = result.md5_of_system_attributes
    if result.sequence_number is not None:
        shape["SequenceNumber"] = result.sequence_number
    return shape


def batch_result(outcome: BatchOutcome) -> dict[str, list[dict[str, Any]]]:
    successful: list[dict[str, Any]] = []
    for entry_id, result in outcome.successful:
        successful.append({"Id": entry_id, **(send_result(result) if result is not None else {})})
    failed = [{"Id": f.id, "SenderFault": f.sender_fault, "Code": f.code, "Message": f.message} for f in outcome.failed]
    return {"Successful": successful, "Failed": failed}


class Selection:
    """Which system and message attributes a ReceiveMessage asked for (``All``, ``.*``, ``prefix.*``)."""

    def __init__(self, system: Sequence[str], message: Sequence[str]) -> None:
        self.all_system = "All" in system
        self.system = frozenset(system)
        self.all_message = "All" in message or ".*" in message
        self.exact = frozenset(name for name in message if not name.endswith(".*"))
        self.prefixes = tuple(name[:-1] for name in message if name.endswith(".*") and name != ".*")

    def wants(self, name: str) -> bool:
        return self.all_message or name in self.exact or name.startswith(self.prefixes)

    def shape(self, message: ReceivedMessage) -> MessageShape:
        shape: MessageShape = {
            "MessageId": message.message_id,
            "ReceiptHandle": message.receipt_handle,
            "MD5OfBody": message.md5_of_body,
            "Body": message.body,
        }
        system = (
            message.attributes
            if self.all_system
            else {name: value for name, value in message.attributes.items() if name in self.system}
        )
        if system:
            shape["Attributes"] = dict(system)
        chosen = {name: value for name, value in message.message_attributes.items() if self.wants(name)}
        if chosen:
            # the digest covers the attributes returned, not all the message has (observed)
            full = len(chosen) == len(message.message_attributes) and message.md5_of_message_attributes
            shape["MD5OfMessageAttributes"] = full or attributes_md5(chosen)
            shape["MessageAttributes"] = {name: _attribute_value(value) for name, value in chosen.items()}
        return shape


def _attribute_value(attribute: MessageAttribute) -> MessageAttributeValue:
    if attribute.binary_value is not None:
        return {"DataType": attribute.data_type, "BinaryValue": attribute.binary_value}
    return {"DataType": attribute.data_type, "StringValue": attribute.string_value or ""}


def move_task(view: MoveTaskView) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "Status": view.status.value,
        "SourceArn": view.source_arn,
        "ApproximateNumberOfMessagesMoved": view.moved,
        "ApproximateNumberOfMessagesToMove": view.to_move,
        "StartedTimestamp": int(view.started_at * 1000),
    }
    if view.status.value == "RUNNING":
        shape["TaskHandle"] = view.task_handle
    if view.destination_arn is not None:
        shape["DestinationArn"] = view.destination_arn
    if view.max_per_second is not None:
        shape["MaxNumberOfMessagesPerSecond"] = view.max_per_second
    if view.failure_reason is not None:
        shape["FailureReason"] = view.failure_reason
    return shape
