"""One DynamoDB stream as the engine keeps it: its single shard's positions, its state, and the newest
durable records kept in memory so a consumer that keeps up never reads the store.

A stream belongs to one table and one enabling of its stream: disabling closes it (its shard gets an
ending sequence number) and enabling again makes a new stream with a new label and ARN (developer
guide, "Enabling a stream"). Positions are assigned when a change is committed, in commit order;
``durable`` is the newest position the store has acknowledged.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from triggerfish.core.payloads.dynamodb import StreamViewType
from triggerfish.services.dynamodb.models import KeySchema, TableConfig
from triggerfish.services.dynamodb.stream_records import shard_id_for
from triggerfish.store.streams import LogRecord

#: how many of the newest records each stream keeps in memory
_TAIL = 2048


@dataclass(frozen=True)
class StreamOwner:
    """What a stream remembers of its table (which may be gone)."""

    table_name: str
    table_id: str
    account: str
    region: str
    key: KeySchema

    @classmethod
    def of(cls, config: TableConfig) -> StreamOwner:
        return cls(config.name, config.table_id, config.account, config.region, config.key)

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"


class TableStream:
    def __init__(
        self, arn: str, label: str, owner: StreamOwner, view: StreamViewType | None, created_at: float, position: int
    ) -> None:
        self.arn = arn
        self.label = label
        self.owner = owner
        self.view = view
        self.created_at = created_at
        self.shard_id = shard_id_for(arn, label)
        #: the newest position assigned, and the newest the store has acknowledged
        self.position = position
        self.durable = position
        #: epoch seconds the stream was closed at (``None`` while enabled)
        self.closed_at: float | None = None
        self.last_arrival: float | None = None
        self._tail: list[LogRecord] = []

    @property
    def enabled(self) -> bool:
        return self.closed_at is None

    @property
    def ending_position(self) -> int | None:
        """The last position a closed stream will ever hold."""
        return None if self.closed_at is None else self.position

    def next_position(self) -> int:
        self.position += 1
        return self.position

    def close(self, now: float) -> None:
        if self.closed_at is None:
            self.closed_at = now

    def landed(self, record: LogRecord) -> None:
        """A record is durable (records land in position order)."""
        self.durable = max(self.durable, record.position)
        self.last_arrival = record.arrival
        tail = self._tail
        tail.append(record)
        if len(tail) > 2 * _TAIL:
            del tail[:_TAIL]

    def cached(self, after: int | None, limit: int) -> Sequence[LogRecord] | None:
        """The durable records after ``after`` from memory, or ``None`` when memory may not hold them all."""
        if after is not None and after >= self.durable:
            return ()
        tail = self._tail
        if after is None or not tail or after < tail[0].position - 1:
            return None
        start = bisect_right(tail, after, key=lambda record: record.position)
        return tail[start : start + limit]
