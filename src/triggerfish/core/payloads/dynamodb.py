"""DynamoDB Streams records as the event source mapping hands them over (spec §7.3), and the small
marshaller that turns plain JSON into DynamoDB's AttributeValue JSON."""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Mapping
from decimal import Context, Decimal
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

from triggerfish.core.arns import parse_arn
from triggerfish.core.payloads.errors import PayloadError
from triggerfish.core.payloads.timestamps import epoch_seconds, iso_millis

AttributeValue = dict[str, Any]
_NUMBER_RANGE = (Decimal("1E-130"), Decimal("1E+126"))
_PRECISION = Context(prec=38)
Item = Mapping[str, AttributeValue]


class StreamEventName(StrEnum):
    INSERT = "INSERT"
    MODIFY = "MODIFY"
    REMOVE = "REMOVE"


class StreamViewType(StrEnum):
    KEYS_ONLY = "KEYS_ONLY"
    NEW_IMAGE = "NEW_IMAGE"
    OLD_IMAGE = "OLD_IMAGE"
    NEW_AND_OLD_IMAGES = "NEW_AND_OLD_IMAGES"


class _Images(TypedDict, total=False):
    NewImage: dict[str, AttributeValue]
    OldImage: dict[str, AttributeValue]


class StreamRecordData(TypedDict):
    ApproximateCreationDateTime: int
    Keys: dict[str, AttributeValue]
    NewImage: NotRequired[dict[str, AttributeValue]]
    OldImage: NotRequired[dict[str, AttributeValue]]
    SequenceNumber: str
    SizeBytes: int
    StreamViewType: str


class StreamUserIdentity(TypedDict):
    type: str
    principalId: str


class DynamoDBRecord(TypedDict):
    eventID: str
    eventName: str
    eventVersion: str
    eventSource: str
    awsRegion: str
    dynamodb: StreamRecordData
    eventSourceARN: str
    userIdentity: NotRequired[StreamUserIdentity]


class DynamoDBEvent(TypedDict):
    Records: list[DynamoDBRecord]


def marshall(value: object) -> AttributeValue:
    """One plain value as an AttributeValue: str S, number N (as text), bool BOOL, None NULL, bytes B (base64),
    list L, mapping M; sets of str, numbers or bytes become SS, NS or BS."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": _number_text(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Mapping):
        return {"M": marshall_item(value)}
    if isinstance(value, list | tuple):
        return {"L": [marshall(each) for each in value]}
    if isinstance(value, set | frozenset):
        return _marshall_set(value)
    raise PayloadError(f"a {type(value).__name__} has no DynamoDB attribute type")


def marshall_item(item: Mapping[Any, object]) -> dict[str, AttributeValue]:
    marshalled: dict[str, AttributeValue] = {}
    for name, value in item.items():
        if not isinstance(name, str):
            raise PayloadError(f"attribute names are strings, not {type(name).__name__}")
        marshalled[name] = marshall(value)
    return marshalled


def item_size(item: Item) -> int:
    """An item's size as DynamoDB counts it (developer guide, "Item sizes and formats"): each attribute's
    UTF-8 name plus its value; a stream record's ``SizeBytes`` is the sum over its keys and images."""
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in item.items())


def stream_label(time: float) -> str:
    """A stream's label: its creation time, ``2015-06-27T00:48:05.899`` (ISO, milliseconds, no zone)."""
    return iso_millis(time).removesuffix("Z")


def stream_arn_for(*, region: str, account: str, table: str, label: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{table}/stream/{label}"


def dynamodb_record(
    *,
    event_id: str,
    event_name: StreamEventName,
    stream_arn: str,
    keys: Item,
    sequence_number: str,
    stream_view_type: StreamViewType,
    time: float,
    new_image: Item | None = None,
    old_image: Item | None = None,
    size_bytes: int | None = None,
    ttl_expired: bool = False,
) -> DynamoDBRecord:
    """One change to one item. Give both images when known: the stream view type and the event name decide
    which the record carries. ``time`` is the change's time; ``ttl_expired`` marks a deletion by TTL."""
    images: _Images = {}
    # INSERT has no old image and REMOVE no new one; the view type keeps the rest or drops them (§7.3)
    keeps_new = stream_view_type in (StreamViewType.NEW_IMAGE, StreamViewType.NEW_AND_OLD_IMAGES)
    keeps_old = stream_view_type in (StreamViewType.OLD_IMAGE, StreamViewType.NEW_AND_OLD_IMAGES)
    if new_image is not None and keeps_new and event_name is not StreamEventName.REMOVE:
        images["NewImage"] = dict(new_image)
    if old_image is not None and keeps_old and event_name is not StreamEventName.INSERT:
        images["OldImage"] = dict(old_image)
    if size_bytes is None:
        size_bytes = item_size(keys) + item_size(images.get("NewImage", {})) + item_size(images.get("OldImage", {}))
    record: DynamoDBRecord = {
        "eventID": event_id,
        "eventName": event_name.value,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": parse_arn(stream_arn).region,
        "dynamodb": {
            # whole epoch seconds (§7.3)
            "ApproximateCreationDateTime": epoch_seconds(time),
            "Keys": dict(keys),
            **images,
            "SequenceNumber": sequence_number,
            "SizeBytes": size_bytes,
            "StreamViewType": stream_view_type.value,
        },
        "eventSourceARN": stream_arn,
    }
    if ttl_expired and event_name is StreamEventName.REMOVE:
        # userIdentity appears only on deletions done by TTL (§7.3)
        record["userIdentity"] = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    return record


def dynamodb_event(records: Iterable[DynamoDBRecord]) -> DynamoDBEvent:
    return {"Records": list(records)}


def _number_text(value: int | float | Decimal) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise PayloadError(f"DynamoDB numbers are finite, not {value}")
    # DynamoDB numbers: at most 38 significant digits, magnitudes from 1E-130 to below 1E+126
    if len("".join(map(str, number.as_tuple().digits)).strip("0")) > _PRECISION.prec:
        raise PayloadError(f"DynamoDB numbers have at most 38 significant digits, not {value}")
    if number and not _NUMBER_RANGE[0] <= number.copy_abs() < _NUMBER_RANGE[1]:
        raise PayloadError(f"DynamoDB numbers lie between 1E-130 and 1E+126 in magnitude, not {value}")
    # written without exponent and without leading or trailing zeros, as DynamoDB returns numbers
    text = format(number.normalize(_PRECISION), "f")
    return "0" if text == "-0" else text


def _marshall_set(values: set[Any] | frozenset[Any]) -> AttributeValue:
    if not values:
        raise PayloadError("DynamoDB sets cannot be empty")
    if all(isinstance(each, str) for each in values):
        return {"SS": sorted(values)}
    if all(isinstance(each, int | float | Decimal) and not isinstance(each, bool) for each in values):
        return {"NS": sorted(_number_text(each) for each in values)}
    if all(isinstance(each, bytes | bytearray) for each in values):
        return {"BS": sorted(base64.b64encode(each).decode("ascii") for each in values)}
    raise PayloadError("a DynamoDB set holds only strings, only numbers or only binary values")


def _value_size(value: AttributeValue) -> int:
    if len(value) != 1:
        raise PayloadError(f"an AttributeValue has exactly one type, not {sorted(value)}")
    [(kind, content)] = value.items()
    if kind == "S":
        return len(str(content).encode("utf-8"))
    if kind == "N":
        return _number_size(str(content))
    if kind == "B":
        return len(base64.b64decode(content))
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(str(each).encode("utf-8")) for each in content)
    if kind == "NS":
        return sum(_number_size(str(each)) for each in content)
    if kind == "BS":
        return sum(len(base64.b64decode(each)) for each in content)
    # List and Map: 3 bytes of overhead plus 1 byte per element
    if kind == "L":
        return 3 + sum(1 + _value_size(each) for each in content)
    if kind == "M":
        return 3 + len(content) + item_size(content)
    raise PayloadError(f"unknown DynamoDB attribute type {kind!r}")


def _number_size(text: str) -> int:
    # one byte per two significant digits (leading and trailing zeros trimmed), plus one
    digits = text.lstrip("-").replace(".", "").strip("0") or "0"
    return math.ceil(len(digits) / 2) + 1
