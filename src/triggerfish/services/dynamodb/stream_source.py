"""DynamoDB Streams as the Lambda stream event source mapping reads them (``core.stream_port``).

Each record's ``data`` is the record as Lambda receives it (with ``eventSourceARN``), stored that way,
so a batch is built without re-encoding; ``partition_key`` is the item's key as canonical text, which
keeps changes to one item in order when a shard is consumed in parallel.

Positions here are what ``StreamRecord.position`` says: the sequence number read as an integer, not
the engine's log position it is made from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from triggerfish.core.stream_port import ShardInfo, StreamInfo, StreamKind, StreamRecord
from triggerfish.services.dynamodb.engine import RETENTION_SECONDS, TableEngine
from triggerfish.services.dynamodb.stream_records import position_of, sequence_number
from triggerfish.services.dynamodb.stream_state import TableStream

_RETENTION_HOURS = RETENTION_SECONDS // 3600


class DynamoDBStreamSource:
    def __init__(self, engine: TableEngine) -> None:
        self._engine = engine

    def stream(self, arn: str) -> StreamInfo | None:
        stream = self._enabled(arn)
        if stream is None:
            return None
        return StreamInfo(arn, StreamKind.DYNAMODB, (ShardInfo(stream.shard_id),), _RETENTION_HOURS)

    async def read(self, arn: str, shard_id: str, *, after: int | None, limit: int) -> Sequence[StreamRecord]:
        stream = self._engine.stream(arn)
        if stream is None or shard_id != stream.shard_id:
            return ()
        records = await self._engine.read(stream, after=_log_position(after), limit=limit)
        return [
            StreamRecord(shard_id, sequence_number(r.position), r.arrival, r.partition_key, r.data) for r in records
        ]

    def latest(self, arn: str, shard_id: str) -> int | None:
        stream = self._engine.stream(arn)
        if stream is None or shard_id != stream.shard_id or stream.durable == 0:
            return None
        return _sequence_position(stream.durable)

    async def position_at(self, arn: str, shard_id: str, timestamp: float) -> int | None:
        stream = self._engine.stream(arn)
        if stream is None or shard_id != stream.shard_id:
            return None
        first = await self._engine.first_at(stream, timestamp)
        if first is None:
            return self.latest(arn, shard_id)
        return _sequence_position(first - 1) if first > 1 else None

    def on_records(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        return self._engine.on_records(arn, callback)

    def _enabled(self, arn: str) -> TableStream | None:
        stream = self._engine.stream(arn)
        return stream if stream is not None and stream.enabled else None


def _sequence_position(position: int) -> int:
    return int(sequence_number(position))


def _log_position(after: int | None) -> int | None:
    if after is None:
        return None
    return max(position_of(str(after)) or 0, 0)
