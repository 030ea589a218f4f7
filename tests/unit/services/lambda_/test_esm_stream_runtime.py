"""Stream mappings: parallel lanes, restarts, batching and tumbling windows, filters, throttles, shards (§7.1)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from stream_fakes import QUEUE_ARN, FakeStream, FunctionFailed, MemoryDocuments, Rig, failing_on

from triggerfish.core.clock import VirtualClock
from triggerfish.services.lambda_.mappings.streams import forget_checkpoints
from triggerfish.services.lambda_.mappings.streams.checkpoints import Checkpoint, Progress


def flat(rig: Rig) -> list[str]:
    return [d for call in rig.calls for d in call.data]


# -- parallelization -----------------------------------------------------------------------------


async def test_parallelization_keeps_order_per_key() -> None:
    rig = Rig()
    release = asyncio.Event()

    async def slow(event: dict[str, Any]) -> None:
        await release.wait()

    rig.handle(slow)
    await rig.start(batch_size=2, parallelization_factor=4)
    for i in range(6):
        for key in ("k1", "k2", "k3", "k4", "k5"):
            rig.stream.put(f"{key}-{i}", key)
    for _ in range(50):
        await asyncio.sleep(0)
    assert rig.functions.peak > 1
    release.set()
    await rig.settle()
    for key in ("k1", "k2", "k3", "k4", "k5"):
        seen = [d for d in flat(rig) if d.startswith(key)]
        assert seen == [f"{key}-{i}" for i in range(6)]
    assert rig.functions.peak <= 4
    last = rig.stream.shards["shardId-000000000000"].records[-1].position
    assert rig.checkpoint()["position"] == last  # type: ignore[index]
    await rig.stop()


async def test_parallel_checkpoint_waits_for_the_blocked_lane() -> None:
    rig = Rig()
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, parallelization_factor=2, maximum_retry_attempts=3)
    lanes: dict[int, str] = {}
    # find two keys that land in different lanes
    import zlib

    keys = [f"key{i}" for i in range(20)]
    for key in keys:
        lanes.setdefault(zlib.crc32(key.encode()) % 2, key)
    blocked_key, free_key = lanes[0], lanes[1]
    first = rig.stream.put("bad", blocked_key)
    rig.stream.put_many(["x", "y"], free_key)
    await rig.settle()
    assert [d for d in flat(rig) if d != "bad"] == ["x", "y"]
    checkpoint = rig.checkpoint()
    assert checkpoint is not None and checkpoint["position"] is None
    assert len(checkpoint["settled"]) == 2
    await rig.run_until_quiet()
    assert rig.checkpoint()["position"] > first.position  # type: ignore[index]
    await rig.stop()


# -- restarts ----------------------------------------------------------------------------------


async def test_restart_resumes_after_the_checkpoint() -> None:
    clock = VirtualClock()
    documents = MemoryDocuments()
    stream = FakeStream(clock)
    first = Rig(clock=clock, stream=stream, documents=documents)
    await first.start(batch_size=2)
    stream.put_many(["1", "2", "3"])
    await first.settle()
    await first.stop()
    stream.put_many(["4", "5"])
    second = Rig(clock=clock, stream=stream, documents=documents)
    await second.start(batch_size=10, starting_position="LATEST")
    assert flat(first) == ["1", "2", "3"]
    assert flat(second) == ["4", "5"]
    await second.stop()


async def test_restart_repeats_an_unsettled_batch() -> None:
    clock = VirtualClock()
    documents = MemoryDocuments()
    stream = FakeStream(clock)
    first = Rig(clock=clock, stream=stream, documents=documents)
    first.handle(failing_on("2"))
    await first.start(batch_size=1)
    stream.put_many(["1", "2", "3"])
    await first.settle()
    await first.stop()
    second = Rig(clock=clock, stream=stream, documents=documents)
    await second.start(batch_size=10)
    assert flat(second) == ["2", "3"]
    await second.stop()


async def test_restart_skips_records_settled_by_other_lanes() -> None:
    import zlib

    clock = VirtualClock()
    documents = MemoryDocuments()
    stream = FakeStream(clock)
    lanes: dict[int, str] = {}
    for i in range(20):
        lanes.setdefault(zlib.crc32(f"key{i}".encode()) % 2, f"key{i}")
    first = Rig(clock=clock, stream=stream, documents=documents)
    first.handle(failing_on("bad"))
    await first.start(batch_size=1, parallelization_factor=2)
    stream.put("bad", lanes[0])
    stream.put_many(["x", "y"], lanes[1])
    await first.settle()
    await first.stop()
    second = Rig(clock=clock, stream=stream, documents=documents)
    await second.start(batch_size=10, parallelization_factor=2)
    assert flat(second) == ["bad"]
    await second.stop()


async def test_forget_checkpoints_drops_every_shard() -> None:
    rig = Rig(shards=2)
    await rig.start()
    assert len(await rig.documents.list("lambda.esm-checkpoint")) == 2
    await rig.stop()
    await forget_checkpoints(rig.documents, rig.mapping.uuid)
    assert await rig.documents.list("lambda.esm-checkpoint") == []


def test_checkpoint_round_trips_big_positions() -> None:
    checkpoint = Checkpoint(49 * 10**54 + 7, (49 * 10**54 + 9,))
    assert Checkpoint.from_json(checkpoint.to_json()) == checkpoint
    assert json.loads(checkpoint.to_json())["position"] == 49 * 10**54 + 7


def test_progress_moves_only_over_settled_records() -> None:
    progress = Progress(Checkpoint(None))
    for position in (1, 2, 3, 4):
        progress.read(position)
    progress.settle([2, 4])
    assert progress.snapshot().position is None
    progress.settle([1])
    assert progress.snapshot().position == 2
    assert progress.snapshot().settled == (4,)
    progress.settle([3])
    assert progress.position == 4 and progress.unsettled == 0


# -- batching window ---------------------------------------------------------------------------


async def test_batching_window_waits_for_more_records() -> None:
    rig = Rig()
    await rig.start(batch_size=10, maximum_batching_window=5)
    rig.stream.put("1")
    await rig.settle()
    assert rig.calls == []
    assert rig.tracker.next_due() == rig.clock.now() + 5
    await rig.advance(2)
    rig.stream.put("2")
    await rig.settle()
    assert rig.calls == []
    await rig.advance(3)
    assert [call.data for call in rig.calls] == [["1", "2"]]
    await rig.stop()


async def test_a_full_batch_does_not_wait_for_the_window() -> None:
    rig = Rig()
    await rig.start(batch_size=2, maximum_batching_window=300)
    rig.stream.put_many(["1", "2"])
    await rig.settle()
    assert [call.data for call in rig.calls] == [["1", "2"]]
    await rig.stop()


# -- filters ---------------------------------------------------------------------------------------


async def test_filtered_records_are_skipped_and_checkpointed() -> None:
    rig = Rig()
    await rig.start(filter_patterns=('{"data": {"type": ["keep"]}}',))
    records = rig.stream.put_many([{"type": "keep", "n": 1}, {"type": "drop"}, "not json", {"type": "keep", "n": 2}])
    await rig.settle()
    assert [json.loads(d)["n"] for d in flat(rig)] == [1, 2]
    assert rig.checkpoint()["position"] == records[-1].position  # type: ignore[index]
    await rig.stop()


async def test_a_batch_of_only_filtered_records_invokes_nothing() -> None:
    rig = Rig()
    await rig.start(filter_patterns=('{"data": {"type": ["keep"]}}',))
    records = rig.stream.put_many([{"type": "drop"}, {"type": "drop"}])
    await rig.settle()
    assert rig.calls == []
    assert rig.checkpoint()["position"] == records[-1].position  # type: ignore[index]
    assert rig.poller is not None and rig.poller.last_processing_result == "No records processed"
    await rig.stop()


# -- throttling ------------------------------------------------------------------------------


async def test_throttles_are_retried_and_do_not_count_as_attempts() -> None:
    rig = Rig()
    rig.functions.surprise_throttles = 3
    await rig.start(batch_size=1, maximum_retry_attempts=0, maximum_record_age=3600, on_failure_destination=QUEUE_ARN)
    rig.stream.put("x")
    await rig.run_until_quiet()
    assert flat(rig) == ["x"]
    assert rig.deliverer.delivered == []
    await rig.stop()


async def test_no_capacity_blocks_until_woken() -> None:
    rig = Rig()
    rig.functions.reserve(0)
    poller = await rig.start()
    rig.stream.put("x")
    await rig.settle()
    calls_before, blocked_before = len(rig.calls), poller.blocked
    rig.functions.reserve(None)
    await rig.settle()
    assert (calls_before, blocked_before) == (0, True)
    assert flat(rig) == ["x"] and not poller.blocked
    await rig.stop()


# -- tumbling windows ----------------------------------------------------------------------------


def windowed(results: list[dict[str, Any]]) -> Any:
    async def handler(event: dict[str, Any]) -> dict[str, Any]:
        results.append(event)
        total = event["state"].get("total", 0) + len(event["Records"])
        return {"state": {"total": total}}

    return handler


async def test_tumbling_window_carries_state_and_ends_with_a_final_invoke() -> None:
    rig = Rig()
    events: list[dict[str, Any]] = []
    rig.handle(windowed(events))
    await rig.clock.set(1_700_000_020.0)  # 40 s into the window 22:13:00-22:14:00
    await rig.start(batch_size=2, tumbling_window=60)
    rig.stream.put_many(["1", "2", "3"])
    await rig.settle()
    assert [len(e["Records"]) for e in events] == [2, 1]
    assert [e["state"] for e in events] == [{}, {"total": 2}]
    first = events[0]
    assert list(first) == [
        "Records",
        "window",
        "state",
        "shardId",
        "eventSourceARN",
        "isFinalInvokeForWindow",
        "isWindowTerminatedEarly",
    ]
    assert first["window"] == {"start": "2023-11-14T22:13:00Z", "end": "2023-11-14T22:14:00Z"}
    assert first["shardId"] == "shardId-000000000000"
    assert first["isFinalInvokeForWindow"] is False
    assert rig.tracker.next_due() == 1_700_000_040.0
    await rig.advance(20)
    final = events[-1]
    assert final["isFinalInvokeForWindow"] is True
    assert final["Records"] == [] and final["state"] == {"total": 3}
    assert rig.checkpoint()["window"] is None  # type: ignore[index]
    rig.stream.put("4")
    await rig.settle()
    assert events[-1]["state"] == {} and events[-1]["window"]["start"] == "2023-11-14T22:14:00Z"
    await rig.stop()


async def test_a_batch_never_spans_two_windows() -> None:
    rig = Rig()
    events: list[dict[str, Any]] = []
    rig.handle(windowed(events))
    await rig.clock.set(1_700_000_030.0)
    rig.stream.put("a")
    await rig.clock.advance(20)
    rig.stream.put("b")
    await rig.start(batch_size=10, tumbling_window=60)
    assert [(len(e["Records"]), e["isFinalInvokeForWindow"]) for e in events] == [(1, False), (0, True), (1, False)]
    await rig.stop()


async def test_window_state_survives_a_restart() -> None:
    clock = VirtualClock(1_700_000_000.0)
    documents = MemoryDocuments()
    stream = FakeStream(clock)
    first = Rig(clock=clock, stream=stream, documents=documents)
    events: list[dict[str, Any]] = []
    first.handle(windowed(events))
    await first.start(tumbling_window=60)
    stream.put("1")
    await first.settle()
    await first.stop()
    second = Rig(clock=clock, stream=stream, documents=documents)
    second.handle(windowed(events))
    await second.start(tumbling_window=60)
    stream.put("2")
    await second.settle()
    assert events[-1]["state"] == {"total": 1}
    await second.stop()


async def test_a_windowed_response_without_state_fails() -> None:
    rig = Rig()

    async def stateless(event: dict[str, Any]) -> None:
        return None

    rig.handle(stateless)
    await rig.start(tumbling_window=60, maximum_retry_attempts=1, on_failure_destination=QUEUE_ARN)
    rig.stream.put("x")
    await rig.run_until_quiet(30)
    assert rig.deliverer.bodies()[0]["requestContext"]["condition"] == "RetryAttemptsExhausted"
    await rig.stop()


# -- shards ----------------------------------------------------------------------------------------


async def test_children_start_after_their_parent_is_consumed() -> None:
    rig = Rig()
    parent = next(iter(rig.stream.shards))
    rig.handle(failing_on("p-bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=1)
    rig.stream.put("p-bad", shard=parent)
    await rig.settle()
    rig.stream.close(parent)
    child = rig.stream.add_shard(parent=parent)
    rig.stream.put("c1", shard=child)
    await rig.settle()
    assert "c1" not in flat(rig)
    await rig.run_until_quiet()
    assert flat(rig)[-1] == "c1"
    await rig.stop()


async def test_a_raising_handler_bug_does_not_stop_the_mapping() -> None:
    rig = Rig()
    calls = 0

    async def handler(event: dict[str, Any]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise FunctionFailed("once")

    rig.handle(handler)
    await rig.start(maximum_retry_attempts=2)
    rig.stream.put("x")
    await rig.run_until_quiet()
    assert calls == 2
    await rig.stop()
