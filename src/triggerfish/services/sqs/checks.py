"""What SendMessage and the batch actions accept: bodies, message attributes, delays, batch ids."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from triggerfish.core.delivery import MessageAttribute
from triggerfish.services.sqs.errors import (
    BatchEntryIdsNotDistinct,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    InvalidMessageContents,
    InvalidParameterValue,
    MissingParameter,
    TooManyEntriesInBatchRequest,
)

MAX_BATCH_ENTRIES = 10
MAX_ATTRIBUTES = 10
MAX_DELAY = 900
MAX_VISIBILITY = 43_200
MAX_WAIT = 20
MAX_RECEIVE = 10
#: A whole batch may carry at most 1 MiB of message data (spec §2.1).
MAX_BATCH_BYTES = 1_048_576

# allowed body characters: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF (spec §2.1)
_INVALID_CHARACTER = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BATCH_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
_ATTRIBUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")
_DATA_TYPE = re.compile(r"(String|Number|Binary)(\.[^\s]+)?")
_RESERVED_PREFIXES = ("aws.", "amazon.")


def check_body(body: str) -> None:
    if not body:
        raise MissingParameter("The request must contain the parameter MessageBody.")
    check_characters(body, "message body")


def check_characters(text: str, where: str) -> None:
    bad = _INVALID_CHARACTER.search(text)
    if bad is not None:
        raise InvalidMessageContents(
            f"Invalid binary character '#x{ord(bad.group()):X}' was found in the {where}, the set of allowed "
            "characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"
        )


def check_size(size: int, maximum: int) -> None:
    if size > maximum:
        # the queue's MaximumMessageSize (observed SendMessage answer)
        raise InvalidParameterValue(
            f"One or more parameters are invalid. Reason: Message must be shorter than {maximum} bytes."
        )


def check_attributes(attributes: Mapping[str, MessageAttribute]) -> None:
    """Message attributes: at most ten, well-named, typed, with a value of their type (spec §2.1)."""
    if len(attributes) > MAX_ATTRIBUTES:
        raise InvalidParameterValue(
            f"Number of message attributes [{len(attributes)}] exceeds the allowed maximum [{MAX_ATTRIBUTES}]."
        )
    for name, attribute in attributes.items():
        check_attribute_name(name)
        check_attribute_value(name, attribute)


def check_attribute_name(name: str) -> None:
    if name.lower().startswith(_RESERVED_PREFIXES):
        raise InvalidParameterValue(
            f"Message (user) attribute name '{name}' is invalid. Names starting with 'AWS.' or 'Amazon.' are reserved."
        )
    if _ATTRIBUTE_NAME.fullmatch(name) is None or name.startswith(".") or name.endswith(".") or ".." in name:
        raise InvalidParameterValue(
            f"Message (user) attribute name '{name}' is invalid. The attribute name can contain alphanumeric "
            "characters, hyphens, underscores and periods; it can't start or end with a period, have successive "
            "periods, or be longer than 256 characters."
        )


def check_attribute_value(name: str, attribute: MessageAttribute) -> None:
    data_type = attribute.data_type
    if not data_type:
        raise InvalidParameterValue(f"The message attribute '{name}' must contain non-empty message attribute type.")
    if _DATA_TYPE.fullmatch(data_type) is None or len(data_type) > 256:
        raise InvalidParameterValue(
            f"The type of message (user) attribute '{name}' is invalid. You must use only the following "
            "supported type prefixes: Binary, Number, String."
        )
    base = data_type.split(".", 1)[0]
    if base == "Binary":
        if attribute.binary_value is None or attribute.string_value is not None:
            raise InvalidParameterValue(f"The message attribute '{name}' with type 'Binary' must use field 'Binary'.")
        if not attribute.binary_value:
            raise _empty_value(name, data_type)
        return
    if attribute.string_value is None or attribute.binary_value is not None:
        raise InvalidParameterValue(f"The message attribute '{name}' with type '{base}' must use field 'String'.")
    if not attribute.string_value:
        raise _empty_value(name, data_type)
    check_characters(attribute.string_value, f"message attribute '{name}'")
    if base == "Number" and not _is_number(attribute.string_value):
        raise InvalidParameterValue(f"Could not cast message attribute '{name}' value to number.")


def _empty_value(name: str, data_type: str) -> InvalidParameterValue:
    return InvalidParameterValue(
        f"The message attribute '{name}' must contain non-empty message attribute value for message attribute "
        f"type '{data_type}'."
    )


def _is_number(text: str) -> bool:
    # Number: up to 38 significant digits, between 10^-128 and 10^+126 (SQS developer guide)
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        return False
    if not number.is_finite():
        return False
    digits = len(number.as_tuple().digits)
    return digits <= 38 and (number == 0 or -128 <= number.adjusted() <= 126)


def check_system_attributes(attributes: Mapping[str, MessageAttribute]) -> str | None:
    """MessageSystemAttributes: only ``AWSTraceHeader``, a String; returns its value."""
    for name, attribute in attributes.items():
        if name != "AWSTraceHeader":
            raise InvalidParameterValue(f"Message system attribute name '{name}' is invalid.")
        if attribute.data_type != "String" or not attribute.string_value:
            raise InvalidParameterValue(
                f"Message system attribute '{name}' must contain a non-empty value of type 'String'."
            )
    trace = attributes.get("AWSTraceHeader")
    return None if trace is None else trace.string_value


def check_delay(delay: int) -> None:
    if not 0 <= delay <= MAX_DELAY:
        raise InvalidParameterValue(
            f"Value {delay} for parameter DelaySeconds is invalid. "
            f"Reason: DelaySeconds must be >= 0 and <= {MAX_DELAY}."
        )


def check_visibility(timeout: int) -> None:
    if not 0 <= timeout <= MAX_VISIBILITY:
        raise InvalidParameterValue(
            f"Value {timeout} for parameter VisibilityTimeout is invalid. "
            f"Reason: VisibilityTimeout must be an integer between 0 and {MAX_VISIBILITY}."
        )


def check_receive(max_messages: int, wait: int | None, visibility: int | None) -> None:
    if not 1 <= max_messages <= MAX_RECEIVE:
        raise InvalidParameterValue(
            f"Value {max_messages} for parameter MaxNumberOfMessages is invalid. "
            f"Reason: Must be between 1 and {MAX_RECEIVE}, if provided."
        )
    if wait is not None and not 0 <= wait <= MAX_WAIT:
        raise InvalidParameterValue(
            f"Value {wait} for parameter WaitTimeSeconds is invalid. "
            f"Reason: Must be >= 0 and <= {MAX_WAIT}, if provided."
        )
    if visibility is not None:
        check_visibility(visibility)


def check_batch_ids(ids: Sequence[str], entry_kind: str) -> None:
    """Batch entries: 1-10, ids of 1-80 alphanumerics, hyphens and underscores, all distinct."""
    if not ids:
        raise EmptyBatchRequest(f"There should be at least one {entry_kind} in the request.")
    if len(ids) > MAX_BATCH_ENTRIES:
        raise TooManyEntriesInBatchRequest(
            f"Maximum number of entries per request are {MAX_BATCH_ENTRIES}. You have sent {len(ids)}."
        )
    for entry_id in ids:
        if _BATCH_ID.fullmatch(entry_id) is None:
            raise InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                "It can be at most 80 letters long."
            )
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            raise BatchEntryIdsNotDistinct(f"Id {entry_id} repeated.")
        seen.add(entry_id)
