"""The durable logs behind change streams and the durable copy of DynamoDB tables.

Kinesis and DynamoDB keep their live state (shards, items, indexes) in memory and use this store
as its log, as SQS does with :mod:`triggerfish.store.queues`: what was acknowledged was written
first. A DynamoDB item change and the stream record it produces are written in one transaction, so
a crash never leaves a change without its record or a record without its change.

Every write method queues its write when it is *called* and returns an awaitable that resolves once
the write is durable; writes land in the order the methods were called.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LogRecord:
    """One record of one shard of one stream. ``position`` grows within a shard (the service
    assigns it); ``data`` is opaque to the store."""

    stream: str
    shard: str
    position: int
    arrival: float
    partition_key: str
    data: bytes


@dataclass(frozen=True)
class ItemWrite:
    """One item of one table written (``body``) or deleted (``body is None``). ``table`` names one
    incarnation of a table (a table re-created under the same name gets a new one); ``key`` is the
    item's key as canonical text; ``body`` is opaque to the store."""

    table: str
    key: str
    body: bytes | None


class StreamLogStore(Protocol):
    def append(self, records: Sequence[LogRecord]) -> Awaitable[None]:
        """Add records (positions must be new in their shard)."""

    async def read(self, stream: str, shard: str, *, after: int | None, limit: int) -> Sequence[LogRecord]:
        """Up to ``limit`` records of the shard with a position greater than ``after`` (``None``:
        from the first), in position order."""

    async def first_at(self, stream: str, shard: str, arrival: float) -> int | None:
        """The position of the first record of the shard that arrived at or after ``arrival``."""

    async def last_positions(self, stream: str) -> Mapping[str, int]:
        """The highest position of each shard of the stream that holds records."""

    def trim(self, stream: str, *, before: float) -> Awaitable[int]:
        """Remove the stream's records that arrived before ``before``; returns how many."""

    def drop(self, stream: str) -> Awaitable[None]:
        """Remove every record of the stream."""


class TableItemStore(Protocol):
    def write(self, items: Sequence[ItemWrite], records: Sequence[LogRecord] = ()) -> Awaitable[None]:
        """Apply item writes and append stream records, all in one transaction."""

    async def load(self, table: str) -> Sequence[tuple[str, bytes]]:
        """Every item of the table as (key, body), in key order."""

    def drop(self, table: str) -> Awaitable[None]:
        """Remove every item of the table."""
