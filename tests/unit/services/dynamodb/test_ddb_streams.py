"""Committing changes: memory at once, one durable write, stream records per change after durability; the
stream source the event source mapping reads; the DynamoDB Streams API; restarts and retention."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.payloads.dynamodb import StreamViewType, stream_label
from triggerfish.core.stream_port import StreamKind
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.engine import ItemChange, TableEngine
from triggerfish.services.dynamodb.errors import ExpiredIterator, ResourceNotFound, TrimmedDataAccess, ValidationError
from triggerfish.services.dynamodb.models import Item, KeySchema, ScalarType, TableConfig
from triggerfish.services.dynamodb.streams_api import StreamsApi
from triggerfish.services.dynamodb.table_data import TableData
from triggerfish.store.factory import open_store

SCOPE = "000000000000/us-east-1"
#: a source position is the sequence number as an integer: 10**20 plus the record's place in the shard
BASE = 10**20


class _Tables:
    def __init__(self) -> None:
        self.known: dict[str, TableData] = {}

    def find(self, name: str, scope: str) -> TableData | None:
        return self.known.get(name)


class Harness:
    def __init__(self, store: Any, clock: VirtualClock) -> None:
        self.store = store
        self.clock = clock
        self.engine = TableEngine(store.table_items, store.streams, clock, WorkTracker())
        self.tables = _Tables()
        self.api = StreamsApi(self.tables, self.engine, clock)

    def config(self, view: StreamViewType | None = StreamViewType.NEW_AND_OLD_IMAGES, **changes: Any) -> TableConfig:
        return TableConfig(
            name="t",
            account="000000000000",
            region="us-east-1",
            table_id="t-1",
            created_at=self.clock.now(),
            key=KeySchema("pk"),
            attribute_types=(("pk", ScalarType.S),),
            stream_view_type=view,
            stream_label=None if view is None else stream_label(self.clock.now()),
        ).evolve(**changes)

    async def open(self, config: TableConfig, *, load: bool = False) -> TableData:
        data = await self.engine.open(config, load=load)
        self.tables.known[config.name] = data
        return data

    async def put(self, data: TableData, pk: str, **attrs: str) -> None:
        item: Item = {"pk": {"S": pk}, **{k: {"S": v} for k, v in attrs.items()}}
        await self.engine.commit([ItemChange(data, {"pk": {"S": pk}}, data.get({"pk": {"S": pk}}), item)])

    async def delete(self, data: TableData, pk: str) -> None:
        await self.engine.commit([ItemChange(data, {"pk": {"S": pk}}, data.get({"pk": {"S": pk}}), None)])

    async def records(self, arn: str, kind: str = "TRIM_HORIZON", **params: Any) -> dict[str, Any]:
        it = await self.api.get_shard_iterator(
            SCOPE, {"StreamArn": arn, "ShardId": self.shard(arn), "ShardIteratorType": kind, **params}
        )
        return await self.api.get_records(SCOPE, {"ShardIterator": it["ShardIterator"]})

    def shard(self, arn: str) -> str:
        stream = self.engine.stream(arn)
        assert stream is not None
        return stream.shard_id


@pytest.fixture
async def h() -> AsyncIterator[Harness]:
    store = open_store(None)
    await store.open()
    harness = Harness(store, VirtualClock())
    yield harness
    await harness.engine.close()
    await store.close()


async def test_commit_applies_to_memory_before_the_write_is_awaited(h: Harness) -> None:
    data = await h.open(h.config(view=None))
    pending = h.engine.commit([ItemChange(data, {"pk": {"S": "a"}}, None, {"pk": {"S": "a"}, "v": {"S": "1"}})])
    assert data.get({"pk": {"S": "a"}}) == {"pk": {"S": "a"}, "v": {"S": "1"}}
    await pending
    assert [key for key, _ in await h.store.table_items.load("t-1")] != []


async def test_items_are_reloaded_from_the_store(h: Harness) -> None:
    data = await h.open(h.config(view=None))
    await h.put(data, "a", v="1")
    await h.put(data, "b", v="\u00e9")
    await h.delete(data, "a")
    again = TableEngine(h.store.table_items, h.store.streams, h.clock, WorkTracker())
    reloaded = await again.open(h.config(view=None), load=True)
    assert reloaded.item_count == 1
    assert reloaded.get({"pk": {"S": "b"}}) == {"pk": {"S": "b"}, "v": {"S": "\u00e9"}}


async def test_binary_values_survive_storage(h: Harness) -> None:
    data = await h.open(h.config(view=None))
    item: Item = {"pk": {"S": "a"}, "b": {"B": b"\x00\xff"}, "bs": {"BS": [b"\x01"]}}
    await h.engine.commit([ItemChange(data, {"pk": {"S": "a"}}, None, item)])
    again = TableEngine(h.store.table_items, h.store.streams, h.clock, WorkTracker())
    assert (await again.open(h.config(view=None), load=True)).get({"pk": {"S": "a"}}) == item


async def test_insert_modify_remove_records_with_images_and_sequence_numbers(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    arn = config.stream_arn
    assert arn is not None
    await h.put(data, "a", v="1")
    await h.put(data, "a", v="2")
    await h.delete(data, "a")
    got = await h.records(arn)
    records = got["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    sequences = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert sequences == [sequences[0], sequences[0] + 1, sequences[0] + 2]
    assert all(len(r["dynamodb"]["SequenceNumber"]) == 21 for r in records)
    assert all(re.fullmatch(r"[0-9a-f]{32}", r["eventID"]) for r in records)
    insert, modify, remove = (r["dynamodb"] for r in records)
    assert "OldImage" not in insert and insert["NewImage"] == {"pk": {"S": "a"}, "v": {"S": "1"}}
    assert modify["OldImage"]["v"] == {"S": "1"} and modify["NewImage"]["v"] == {"S": "2"}
    assert "NewImage" not in remove and remove["OldImage"]["v"] == {"S": "2"}
    assert all(r["dynamodb"]["Keys"] == {"pk": {"S": "a"}} for r in records)
    assert all("eventSourceARN" not in r and "userIdentity" not in r for r in records)
    assert insert["ApproximateCreationDateTime"] == int(h.clock.now())
    assert "NextShardIterator" in got


async def test_a_write_that_changes_nothing_makes_no_record(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    await h.put(data, "a", v="1")
    await h.put(data, "a", v="1")
    await h.delete(data, "zzz")
    assert config.stream_arn is not None
    assert [r["eventName"] for r in (await h.records(config.stream_arn))["Records"]] == ["INSERT"]


@pytest.mark.parametrize(
    ("view", "images"),
    [
        (StreamViewType.KEYS_ONLY, set()),
        (StreamViewType.NEW_IMAGE, {"NewImage"}),
        (StreamViewType.OLD_IMAGE, {"OldImage"}),
        (StreamViewType.NEW_AND_OLD_IMAGES, {"NewImage", "OldImage"}),
    ],
)
async def test_view_type_decides_the_images(h: Harness, view: StreamViewType, images: set[str]) -> None:
    config = h.config(view)
    data = await h.open(config)
    await h.put(data, "a", v="1")
    await h.put(data, "a", v="2")
    assert config.stream_arn is not None
    modify = (await h.records(config.stream_arn))["Records"][1]["dynamodb"]
    assert {"NewImage", "OldImage"} & set(modify) == images
    assert modify["StreamViewType"] == view.value


async def test_listeners_hear_only_after_the_write_is_durable(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    assert config.stream_arn is not None
    source = h.api.source
    heard: list[int | None] = []
    stop = source.on_records(
        config.stream_arn,
        lambda: heard.append(source.latest(config.stream_arn or "", h.shard(config.stream_arn or ""))),
    )
    pending = h.engine.commit([ItemChange(data, {"pk": {"S": "a"}}, None, {"pk": {"S": "a"}})])
    assert heard == []
    await pending
    await h.clock.advance(0)
    assert heard == [BASE + 1]
    stop()
    await h.put(data, "b")
    await h.clock.advance(0)
    assert heard == [BASE + 1]


async def test_source_reads_lambda_records_and_positions(h: Harness) -> None:
    config = h.config(StreamViewType.NEW_IMAGE)
    data = await h.open(config)
    arn = config.stream_arn
    assert arn is not None
    info = h.api.source.stream(arn)
    assert info is not None and info.kind is StreamKind.DYNAMODB and len(info.shards) == 1
    shard = info.shards[0].shard_id
    assert re.fullmatch(r"shardId-\d{20}-[0-9a-f]{8}", shard)
    assert h.api.source.latest(arn, shard) is None
    await h.put(data, "a", v="1")
    await h.clock.advance(10)
    await h.put(data, "b", v="2")
    records = await h.api.source.read(arn, shard, after=None, limit=10)
    assert [r.position for r in records] == [BASE + 1, BASE + 2]
    body = json.loads(records[0].data)
    assert body["eventSourceARN"] == arn and body["dynamodb"]["NewImage"]["v"] == {"S": "1"}
    assert records[0].partition_key != records[1].partition_key
    assert [r.position for r in await h.api.source.read(arn, shard, after=BASE + 1, limit=10)] == [BASE + 2]
    assert h.api.source.latest(arn, shard) == BASE + 2
    assert await h.api.source.position_at(arn, shard, h.clock.now()) == BASE + 1
    assert await h.api.source.position_at(arn, shard, 0) is None
    assert h.api.source.stream("arn:aws:dynamodb:us-east-1:000000000000:table/x/stream/nope") is None


async def test_disabling_closes_the_stream_and_enabling_makes_a_new_one(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    old_arn = config.stream_arn
    assert old_arn is not None
    await h.put(data, "a")
    h.engine.reconfigure(data, config.evolve(stream_view_type=None))
    assert h.api.source.stream(old_arn) is None
    described = (await h.api.describe_stream(SCOPE, {"StreamArn": old_arn}))["StreamDescription"]
    assert described["StreamStatus"] == "DISABLED"
    assert described["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert "EndingSequenceNumber" in described["Shards"][0]["SequenceNumberRange"]
    await h.put(data, "b")  # no stream: no record
    got = await h.records(old_arn)
    assert len(got["Records"]) == 1 and "NextShardIterator" not in got
    await h.clock.advance(1)
    enabled = config.evolve(stream_view_type=StreamViewType.KEYS_ONLY, stream_label=stream_label(h.clock.now()))
    h.engine.reconfigure(data, enabled)
    new_arn = enabled.stream_arn
    assert new_arn is not None and new_arn != old_arn
    await h.put(data, "c")
    assert [r["dynamodb"]["Keys"] for r in (await h.records(new_arn))["Records"]] == [{"pk": {"S": "c"}}]
    listed = await h.api.list_streams(SCOPE, {"TableName": "t"})
    assert [s["StreamArn"] for s in listed["Streams"]] == [old_arn, new_arn]


async def test_describe_and_list_streams(h: Harness) -> None:
    config = h.config()
    await h.open(config)
    other = h.config(name="u", table_id="u-1")
    await h.open(other)
    arn = config.stream_arn
    assert arn is not None
    described = (await h.api.describe_stream(SCOPE, {"StreamArn": arn}))["StreamDescription"]
    assert described["StreamStatus"] == "ENABLED" and described["TableName"] == "t"
    assert described["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert described["StreamLabel"] == config.stream_label
    assert "EndingSequenceNumber" not in described["Shards"][0]["SequenceNumberRange"]
    page = await h.api.list_streams(SCOPE, {"Limit": 1})
    assert len(page["Streams"]) == 1 and page["LastEvaluatedStreamArn"] == arn
    rest = await h.api.list_streams(SCOPE, {"ExclusiveStartStreamArn": page["LastEvaluatedStreamArn"]})
    assert [s["TableName"] for s in rest["Streams"]] == ["u"] and "LastEvaluatedStreamArn" not in rest
    assert (await h.api.list_streams("111111111111/us-east-1", {}))["Streams"] == []
    with pytest.raises(ResourceNotFound, match="Stream: arn:nope not found"):
        await h.api.describe_stream(SCOPE, {"StreamArn": "arn:nope"})
    with pytest.raises(ResourceNotFound):
        await h.api.list_streams(SCOPE, {"TableName": "missing"})


async def test_iterator_types_and_paging(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    arn = config.stream_arn
    assert arn is not None
    for pk in "abcde":
        await h.put(data, pk)
    first = (await h.records(arn))["Records"]
    sequences = [r["dynamodb"]["SequenceNumber"] for r in first]
    at = await h.records(arn, "AT_SEQUENCE_NUMBER", SequenceNumber=sequences[2])
    assert [r["dynamodb"]["SequenceNumber"] for r in at["Records"]] == sequences[2:]
    after = await h.records(arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=sequences[2])
    assert [r["dynamodb"]["SequenceNumber"] for r in after["Records"]] == sequences[3:]
    latest = await h.records(arn, "LATEST")
    assert latest["Records"] == []
    await h.put(data, "f")
    following = await h.api.get_records(SCOPE, {"ShardIterator": latest["NextShardIterator"]})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in following["Records"]] == ["f"]
    it = await h.api.get_shard_iterator(
        SCOPE, {"StreamArn": arn, "ShardId": h.shard(arn), "ShardIteratorType": "TRIM_HORIZON"}
    )
    page = await h.api.get_records(SCOPE, {"ShardIterator": it["ShardIterator"], "Limit": 2})
    assert len(page["Records"]) == 2
    page = await h.api.get_records(SCOPE, {"ShardIterator": page["NextShardIterator"], "Limit": 10})
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in page["Records"]] == ["c", "d", "e", "f"]


async def test_iterator_errors(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    arn = config.stream_arn
    assert arn is not None
    await h.put(data, "a")
    base = {"StreamArn": arn, "ShardId": h.shard(arn)}
    with pytest.raises(ResourceNotFound, match="Shard does not exist"):
        await h.api.get_shard_iterator(
            SCOPE, {**base, "ShardId": "shardId-00000000000000000000-00000000", "ShardIteratorType": "LATEST"}
        )
    with pytest.raises(ValidationError):
        await h.api.get_shard_iterator(SCOPE, {**base, "ShardIteratorType": "AT_SEQUENCE_NUMBER"})
    with pytest.raises(ValidationError):
        await h.api.get_shard_iterator(
            SCOPE, {**base, "ShardIteratorType": "AT_SEQUENCE_NUMBER", "SequenceNumber": "999999999999999999999"}
        )
    with pytest.raises(ValidationError, match="Invalid ShardIterator"):
        await h.api.get_records(SCOPE, {"ShardIterator": "garbage"})
    it = (await h.api.get_shard_iterator(SCOPE, {**base, "ShardIteratorType": "TRIM_HORIZON"}))["ShardIterator"]
    with pytest.raises(ValidationError, match="less than or equal to 1000"):
        await h.api.get_records(SCOPE, {"ShardIterator": it, "Limit": 1001})
    await h.clock.advance(15 * 60 + 1)
    with pytest.raises(ExpiredIterator):
        await h.api.get_records(SCOPE, {"ShardIterator": it})


async def test_records_expire_after_24_hours(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    arn = config.stream_arn
    assert arn is not None
    await h.put(data, "old")
    sequence = (await h.records(arn))["Records"][0]["dynamodb"]["SequenceNumber"]
    stale = await h.api.get_shard_iterator(
        SCOPE, {"StreamArn": arn, "ShardId": h.shard(arn), "ShardIteratorType": "TRIM_HORIZON"}
    )
    await h.clock.advance(24 * 3600 + 1)
    await h.put(data, "new")
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in (await h.records(arn))["Records"]] == ["new"]
    with pytest.raises(TrimmedDataAccess):
        await h.records(arn, "AT_SEQUENCE_NUMBER", SequenceNumber=sequence)
    await h.engine.trim_streams(h.clock.now())
    assert [r.position for r in await h.api.source.read(arn, h.shard(arn), after=None, limit=10)] == [BASE + 2]
    del stale


async def test_positions_continue_after_a_restart(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    arn = config.stream_arn
    assert arn is not None
    await h.put(data, "a")
    await h.put(data, "b")
    again = Harness(h.store, h.clock)
    reopened = await again.open(config, load=True)
    await again.put(reopened, "c")
    records = await again.api.source.read(arn, again.shard(arn), after=None, limit=10)
    assert [r.position for r in records] == [BASE + 1, BASE + 2, BASE + 3]
    assert again.shard(arn) == h.shard(arn)


async def test_dropped_table_stream_stays_readable_then_is_forgotten(h: Harness) -> None:
    config = h.config()
    data = await h.open(config)
    arn = config.stream_arn
    assert arn is not None
    await h.put(data, "a")
    await h.engine.drop(data)
    assert data.item_count == 0 and await h.store.table_items.load("t-1") == []
    assert len((await h.records(arn))["Records"]) == 1
    with pytest.raises(ResourceNotFound):
        h.engine.commit([ItemChange(data, {"pk": {"S": "b"}}, None, {"pk": {"S": "b"}})])
    await h.clock.advance(24 * 3600 + 1)
    await h.engine.trim_streams(h.clock.now())
    assert h.engine.stream(arn) is None
