"""The :class:`~triggerfish.core.stream_port.StreamSource` Lambda's stream event source mappings
consume Kinesis streams through. Its positions are the records' sequence numbers as integers."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from triggerfish.core.stream_port import ShardInfo, StreamInfo, StreamKind, StreamRecord
from triggerfish.services.kinesis.listeners import Listeners
from triggerfish.services.kinesis.live import LiveStream
from triggerfish.services.kinesis.models import Shard
from triggerfish.services.kinesis.reading import RecordReader
from triggerfish.services.kinesis.registry import StreamRegistry
from triggerfish.services.kinesis.shards import position_of, sequence_number


class KinesisStreamSource:
    def __init__(self, registry: StreamRegistry, reader: RecordReader, listeners: Listeners) -> None:
        self._registry = registry
        self._reader = reader
        self._listeners = listeners

    def stream(self, arn: str) -> StreamInfo | None:
        live = self._registry.by_arn(arn)
        if live is None:
            return None
        shards = tuple(
            ShardInfo(
                shard_id=s.shard_id,
                parent_shard_id=s.parent,
                ending_sequence_number=None
                if s.ending_position is None
                else sequence_number(s.index, s.ending_position),
            )
            for s in live.config.shards
        )
        return StreamInfo(arn=arn, kind=StreamKind.KINESIS, shards=shards, retention_hours=live.config.retention_hours)

    async def read(self, arn: str, shard_id: str, *, after: int | None, limit: int) -> Sequence[StreamRecord]:
        found = self._shard(arn, shard_id)
        if found is None or limit <= 0:
            return []
        live, shard = found
        start = None if after is None else position_of(shard.index, after)
        if start is None and after is not None and after > int(sequence_number(shard.index, 0)):
            return []  # past anything this shard can hold; below its numbers reads from its start
        records = await self._reader.read(live, shard, start, limit)
        index = shard.index
        return [
            StreamRecord(shard_id, sequence_number(index, r.position), r.arrival, r.partition_key, r.data)
            for r in records
        ]

    def latest(self, arn: str, shard_id: str) -> int | None:
        found = self._shard(arn, shard_id)
        if found is None:
            return None
        live, shard = found
        position = live.latest(shard)
        return None if position is None else int(sequence_number(shard.index, position))

    async def position_at(self, arn: str, shard_id: str, timestamp: float) -> int | None:
        found = self._shard(arn, shard_id)
        if found is None:
            return None
        live, shard = found
        position = await self._reader.position_at(live, shard, timestamp)
        return None if position < shard.starting_position else int(sequence_number(shard.index, position))

    def on_records(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        return self._listeners.add(arn, callback)

    def _shard(self, arn: str, shard_id: str) -> tuple[LiveStream, Shard] | None:
        live = self._registry.by_arn(arn)
        shard = None if live is None else live.config.shard(shard_id)
        return None if live is None or shard is None else (live, shard)
