"""The stream log and table item store contracts: every backend, every method, the promised ordering."""

from __future__ import annotations

import asyncio

from triggerfish.store.interfaces import Store
from triggerfish.store.streams import ItemWrite, LogRecord

from .backends import Backend

S = "arn:aws:kinesis:us-east-1:000000000000:stream/s"
T = "table-1"


def record(position: int, *, shard: str = "shardId-000000000000", arrival: float = 1.0, stream: str = S) -> LogRecord:
    return LogRecord(stream, shard, position, arrival, f"key-{position}", f"data {position}".encode())


async def positions(
    store: Store, *, after: int | None = None, limit: int = 100, shard: str = "shardId-000000000000"
) -> list[int]:
    return [r.position for r in await store.streams.read(S, shard, after=after, limit=limit)]


async def test_records_read_back_in_position_order_with_every_field(store: Store) -> None:
    await store.streams.append([record(2), record(1)])
    await store.streams.append([record(3, arrival=2.5)])
    read = await store.streams.read(S, "shardId-000000000000", after=None, limit=10)
    assert [r.position for r in read] == [1, 2, 3]
    assert read[2] == LogRecord(S, "shardId-000000000000", 3, 2.5, "key-3", b"data 3")


async def test_read_after_a_position_and_within_a_limit(store: Store) -> None:
    await store.streams.append([record(p) for p in range(1, 11)])
    assert await positions(store, after=4, limit=3) == [5, 6, 7]
    assert await positions(store, after=10) == []


async def test_shards_and_streams_are_independent(store: Store) -> None:
    await store.streams.append([record(1), record(1, shard="shardId-000000000001"), record(7, stream="other")])
    assert await positions(store) == [1]
    assert await store.streams.last_positions(S) == {"shardId-000000000000": 1, "shardId-000000000001": 1}
    assert await store.streams.last_positions("other") == {"shardId-000000000000": 7}
    assert await store.streams.last_positions("none") == {}


async def test_first_at_finds_the_first_record_arrived_at_or_after(store: Store) -> None:
    await store.streams.append([record(1, arrival=1.0), record(2, arrival=2.0), record(3, arrival=3.0)])
    assert await store.streams.first_at(S, "shardId-000000000000", 2.0) == 2
    assert await store.streams.first_at(S, "shardId-000000000000", 2.5) == 3
    assert await store.streams.first_at(S, "shardId-000000000000", 9.0) is None


async def test_trim_removes_what_arrived_before_and_drop_everything(store: Store) -> None:
    await store.streams.append([record(1, arrival=1.0), record(2, arrival=2.0), record(3, arrival=3.0)])
    assert await store.streams.trim(S, before=2.5) == 2
    assert await positions(store) == [3]
    await store.streams.drop(S)
    assert await positions(store) == []


async def test_item_writes_and_their_records_land_together_in_call_order(store: Store) -> None:
    first = store.table_items.write([ItemWrite(T, "a", b"1"), ItemWrite(T, "b", b"2")], [record(1)])
    second = store.table_items.write([ItemWrite(T, "a", b"3"), ItemWrite(T, "b", None)], [record(2)])
    await asyncio.gather(first, second)
    assert await store.table_items.load(T) == [("a", b"3")]
    assert await positions(store) == [1, 2]


async def test_a_failed_write_leaves_neither_items_nor_records(store: Store) -> None:
    await store.streams.append([record(1)])
    try:
        await store.table_items.write([ItemWrite(T, "a", b"1")], [record(1)])  # position 1 is taken
    except Exception:
        pass
    else:
        raise AssertionError("a duplicate position must fail")
    assert await store.table_items.load(T) == []
    assert await positions(store) == [1]


async def test_tables_are_independent_and_drop_removes_one(store: Store) -> None:
    await store.table_items.write([ItemWrite(T, "b", b"2"), ItemWrite(T, "a", b"1"), ItemWrite("t2", "a", b"x")])
    assert await store.table_items.load(T) == [("a", b"1"), ("b", b"2")]
    await store.table_items.drop(T)
    assert await store.table_items.load(T) == []
    assert await store.table_items.load("t2") == [("a", b"x")]


async def test_what_was_written_survives_reopening(backend: Backend) -> None:
    if not backend.persistent:
        return
    store = backend.make()
    await store.open()
    await store.table_items.write([ItemWrite(T, "a", b"1")], [record(1)])
    await store.close()
    again = backend.make()
    await again.open()
    try:
        assert await again.table_items.load(T) == [("a", b"1")]
        assert await positions(again) == [1]
    finally:
        await again.close()
