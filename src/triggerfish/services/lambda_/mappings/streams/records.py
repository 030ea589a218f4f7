"""Lambda's view of stream records: the record dicts a batch event carries (spec §7.2, §7.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from triggerfish.core.payloads.kinesis import kinesis_record
from triggerfish.core.stream_port import StreamKind, StreamRecord

#: the largest synchronous invoke payload: a batch never grows past it (spec §1.1, §7.1)
MAX_PAYLOAD = 6 * 1024 * 1024
#: bytes of ``{"Records":[]}`` plus a little for the tumbling-window fields
_ENVELOPE = 16


@dataclass(frozen=True)
class Entry:
    """One record read from a shard, with what Lambda will see of it."""

    record: StreamRecord
    #: the record as the function receives it
    body: dict[str, Any]
    #: its JSON size, for the payload limit
    size: int
    #: when it was read (the batching window opens then)
    read_at: float
    #: the parallel lane it belongs to
    lane: int

    @property
    def position(self) -> int:
        return self.record.position

    @property
    def sequence_number(self) -> str:
        return self.record.sequence_number


def lambda_record(kind: StreamKind, record: StreamRecord, stream_arn: str, role: str) -> dict[str, Any]:
    if kind is StreamKind.DYNAMODB:
        # DynamoDB Streams hands over the record as the service built it (spec §7.3)
        body: dict[str, Any] = orjson.loads(record.data)
        return body
    # invokeIdentityArn is the function's execution role (spec §7.2)
    return dict(
        kinesis_record(
            stream_arn=stream_arn,
            shard_id=record.shard_id,
            sequence_number=record.sequence_number,
            partition_key=record.partition_key,
            data=record.data,
            arrival_time=record.arrival,
            invoke_identity_arn=role,
        )
    )


def record_size(body: dict[str, Any]) -> int:
    return len(orjson.dumps(body)) + 1  # the comma between records


def batch_event(entries: Sequence[Entry]) -> dict[str, Any]:
    return {"Records": [entry.body for entry in entries]}


def fits(size: int, entries: int, extra: int) -> bool:
    """Whether a record of ``size`` bytes still fits a batch already holding ``extra`` bytes."""
    return entries == 0 or _ENVELOPE + extra + size <= MAX_PAYLOAD
