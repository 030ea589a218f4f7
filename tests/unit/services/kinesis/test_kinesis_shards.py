"""Hash key ranges, routing, sequence numbers and shard iterators: pure functions."""

from __future__ import annotations

import hashlib
import itertools

import pytest

from triggerfish.services.kinesis.errors import InvalidArgument
from triggerfish.services.kinesis.iterators import ShardIterator, decode_iterator
from triggerfish.services.kinesis.models import Shard
from triggerfish.services.kinesis.shards import (
    HASH_KEY_SPACE,
    Router,
    even_ranges,
    hash_key_of,
    position_of,
    sequence_number,
    shard_index_of,
)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
def test_even_ranges_cover_the_hash_key_space_without_gaps(count: int) -> None:
    ranges = even_ranges(count)
    assert ranges[0][0] == 0 and ranges[-1][1] == HASH_KEY_SPACE - 1
    assert all(high + 1 == low for (_, high), (low, _) in itertools.pairwise(ranges))


def test_three_shards_split_as_kinesis_splits_them() -> None:
    # CreateStream with ShardCount 3 ends the first shard at 113427455640312821154458202477256070484
    assert even_ranges(3)[0] == (0, 113427455640312821154458202477256070484)


def test_partition_keys_hash_with_md5_as_a_128_bit_number() -> None:
    assert hash_key_of("key") == int(hashlib.md5(b"key").hexdigest(), 16)
    assert hash_key_of("ключ") == int(hashlib.md5("ключ".encode()).hexdigest(), 16)


def test_router_finds_the_open_shard_holding_a_hash_key() -> None:
    shards = [Shard(i, low, high, 0) for i, (low, high) in enumerate(even_ranges(4))]
    closed = Shard(9, 0, HASH_KEY_SPACE - 1, 0, ending_position=5)
    router = Router([closed, *reversed(shards)])
    for shard in shards:
        assert router.shard_for(shard.start_hash) is shard
        assert router.shard_for(shard.end_hash) is shard


def test_sequence_numbers_round_trip_to_positions() -> None:
    number = sequence_number(3, 1_700_000_000_000_123)
    assert len(number) == 56
    assert position_of(3, int(number)) == 1_700_000_000_000_123
    assert position_of(2, int(number)) is None
    assert shard_index_of(int(number)) == 3
    assert shard_index_of(12) is None
    assert int(sequence_number(0, 5)) < int(sequence_number(0, 6)) < int(sequence_number(1, 0))


def test_iterators_round_trip_and_refuse_garbage() -> None:
    iterator = ShardIterator("arn:aws:kinesis:us-east-1:000000000000:stream/a|b", "shardId-000000000001", 41, 100.5)
    assert decode_iterator(iterator.encode(), 100.5) == iterator
    for garbage in ("", "!!!", "bm9wZQ==", ShardIterator("a", "s", 1, 0).encode().replace("M", "N", 1)):
        with pytest.raises(InvalidArgument, match=r"^Invalid ShardIterator\.$"):
            decode_iterator(garbage, 0)
