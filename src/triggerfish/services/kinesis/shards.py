"""Hash key ranges, partition key hashing and sequence numbers.

A record goes to the open shard whose hash key range holds the MD5 of its partition key read as a
128-bit number, or its explicit hash key (Kinesis API reference, PutRecord). Sequence numbers are
56-digit decimal strings growing within a shard; ours encode the shard's index and the record's
position, so each converts back to the other exactly.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence

from triggerfish.services.kinesis.models import Shard

HASH_KEY_SPACE = 1 << 128
_BASE = 49 * 10**54
_PER_SHARD = 10**40


def even_ranges(count: int) -> list[tuple[int, int]]:
    """``count`` inclusive ranges splitting the hash key space evenly, as CreateStream lays shards out."""
    return [((HASH_KEY_SPACE * i) // count, (HASH_KEY_SPACE * (i + 1)) // count - 1) for i in range(count)]


def hash_key_of(partition_key: str) -> int:
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8"), usedforsecurity=False).digest(), "big")


def sequence_number(shard_index: int, position: int) -> str:
    return str(_BASE + shard_index * _PER_SHARD + position)


def position_of(shard_index: int, number: int) -> int | None:
    """The position a sequence number (as an integer) encodes in this shard, ``None`` when it
    belongs to another shard or to no shard at all."""
    position = number - _BASE - shard_index * _PER_SHARD
    return position if 0 <= position < _PER_SHARD else None


def shard_index_of(number: int) -> int | None:
    """The index of the shard a sequence number (as an integer) belongs to."""
    offset = number - _BASE
    return offset // _PER_SHARD if offset >= 0 else None


def time_position(now: float) -> int:
    """Positions never fall below the clock in microseconds, so sequence numbers keep growing across
    restarts even after retention has trimmed every record of a shard."""
    return int(now * 1_000_000)


class Router:
    """Finds the open shard for a hash key by bisecting the open shards' range starts."""

    __slots__ = ("_shards", "_starts")

    def __init__(self, shards: Sequence[Shard]) -> None:
        ordered = sorted((s for s in shards if s.is_open), key=lambda s: s.start_hash)
        self._shards = ordered
        self._starts = [s.start_hash for s in ordered]

    def shard_for(self, hash_key: int) -> Shard:
        return self._shards[max(0, bisect.bisect_right(self._starts, hash_key) - 1)]
