"""What a stream consumer inside triggerfish (the Lambda stream event source mapping) needs from a
change stream: Kinesis data streams and DynamoDB Streams both implement :class:`StreamSource`.

``app`` hands each to Lambda, so Lambda imports neither service. A stream is a set of shards; each
shard is an ordered log of records whose sequence numbers, read as integers, grow within the shard.
A consumer is *told* when records may have arrived instead of polling.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class StreamKind(StrEnum):
    KINESIS = "kinesis"
    DYNAMODB = "dynamodb"


@dataclass(frozen=True)
class ShardInfo:
    shard_id: str
    #: the shard this one was split or merged from; a consumer finishes the parent first
    parent_shard_id: str | None = None
    #: ``None`` while the shard is open; the last sequence number it will ever hold once closed
    ending_sequence_number: str | None = None


@dataclass(frozen=True)
class StreamInfo:
    arn: str
    kind: StreamKind
    shards: tuple[ShardInfo, ...]
    #: hours a record stays readable (Kinesis: 24 to 8,760; DynamoDB Streams: 24)
    retention_hours: int = 24


@dataclass(frozen=True)
class StreamRecord:
    """One record of one shard.

    ``partition_key`` is what ordering is kept by when a shard is consumed in parallel: the Kinesis
    partition key, or the DynamoDB item's key written as canonical text. ``data`` is, for Kinesis,
    the record's bytes as put; for DynamoDB Streams, the JSON of the record as Lambda receives it
    (``core.payloads.dynamodb.DynamoDBRecord``, with ``eventSourceARN``).
    """

    shard_id: str
    sequence_number: str
    arrival: float  # epoch seconds on the service clock
    partition_key: str
    data: bytes

    @property
    def position(self) -> int:
        """The sequence number as an integer, for comparing records of one shard."""
        return int(self.sequence_number)


class StreamSource(Protocol):
    def stream(self, arn: str) -> StreamInfo | None:
        """The stream with this ARN (a Kinesis stream ARN, or a DynamoDB table's stream ARN), or
        ``None`` when it does not exist or (DynamoDB) the table's stream is off."""

    async def read(self, arn: str, shard_id: str, *, after: int | None, limit: int) -> Sequence[StreamRecord]:
        """Up to ``limit`` records of the shard in order, those with a position greater than ``after``
        (``None``: from the oldest record still retained). Expired records are never returned."""

    def latest(self, arn: str, shard_id: str) -> int | None:
        """The position of the newest record of the shard, or ``None`` when it holds none yet
        (a LATEST iterator starts after it)."""

    async def position_at(self, arn: str, shard_id: str, timestamp: float) -> int | None:
        """The position just before the first record that arrived at or after ``timestamp`` (an
        AT_TIMESTAMP iterator starts after it); ``None`` for "before every record"."""

    def on_records(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` (on the event loop, without arguments) whenever records were added to the
        stream, its shards changed, or it was deleted. Returns a function that stops the
        notifications. Spurious calls are allowed; a missed one is not."""
