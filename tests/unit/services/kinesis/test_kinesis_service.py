"""The Kinesis service on a virtual clock over the in-memory store: sequence numbers, iterators,
retention, restarts and the stream source Lambda consumes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.stream_port import StreamKind
from triggerfish.core.work import WorkTracker
from triggerfish.services.kinesis import KinesisService
from triggerfish.services.kinesis.errors import ExpiredIterator, InvalidArgument, LimitExceeded, ResourceNotFound
from triggerfish.services.kinesis.records import PutEntry
from triggerfish.services.kinesis.retention import TRIM_INTERVAL
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import DocumentStore, Store
from triggerfish.store.streams import LogRecord, StreamLogStore

SCOPE = "000000000000/us-east-1"
ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s"
SHARD = "shardId-000000000000"


class CountingLog:
    """The real stream log, counting appends."""

    def __init__(self, inner: StreamLogStore) -> None:
        self.inner = inner
        self.appends: list[int] = []

    def append(self, records: Sequence[LogRecord]) -> Awaitable[None]:
        self.appends.append(len(records))
        return self.inner.append(records)

    async def read(self, stream: str, shard: str, *, after: int | None, limit: int) -> Sequence[LogRecord]:
        return await self.inner.read(stream, shard, after=after, limit=limit)

    async def first_at(self, stream: str, shard: str, arrival: float) -> int | None:
        return await self.inner.first_at(stream, shard, arrival)

    async def last_positions(self, stream: str) -> Mapping[str, int]:
        return await self.inner.last_positions(stream)

    def trim(self, stream: str, *, before: float) -> Awaitable[int]:
        return self.inner.trim(stream, before=before)

    def drop(self, stream: str) -> Awaitable[None]:
        return self.inner.drop(stream)


class CountingStore:
    def __init__(self, inner: Store) -> None:
        self.documents: DocumentStore = inner.documents
        self.streams = CountingLog(inner.streams)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def counting(store: Store) -> CountingStore:
    return CountingStore(store)


@pytest.fixture
async def kinesis(counting: CountingStore, clock: VirtualClock) -> AsyncIterator[KinesisService]:
    service = KinesisService(counting, clock, WorkTracker())  # type: ignore[arg-type]
    await service.start()
    yield service
    await service.close()


async def _put(kinesis: KinesisService, *entries: tuple[bytes, str], name: str = "s") -> list[str]:
    results, _ = await kinesis.put_records(SCOPE, name, [PutEntry(data, key) for data, key in entries])
    return [result.sequence_number for result in results]


async def test_put_records_is_one_append_and_numbers_grow(kinesis: KinesisService, counting: CountingStore) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    numbers = await _put(kinesis, *[(f"r{i}".encode(), str(i)) for i in range(500)])
    assert counting.streams.appends == [500]
    assert all(len(n) == 56 for n in numbers)
    assert [int(n) for n in numbers] == sorted({int(n) for n in numbers})
    later = await _put(kinesis, (b"x", "k"))
    assert int(later[0]) > int(numbers[-1])


async def test_put_records_refuses_more_than_five_mib(kinesis: KinesisService) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    big = b"x" * (1024 * 1024)
    with pytest.raises(InvalidArgument, match="Records size exceeds 5 MB limit"):
        await _put(kinesis, *[(big, "k")] * 6)


async def test_source_reads_in_order_by_sequence_number(kinesis: KinesisService) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    source = kinesis.source
    assert source.latest(ARN, SHARD) is None
    numbers = await _put(kinesis, (b"a", "k1"), (b"b", "k2"), (b"c", "k3"))
    info = source.stream(ARN)
    assert info is not None
    assert info.kind is StreamKind.KINESIS
    assert [s.shard_id for s in info.shards] == [SHARD]
    everything = await source.read(ARN, SHARD, after=None, limit=10)
    assert [(r.data, r.partition_key, r.sequence_number) for r in everything] == [
        (b"a", "k1", numbers[0]),
        (b"b", "k2", numbers[1]),
        (b"c", "k3", numbers[2]),
    ]
    assert source.latest(ARN, SHARD) == int(numbers[2])
    rest = await source.read(ARN, SHARD, after=everything[0].position, limit=1)
    assert [r.data for r in rest] == [b"b"]
    assert await source.read(ARN, SHARD, after=int(numbers[2]), limit=10) == []
    assert source.stream("arn:aws:kinesis:us-east-1:000000000000:stream/none") is None
    assert await source.read(ARN, "shardId-000000000009", after=None, limit=10) == []


async def test_position_at_finds_the_first_record_at_or_after_a_time(
    kinesis: KinesisService, clock: VirtualClock
) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    start = clock.now()
    assert await kinesis.source.position_at(ARN, SHARD, start) is None
    (first,) = await _put(kinesis, (b"a", "k"))
    await clock.advance(10)
    (second,) = await _put(kinesis, (b"b", "k"))
    after = await kinesis.source.position_at(ARN, SHARD, start + 5)
    assert after is not None
    assert [r.sequence_number for r in await kinesis.source.read(ARN, SHARD, after=after, limit=10)] == [second]
    assert await kinesis.source.position_at(ARN, SHARD, start) is None  # before the first record, at start
    assert int(first) < int(second)
    assert await kinesis.source.position_at(ARN, SHARD, start + 60) == int(second)

    iterator = await kinesis.get_shard_iterator(SCOPE, "s", SHARD, "AT_TIMESTAMP", timestamp=start + 5)
    assert [r.data for r in (await kinesis.get_records(iterator)).records] == [b"b"]
    with pytest.raises(InvalidArgument, match="AT_TIMESTAMP"):
        await kinesis.get_shard_iterator(SCOPE, "s", SHARD, "AT_TIMESTAMP")


async def test_listeners_hear_of_records_only_once_they_are_durable(kinesis: KinesisService) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    seen: list[int] = []
    reads: list[asyncio.Task[Sequence[object]]] = []

    def on_records() -> None:
        seen.append(len(seen))
        reads.append(asyncio.ensure_future(kinesis.source.read(ARN, SHARD, after=None, limit=10)))

    stop = kinesis.source.on_records(ARN, on_records)
    await _put(kinesis, (b"a", "k"))
    assert seen == [0]
    assert len(await reads[0]) == 1

    def broken() -> None:
        raise RuntimeError("a listener that fails")

    kinesis.source.on_records(ARN, broken)
    await _put(kinesis, (b"b", "k"))
    assert seen == [0, 1]
    stop()
    await _put(kinesis, (b"c", "k"))
    assert seen == [0, 1]


async def test_an_abandoned_put_still_notifies(kinesis: KinesisService) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    heard = asyncio.Event()
    kinesis.source.on_records(ARN, heard.set)
    task = asyncio.ensure_future(_put(kinesis, (b"a", "k")))
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.wait_for(heard.wait(), 5)
    assert [r.data for r in await kinesis.source.read(ARN, SHARD, after=None, limit=10)] == [b"a"]


async def test_iterators_expire_after_five_minutes(kinesis: KinesisService, clock: VirtualClock) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    iterator = await kinesis.get_shard_iterator(SCOPE, "s", SHARD, "TRIM_HORIZON")
    await clock.advance(300)
    page = await kinesis.get_records(iterator)
    assert page.records == [] and page.next_iterator is not None
    await clock.advance(100)
    with pytest.raises(ExpiredIterator) as expired:
        await kinesis.get_records(iterator)
    assert expired.value.message == (
        "Iterator expired. The iterator was created at time Tue Nov 14 22:13:20 UTC 2023 while right now it is "
        "Tue Nov 14 22:20:00 UTC 2023 which is further in the future than the tolerated delay of 300000 milliseconds."
    )
    assert (await kinesis.get_records(page.next_iterator)).records == []


async def test_sequence_number_checks(kinesis: KinesisService) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=2)
    results, _ = await kinesis.put_records(SCOPE, "s", [PutEntry(b"a", "k", explicit_hash_key="0")])
    number = results[0].sequence_number
    with pytest.raises(InvalidArgument) as other:
        await kinesis.get_shard_iterator(
            SCOPE, "s", "shardId-000000000001", "AT_SEQUENCE_NUMBER", starting_sequence_number=number
        )
    assert other.value.message == (
        "Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard "
        "with shardId-000000000001"
    )
    with pytest.raises(InvalidArgument, match="is invalid"):
        await kinesis.get_shard_iterator(SCOPE, "s", SHARD, "AFTER_SEQUENCE_NUMBER", starting_sequence_number="12x")
    with pytest.raises(InvalidArgument, match="Request specified LATEST and also a StartingSequenceNumber"):
        await kinesis.get_shard_iterator(SCOPE, "s", SHARD, "LATEST", starting_sequence_number=number)
    with pytest.raises(InvalidArgument, match="Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber"):
        await kinesis.get_shard_iterator(SCOPE, "s", SHARD, "AT_SEQUENCE_NUMBER")


async def test_expired_records_are_hidden_then_trimmed(
    kinesis: KinesisService, clock: VirtualClock, counting: CountingStore
) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    await _put(kinesis, (b"old", "k"))
    await clock.advance(23 * 3600)
    (fresh,) = await _put(kinesis, (b"new", "k"))
    await clock.advance(3600 + 1)
    assert [r.data for r in await kinesis.source.read(ARN, SHARD, after=None, limit=1)] == [b"new"]
    iterator = await kinesis.get_shard_iterator(SCOPE, "s", SHARD, "TRIM_HORIZON")
    assert [r.data for r in (await kinesis.get_records(iterator, 1)).records] == [b"new"]
    assert await kinesis.trimmer.trim(clock.now()) == 1
    assert [r.data for r in await counting.streams.read(ARN, SHARD, after=None, limit=10)] == [b"new"]
    assert kinesis.source.latest(ARN, SHARD) == int(fresh)


async def test_the_periodic_trim_runs_on_the_clock(kinesis: KinesisService, clock: VirtualClock, store: Store) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    await _put(kinesis, (b"old", "k"))
    await clock.advance(24 * 3600 + 1)
    for _ in range(200):
        if not await store.streams.read(ARN, SHARD, after=None, limit=10):
            break
        await asyncio.sleep(0.01)  # a trim the clock started may still be on the store's writer thread
        await clock.advance(TRIM_INTERVAL)
    else:
        pytest.fail("the periodic trim never removed the expired record")


async def test_a_restart_keeps_streams_and_numbers_growing(store: Store, clock: VirtualClock) -> None:
    async def put_once(data: bytes) -> int:
        service = KinesisService(store, clock, WorkTracker())
        await service.start()
        if service.stream_config(SCOPE, "s") is None:
            await service.create_stream(SCOPE, "s", shard_count=2, retention_hours=48, tags={"a": "b"})
        results, _ = await service.put_records(SCOPE, "s", [PutEntry(data, "k")])
        config = service.stream_config(SCOPE, "s")
        assert config is not None
        assert (config.retention_hours, dict(config.tags), len(config.shards)) == (48, {"a": "b"}, 2)
        await service.close()
        return int(results[0].sequence_number)

    first = await put_once(b"a")
    second = await put_once(b"b")  # same instant: the counter comes back from the log
    assert second > first
    await clock.advance(49 * 3600)
    await store.streams.trim(ARN, before=clock.now())  # every record gone: the counter must not restart
    assert await put_once(b"c") > second


async def test_delete_notifies_drops_records_and_allows_recreation(kinesis: KinesisService) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    (old,) = await _put(kinesis, (b"a", "k"))
    calls: list[None] = []
    kinesis.source.on_records(ARN, lambda: calls.append(None))
    await kinesis.delete_stream(SCOPE, "s")
    assert calls == [None]
    assert kinesis.source.stream(ARN) is None
    with pytest.raises(ResourceNotFound, match=r"^Stream s under account 000000000000 not found\.$"):
        await _put(kinesis, (b"b", "k"))
    await kinesis.create_stream(SCOPE, "s", shard_count=1)
    assert await kinesis.source.read(ARN, SHARD, after=None, limit=10) == []
    (new,) = await _put(kinesis, (b"c", "k"))
    assert int(new) > int(old)
    assert len(calls) == 3  # created, then the put


async def test_retention_rules_for_the_deployer_and_the_api(kinesis: KinesisService) -> None:
    with pytest.raises(
        InvalidArgument, match=r"Minimum allowed retention period is 24 hours\. Requested .*\(1 hours\)"
    ):
        await kinesis.create_stream(SCOPE, "s", shard_count=1, retention_hours=1)
    await kinesis.create_stream(SCOPE, "s", shard_count=1, retention_hours=72)
    await kinesis.set_retention(SCOPE, "s", 24)
    with pytest.raises(InvalidArgument, match="can not be longer than existing retention period"):
        await kinesis.set_retention(SCOPE, "s", 48, direction="decrease")
    config = kinesis.stream_config(SCOPE, "s")
    assert config is not None and config.retention_hours == 24


async def test_resharding_limits_and_reads_across_parents(kinesis: KinesisService) -> None:
    await kinesis.create_stream(SCOPE, "s", shard_count=2)
    with pytest.raises(LimitExceeded, match="cannot scale down below half"):
        await kinesis.update_shard_count(SCOPE, "s", 0)
    assert await kinesis.update_shard_count(SCOPE, "s", 3) == 2
    info = kinesis.source.stream(ARN)
    assert info is not None
    closed = [s for s in info.shards if s.ending_sequence_number is not None]
    children = [s for s in info.shards if s.parent_shard_id is not None]
    assert [s.shard_id for s in closed] == ["shardId-000000000000", "shardId-000000000001"]
    assert [s.shard_id for s in children] == [f"shardId-00000000000{i}" for i in (2, 3, 4)]
    assert [s.parent_shard_id for s in children] == [
        "shardId-000000000000",
        "shardId-000000000000",
        "shardId-000000000001",
    ]
    results, _ = await kinesis.put_records(SCOPE, "s", [PutEntry(b"x", str(i)) for i in range(20)])
    assert {r.shard_id for r in results} <= {s.shard_id for s in children}


async def test_the_deployer_gets_clear_errors(kinesis: KinesisService) -> None:
    with pytest.raises(InvalidArgument, match="PROVISIONED or ON_DEMAND"):
        await kinesis.create_stream(SCOPE, "s", mode="FAST")
    config = await kinesis.create_stream(SCOPE, "s", mode="ON_DEMAND")
    assert len(config.shards) == 4
    await kinesis.tag_stream(SCOPE, "s", {"a": "1", "b": "2"})
    await kinesis.untag_stream(SCOPE, "s", ["a"])
    assert dict(kinesis.resolve(SCOPE, "s").config.tags) == {"b": "2"}
    with pytest.raises(LimitExceeded, match="more than 50 tags"):
        await kinesis.tag_stream(SCOPE, "s", {str(i): "v" for i in range(50)})
    with pytest.raises(InvalidArgument, match="Either StreamName or StreamARN"):
        kinesis.resolve(SCOPE)
