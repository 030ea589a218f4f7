"""Putting records: route each to its shard, give it the shard's next position, write the whole
request as one append, and tell the stream's listeners once it is durable."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from triggerfish.core.clock import Clock
from triggerfish.services.kinesis.errors import InvalidArgument
from triggerfish.services.kinesis.live import LiveStream
from triggerfish.services.kinesis.shards import HASH_KEY_SPACE, hash_key_of, sequence_number
from triggerfish.store.streams import LogRecord, StreamLogStore

#: PutRecords takes up to 5 MiB of data and partition keys in all (Kinesis API reference, PutRecords)
MAX_REQUEST_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class PutEntry:
    data: bytes
    partition_key: str
    explicit_hash_key: str | None = None


@dataclass(frozen=True)
class PutResult:
    shard_id: str
    sequence_number: str


class RecordWriter:
    def __init__(self, log: StreamLogStore, clock: Clock, notify: Callable[[str], None]) -> None:
        self._log = log
        self._clock = clock
        self._notify = notify

    async def put(self, live: LiveStream, entries: Sequence[PutEntry]) -> list[PutResult]:
        """Write the entries in order; answers once they are durable."""
        if len(entries) > 1 and sum(len(e.data) + len(e.partition_key.encode()) for e in entries) > MAX_REQUEST_BYTES:
            raise InvalidArgument("Records size exceeds 5 MB limit")
        hash_keys = [_hash_key(entry) for entry in entries]
        now = self._clock.now()
        arn = live.arn
        route = live.router.shard_for
        results: list[PutResult] = []
        records: list[LogRecord] = []
        for entry, hash_key in zip(entries, hash_keys, strict=True):
            shard = route(hash_key)
            position = live.next_position(shard, now)
            shard_id = shard.shard_id
            records.append(LogRecord(arn, shard_id, position, now, entry.partition_key, entry.data))
            results.append(PutResult(shard_id, sequence_number(shard.index, position)))
        written = asyncio.ensure_future(self._log.append(records))
        # listeners hear of the records once the write resolves, even if this request is abandoned meanwhile
        written.add_done_callback(lambda done: self._written(arn, done))
        await asyncio.shield(written)
        return results

    def _written(self, arn: str, done: asyncio.Future[None]) -> None:
        if not done.cancelled() and done.exception() is None:
            self._notify(arn)


def _hash_key(entry: PutEntry) -> int:
    if entry.explicit_hash_key is None:
        return hash_key_of(entry.partition_key)
    text = entry.explicit_hash_key
    value = int(text) if text.isascii() and text.isdigit() else -1
    if not 0 <= value < HASH_KEY_SPACE:
        # AWS's wording for a hash key outside the 128-bit space
        raise InvalidArgument(
            f"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {text}"
        )
    return value
