"""DynamoDB Streams records: sequence numbers, shard ids, the record of one item change as stored, and
the GetRecords shape of a stored record.

A stored record is the JSON of the record as Lambda receives it (``core.payloads.dynamodb``), with
``eventSourceARN``: the event source mapping hands it over as it is, and GetRecords reshapes it.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

from triggerfish.core.payloads.dynamodb import StreamEventName, StreamViewType, dynamodb_record
from triggerfish.services.dynamodb.models import Item
from triggerfish.services.dynamodb.values import from_json, key_text, to_json
from triggerfish.store.streams import LogRecord

#: sequence numbers are decimal strings of one length (21 digits: the API's minimum) growing by one
_SEQUENCE_BASE = 10**20

_KEEPS_NEW = (StreamViewType.NEW_IMAGE, StreamViewType.NEW_AND_OLD_IMAGES)
_KEEPS_OLD = (StreamViewType.OLD_IMAGE, StreamViewType.NEW_AND_OLD_IMAGES)


def sequence_number(position: int) -> str:
    return str(_SEQUENCE_BASE + position)


def position_of(sequence: str) -> int | None:
    """The position a sequence number names, or ``None`` when it is not one of ours."""
    if not sequence.isdigit() or len(sequence) != len(str(_SEQUENCE_BASE)):
        return None
    return int(sequence) - _SEQUENCE_BASE


def shard_id_for(arn: str, label: str) -> str:
    """The one shard of a stream, ``shardId-<20-digit creation milliseconds>-<8 hex>``: derived from the
    stream, so it is the same after a restart."""
    millis = int(label_time(label) * 1000)
    return f"shardId-{millis:020d}-{hashlib.sha256(arn.encode()).hexdigest()[:8]}"


def label_time(label: str) -> float:
    """The epoch seconds a stream label (its creation time, UTC, no zone) names."""
    return datetime.fromisoformat(label).replace(tzinfo=UTC).timestamp()


def change_record(
    *,
    stream_arn: str,
    shard_id: str,
    position: int,
    view: StreamViewType,
    key: Item,
    old: Item | None,
    new: Item | None,
    now: float,
    ttl: bool,
) -> LogRecord:
    """The stream record of one item change (INSERT without an old item, REMOVE without a new one)."""
    name = StreamEventName.INSERT if old is None else StreamEventName.REMOVE if new is None else StreamEventName.MODIFY
    record = dynamodb_record(
        event_id=uuid.uuid4().hex,
        event_name=name,
        stream_arn=stream_arn,
        keys=to_json(key),
        sequence_number=sequence_number(position),
        stream_view_type=view,
        time=now,
        # only the images the view type keeps are converted (§7.3)
        new_image=None if new is None or view not in _KEEPS_NEW else to_json(new),
        old_image=None if old is None or view not in _KEEPS_OLD else to_json(old),
        ttl_expired=ttl,
    )
    return LogRecord(stream_arn, shard_id, position, now, key_text(key), orjson.dumps(record))


def view_type_of(data: bytes) -> StreamViewType | None:
    """The view type a stored record was written with."""
    try:
        return StreamViewType(orjson.loads(data)["dynamodb"]["StreamViewType"])
    except (KeyError, TypeError, ValueError, orjson.JSONDecodeError):
        return None


def api_record(data: bytes) -> dict[str, Any]:
    """A stored record as GetRecords returns it (DynamoDB Streams API reference, ``Record``): no
    ``eventSourceARN``, ``userIdentity`` with ``PrincipalId``/``Type``, binary values as bytes."""
    lambda_record = orjson.loads(data)
    body = dict(lambda_record["dynamodb"])
    for images in ("Keys", "NewImage", "OldImage"):
        if images in body:
            body[images] = from_json(body[images])
    record: dict[str, Any] = {
        "eventID": lambda_record["eventID"],
        "eventName": lambda_record["eventName"],
        "eventVersion": lambda_record["eventVersion"],
        "eventSource": lambda_record["eventSource"],
        "awsRegion": lambda_record["awsRegion"],
        "dynamodb": body,
    }
    identity = lambda_record.get("userIdentity")
    if identity is not None:
        record["userIdentity"] = {"PrincipalId": identity["principalId"], "Type": identity["type"]}
    return record
