"""Reading shards: shard iterators and GetRecords, and the retention-aware read the stream source
shares with them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from triggerfish.core.clock import Clock
from triggerfish.services.kinesis.errors import InvalidArgument, ResourceNotFound, shard_not_found
from triggerfish.services.kinesis.iterators import ShardIterator, decode_iterator
from triggerfish.services.kinesis.live import LiveStream
from triggerfish.services.kinesis.models import Shard
from triggerfish.services.kinesis.registry import StreamRegistry
from triggerfish.services.kinesis.shards import position_of, shard_index_of
from triggerfish.store.streams import LogRecord, StreamLogStore


class IteratorType(StrEnum):
    AT_SEQUENCE_NUMBER = "AT_SEQUENCE_NUMBER"
    AFTER_SEQUENCE_NUMBER = "AFTER_SEQUENCE_NUMBER"
    TRIM_HORIZON = "TRIM_HORIZON"
    LATEST = "LATEST"
    AT_TIMESTAMP = "AT_TIMESTAMP"


_BY_SEQUENCE = (IteratorType.AT_SEQUENCE_NUMBER, IteratorType.AFTER_SEQUENCE_NUMBER)


@dataclass(frozen=True)
class RecordsPage:
    live: LiveStream
    shard: Shard
    records: Sequence[LogRecord]
    #: ``None`` once a closed shard has been read to its end
    next_iterator: str | None
    millis_behind: int
    #: a closed shard's children, once it has been read to its end
    children: tuple[Shard, ...] = ()


class RecordReader:
    def __init__(self, registry: StreamRegistry, log: StreamLogStore, clock: Clock) -> None:
        self._registry = registry
        self._log = log
        self._clock = clock

    def shard(self, live: LiveStream, shard_id: str) -> Shard:
        found = live.config.shard(shard_id)
        if found is None:
            raise shard_not_found(shard_id, live.config.name, live.config.account)
        return found

    async def shard_iterator(
        self,
        live: LiveStream,
        shard_id: str,
        kind: IteratorType,
        *,
        starting_sequence_number: str | None = None,
        timestamp: datetime | float | None = None,
    ) -> str:
        shard = self.shard(live, shard_id)
        name, account = live.config.name, live.config.account
        if kind in _BY_SEQUENCE:
            if starting_sequence_number is None:
                raise _sequence_rule(kind, "no")
            position = _position_for(starting_sequence_number, shard, name, account)
            after = position - 1 if kind is IteratorType.AT_SEQUENCE_NUMBER else position
        elif starting_sequence_number is not None:
            raise _sequence_rule(kind, "also a")
        elif kind is IteratorType.TRIM_HORIZON:
            after = shard.starting_position - 1
        elif kind is IteratorType.LATEST:
            after = live.counter(shard)
        else:
            if timestamp is None:
                # AT_TIMESTAMP needs its Timestamp (Kinesis API reference, GetShardIterator)
                raise InvalidArgument(
                    "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
                    "Current request has no timestamp parameter."
                )
            seconds = timestamp.timestamp() if isinstance(timestamp, datetime) else float(timestamp)
            after = await self.position_at(live, shard, seconds)
        return ShardIterator(live.arn, shard.shard_id, after, self._clock.now()).encode()

    async def get_records(self, token: str, limit: int) -> RecordsPage:
        now = self._clock.now()
        iterator = decode_iterator(token, now)
        live = self._registry.by_arn(iterator.arn)
        if live is None:
            name = iterator.arn.rpartition("/")[2]
            raise ResourceNotFound(
                f"Shard {iterator.shard_id} in stream {name} under account {iterator.arn.split(':')[4]} does not exist"
            )
        shard = self.shard(live, iterator.shard_id)
        records = await self.read(live, shard, iterator.after, limit)
        after = records[-1].position if records else iterator.after
        if shard.ending_position is not None and after >= shard.ending_position:
            children = tuple(s for s in live.config.shards if shard.shard_id in (s.parent, s.adjacent_parent))
            return RecordsPage(live, shard, records, None, 0, children)
        behind = 0
        if records and records[-1].position < live.counter(shard):
            behind = max(0, int((now - records[-1].arrival) * 1000))
        next_token = ShardIterator(live.arn, shard.shard_id, after, now).encode()
        return RecordsPage(live, shard, records, next_token, behind)

    async def read(self, live: LiveStream, shard: Shard, after: int | None, limit: int) -> Sequence[LogRecord]:
        """Up to ``limit`` records after ``after`` still within the retention period: records older
        than it are gone even before the periodic trim removes them."""
        cutoff = self._clock.now() - live.config.retention_hours * 3600
        while True:
            batch = await self._log.read(live.arn, shard.shard_id, after=after, limit=limit)
            if not batch or batch[0].arrival >= cutoff:
                return batch
            kept = [record for record in batch if record.arrival >= cutoff]
            if kept or len(batch) < limit:
                return kept
            after = batch[-1].position

    async def position_at(self, live: LiveStream, shard: Shard, timestamp: float) -> int:
        """The position just before the first record that arrived at or after ``timestamp``."""
        first = await self._log.first_at(live.arn, shard.shard_id, timestamp)
        return live.counter(shard) if first is None else first - 1


def _position_for(text: str, shard: Shard, name: str, account: str) -> int:
    number = int(text) if text.isascii() and text.isdigit() else None
    if number is None:
        raise InvalidArgument(
            f"StartingSequenceNumber {text} used in GetShardIterator on shard {shard.shard_id} in stream {name} "
            f"under account {account} is invalid."
        )
    position = position_of(shard.index, number)
    if position is None:
        index = shard_index_of(number)
        if index is None:
            raise InvalidArgument(
                f"StartingSequenceNumber {text} used in GetShardIterator on shard {shard.shard_id} in stream "
                f"{name} under account {account} is invalid because it did not come from this stream."
            )
        # AWS's wording when a sequence number of another shard is used
        raise InvalidArgument(
            f"Invalid StartingSequenceNumber. It encodes shardId-{index:012d}, while it was used in a call to a "
            f"shard with {shard.shard_id}"
        )
    return position


def _sequence_rule(kind: IteratorType, given: str) -> InvalidArgument:
    # the sequence-number types need one, the others must not have one (Kinesis API reference, GetShardIterator)
    return InvalidArgument(
        "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "
        "(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. "
        f"Request specified {kind.value} and {given} StartingSequenceNumber."
    )
