"""Stream mappings: records reach the function in order, in batches, from the right starting position (§7.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from stream_fakes import ROLE, Rig

from triggerfish.core.stream_port import StreamKind


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    rig = Rig()
    yield rig
    await rig.stop()


async def test_records_reach_the_function_in_order(rig: Rig) -> None:
    await rig.start()
    rig.stream.put_many(["a", "b", "c"])
    await rig.settle()
    assert [call.data for call in rig.calls] == [["a", "b", "c"]]


async def test_kinesis_record_shape(rig: Rig) -> None:
    await rig.start()
    record = rig.stream.put("hello", "pk-1")
    await rig.settle()
    body = rig.calls[0].records[0]
    assert body["kinesis"]["partitionKey"] == "pk-1"
    assert body["kinesis"]["sequenceNumber"] == record.sequence_number
    assert body["kinesis"]["data"] == "aGVsbG8="
    assert body["eventID"] == f"shardId-000000000000:{record.sequence_number}"
    assert body["invokeIdentityArn"] == ROLE
    assert body["eventSourceARN"] == rig.stream.arn
    assert body["awsRegion"] == "us-east-1"
    assert list(rig.calls[0].event) == ["Records"]


async def test_dynamodb_records_are_passed_as_built() -> None:
    rig = Rig(kind=StreamKind.DYNAMODB)
    await rig.start()
    record = rig.stream.put("v1", "item-1")
    await rig.settle()
    body = rig.calls[0].records[0]
    assert body["eventSource"] == "aws:dynamodb"
    assert body["dynamodb"]["SequenceNumber"] == record.sequence_number
    assert body["eventSourceARN"] == rig.stream.arn
    await rig.stop()


async def test_batch_size_splits_batches(rig: Rig) -> None:
    await rig.start(batch_size=2)
    rig.stream.put_many(["1", "2", "3", "4", "5"])
    await rig.settle()
    assert [call.data for call in rig.calls] == [["1", "2"], ["3", "4"], ["5"]]


async def test_one_batch_in_flight_per_shard(rig: Rig) -> None:
    await rig.start(batch_size=1)
    rig.stream.put_many(["1", "2", "3"])
    await rig.settle()
    assert rig.functions.peak == 1
    assert len(rig.calls) == 3


async def test_trim_horizon_reads_older_records(rig: Rig) -> None:
    rig.stream.put_many(["old-1", "old-2"])
    await rig.start(starting_position="TRIM_HORIZON")
    rig.stream.put("new")
    await rig.settle()
    assert [d for call in rig.calls for d in call.data] == ["old-1", "old-2", "new"]


async def test_latest_skips_older_records(rig: Rig) -> None:
    rig.stream.put_many(["old-1", "old-2"])
    await rig.start(starting_position="LATEST")
    assert rig.calls == []
    rig.stream.put("new")
    await rig.settle()
    assert [d for call in rig.calls for d in call.data] == ["new"]


async def test_latest_on_an_empty_shard_reads_everything_after(rig: Rig) -> None:
    await rig.start(starting_position="LATEST")
    rig.stream.put("first")
    await rig.settle()
    assert [d for call in rig.calls for d in call.data] == ["first"]


async def test_at_timestamp_starts_at_the_first_record_at_or_after(rig: Rig) -> None:
    rig.stream.put("before")
    await rig.clock.advance(10)
    at = rig.clock.now()
    rig.stream.put("at")
    await rig.clock.advance(10)
    rig.stream.put("after")
    await rig.start(starting_position="AT_TIMESTAMP", starting_position_timestamp=at)
    assert [d for call in rig.calls for d in call.data] == ["at", "after"]


async def test_starting_position_is_stored_at_once(rig: Rig) -> None:
    rig.stream.put_many(["old-1", "old-2"])
    await rig.start(starting_position="LATEST")
    checkpoint = rig.checkpoint()
    assert checkpoint is not None
    assert checkpoint["position"] == rig.stream.shards["shardId-000000000000"].records[-1].position


async def test_checkpoint_after_each_batch(rig: Rig) -> None:
    await rig.start(batch_size=2)
    records = rig.stream.put_many(["1", "2", "3"])
    await rig.settle()
    checkpoint = rig.checkpoint()
    assert checkpoint is not None
    assert checkpoint["position"] == records[-1].position


async def test_last_processing_result(rig: Rig) -> None:
    poller = await rig.start()
    assert poller.last_processing_result == "No records processed"
    rig.stream.put("x")
    await rig.settle()
    assert poller.last_processing_result == "OK"


async def test_nothing_is_read_without_a_signal(rig: Rig) -> None:
    await rig.start()
    reads = rig.stream.reads
    await rig.advance(3600)
    assert rig.stream.reads == reads
    assert rig.tracker.next_due() is None


async def test_several_shards_are_consumed_independently() -> None:
    rig = Rig(shards=2)
    await rig.start(batch_size=10)
    first, second = list(rig.stream.shards)
    rig.stream.put("a1", shard=first)
    rig.stream.put("b1", shard=second)
    rig.stream.put("a2", shard=first)
    await rig.settle()
    batches = sorted(call.data for call in rig.calls)
    assert batches == [["a1", "a2"], ["b1"]]
    await rig.stop()


async def test_payload_limit_splits_batches(rig: Rig) -> None:
    await rig.start(batch_size=10)
    big = "x" * (2 * 1024 * 1024)
    rig.stream.put_many([big + "1", big + "2", big + "3"])
    await rig.settle()
    assert [len(call.records) for call in rig.calls] == [2, 1]


async def test_missing_function_waits_then_resumes(rig: Rig) -> None:
    rig.functions.present = False
    poller = await rig.start()
    rig.stream.put("x")
    await rig.settle()
    assert rig.calls == []
    rig.functions.present = True
    poller.wake()
    await rig.settle()
    assert [d for call in rig.calls for d in call.data] == ["x"]


async def test_a_deleted_stream_stops_nothing_else(rig: Rig) -> None:
    await rig.start()
    rig.stream.delete()
    await rig.settle()
    assert rig.tracker.next_due() is None
