"""Publish and PublishBatch: checking what is published and making it a :class:`Notification`.

Every rule and message here is SNS's as recorded (spec §5.1): the message, its subject, its
structure, its attributes, its size and, on FIFO topics, its group and deduplication ids.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from triggerfish.core.delivery import MessageAttribute
from triggerfish.services.sns.errors import (
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    InvalidParameterValue,
    TooManyEntriesInBatchRequest,
    invalid,
)
from triggerfish.services.sns.models import Topic

# "messages can contain up to 256 KB of text data ... including message attributes" (spec §5.1)
MAX_MESSAGE_BYTES = 262_144
MAX_SUBJECT = 100
MAX_BATCH_ENTRIES = 10
MAX_BATCH_ID = 80
_ATTRIBUTE_NAME_CHAR = re.compile(r"[A-Za-z0-9_.-]")
_BATCH_ID = re.compile(r"[A-Za-z0-9_-]+")
_TYPES = ("String", "Number", "Binary")


@dataclass(frozen=True)
class Message:
    """One message as a caller publishes it (a Publish call, or one PublishBatch entry)."""

    message: str
    subject: str | None = None
    structure: str | None = None
    attributes: Mapping[str, MessageAttribute] = field(default_factory=dict)
    group_id: str | None = None
    deduplication_id: str | None = None


@dataclass(frozen=True)
class Checked:
    """A message that passed every check: the default text, per-protocol texts, the FIFO ids."""

    message: Message
    text: str
    per_protocol: Mapping[str, str]
    deduplication_id: str | None


def check_message(topic: Topic, message: Message) -> Checked:
    if not message.message:
        raise invalid("Empty message")
    _check_subject(message.subject)
    text, per_protocol = _structure(message)
    for name, attribute in message.attributes.items():
        check_attribute(name, attribute)
    if size_of(message) > MAX_MESSAGE_BYTES:
        raise invalid("Message too long")
    return Checked(message, text, per_protocol, _deduplication_id(topic, message))


def _check_subject(subject: str | None) -> None:
    # "must not include line breaks or control characters; and must be less than 100 characters" (Publish)
    if subject is None:
        return
    if not subject or len(subject) > MAX_SUBJECT or any(ord(c) < 32 or ord(c) == 127 for c in subject):
        raise invalid("Subject")


def _structure(message: Message) -> tuple[str, dict[str, str]]:
    if message.structure is None:
        return message.message, {}
    if message.structure != "json":
        raise invalid("MessageStructure")
    try:
        document = json.loads(message.message)
    except ValueError:
        raise invalid("Message Structure - JSON message body failed to parse") from None
    if not isinstance(document, dict) or not isinstance(document.get("default"), str):
        raise invalid("Message Structure - No default entry in JSON message body")
    per_protocol = {key: value for key, value in document.items() if key != "default" and isinstance(value, str)}
    return document["default"], per_protocol


def check_attribute(name: str, attribute: MessageAttribute) -> None:
    """An attribute's name, type and value, with SNS's messages (recorded)."""
    _check_attribute_name(name)
    data_type = attribute.data_type
    base, dot, suffix = data_type.partition(".")
    if base not in _TYPES or (dot and not suffix):
        raise InvalidParameterValue(
            f"The message attribute '{name}' has an invalid message attribute type, the set of supported type "
            "prefixes is Binary, Number, and String."
        )
    field_name = "Binary" if base == "Binary" else "String"
    given = attribute.binary_value if base == "Binary" else attribute.string_value
    other = attribute.string_value if base == "Binary" else attribute.binary_value
    if given is None and other is not None:
        raise InvalidParameterValue(f"The message attribute '{name}' with type '{base}' must use field '{field_name}'.")
    if not given:
        raise InvalidParameterValue(
            f"The message attribute '{name}' must contain non-empty message attribute value for message attribute "
            f"type '{base}'."
        )
    if base == "Number" and not _is_number(attribute.string_value or ""):
        raise InvalidParameterValue(f"Could not cast message attribute '{name}' value to number.")
    if data_type == "String.Array" and not _is_json_array(attribute.string_value or ""):
        raise InvalidParameterValue(
            f"The message attribute '{name}' with type 'String.Array' must use a valid JSON array."
        )


def _check_attribute_name(name: str) -> None:
    if len(name.encode()) >= 256:
        raise InvalidParameterValue("Length of message attribute name must be less than 256 bytes.")
    for char in name:
        if not _ATTRIBUTE_NAME_CHAR.fullmatch(char):
            raise InvalidParameterValue(
                f"Invalid non-alphanumeric character '#x{ord(char):X}' was found in the message attribute name. "
                "Can only include alphanumeric characters, hyphens, underscores, or dots."
            )
    if name.startswith("."):
        raise InvalidParameterValue("Invalid message attribute name starting with character '.' was found.")
    if name.endswith("."):
        raise InvalidParameterValue("Invalid message attribute name ending with character '.' was found.")
    if ".." in name:
        raise InvalidParameterValue("Message attribute name can not have successive '.' character.")


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _is_json_array(text: str) -> bool:
    try:
        return isinstance(json.loads(text), list)
    except ValueError:
        return False


def size_of(message: Message) -> int:
    """The bytes that count toward the 256 KB limit: the body and every attribute's name, type and value."""
    size = len(message.message.encode())
    for name, attribute in message.attributes.items():
        size += len(name.encode()) + len(attribute.data_type.encode())
        size += len(attribute.binary_value) if attribute.binary_value is not None else 0
        size += len((attribute.string_value or "").encode())
    return size


def _deduplication_id(topic: Topic, message: Message) -> str | None:
    if not topic.fifo:
        if message.deduplication_id is not None:
            raise invalid(
                "MessageDeduplicationId",
                "The request includes MessageDeduplicationId parameter that is not valid for this topic type",
            )
        return None
    if not message.group_id:
        raise invalid("The MessageGroupId parameter is required for FIFO topics")
    if message.deduplication_id:
        return message.deduplication_id
    if not topic.content_based_deduplication:
        raise invalid(
            "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
            "explicitly"
        )
    # content-based deduplication: the SHA-256 of the message body (spec §5.1)
    return hashlib.sha256(message.message.encode()).hexdigest()


def check_batch(entries: Sequence[tuple[str, Message]]) -> None:
    """The batch as a whole: its number of entries, their ids and their total size."""
    if not entries:
        raise EmptyBatchRequest()
    if len(entries) > MAX_BATCH_ENTRIES:
        raise TooManyEntriesInBatchRequest()
    ids = [entry_id for entry_id, _ in entries]
    for entry_id in ids:
        if len(entry_id) > MAX_BATCH_ID:
            raise InvalidBatchEntryId(f"The Id of a batch entry in the batch request is too long: {entry_id}")
        if not _BATCH_ID.fullmatch(entry_id):
            raise InvalidBatchEntryId(
                f"The Id of a batch entry in the batch request contains an impermissible character: {entry_id}"
            )
    if len(set(ids)) != len(ids):
        raise BatchEntryIdsNotDistinct()
    if sum(size_of(message) for _, message in entries) > MAX_MESSAGE_BYTES:
        raise BatchRequestTooLong()
