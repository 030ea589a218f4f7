"""Stopping, resuming and settling: disable and delete stop delivery at once, in-flight batches finish,
and the tracker reports work until visible messages of enabled mappings are processed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from esm_fakes import FunctionFailed, Harness, ok


class Held:
    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.seen: list[str] = []

    async def __call__(self, event: dict[str, Any]) -> None:
        self.seen.extend(r["body"] for r in event["Records"])
        await self.release.wait()


@pytest.fixture
async def esm() -> AsyncIterator[Harness]:
    harness = await Harness().start()
    yield harness
    await harness.close()


async def test_disabling_stops_delivery_but_the_running_batch_finishes(esm: Harness) -> None:
    held = Held()
    esm.functions.add("f", held)
    queue = esm.queue.create("q")
    mapping = await esm.map("f", queue, batch_size=1, maximum_concurrency=2)
    esm.queue.send(queue, "running")
    await esm.spin()
    await esm.mappings.update(mapping.uuid, enabled=False)
    esm.queue.send(queue, "waits")
    held.release.set()
    await esm.settle()
    assert held.seen == ["running"]
    assert esm.queue.bodies(queue) == ["waits"]
    await esm.mappings.update(mapping.uuid, enabled=True)
    await esm.settle()
    assert held.seen == ["running", "waits"]
    assert esm.queue.bodies(queue) == []


async def test_deleting_stops_delivery(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    mapping = await esm.map("f", queue)
    await esm.mappings.delete(mapping.uuid)
    esm.queue.send(queue, "stays")
    await esm.settle()
    assert esm.functions.calls == []
    assert esm.queue.visible(queue) == ["stays"]


async def test_messages_received_for_a_window_return_when_the_mapping_stops(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    mapping = await esm.map("f", queue, batch_size=50, maximum_batching_window=60)
    esm.queue.send(queue, "gathered")
    await esm.settle()
    assert esm.queue.in_flight(queue) == ["gathered"]
    await esm.mappings.update(mapping.uuid, enabled=False)
    await esm.settle()
    assert esm.functions.calls == []
    assert esm.queue.visible(queue) == ["gathered"]


async def test_settling_waits_for_visible_messages_only(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue)
    esm.queue.send(queue, "now")
    esm.queue.send(queue, "later", delay=60)
    assert esm.tracker.next_due() == esm.clock.now()
    await esm.settle()
    assert [b for call in esm.functions.calls for b in call.bodies] == ["now"]
    # a hidden message is not work until the queue says it is visible
    assert esm.tracker.next_due() is None
    await esm.advance(60)
    assert [b for call in esm.functions.calls for b in call.bodies] == ["now", "later"]
    assert esm.tracker.next_due() is None


async def test_a_failing_function_does_not_keep_settling_busy(esm: Harness) -> None:
    async def failing(event: dict[str, Any]) -> None:
        raise FunctionFailed("forever")

    esm.functions.add("f", failing)
    queue = esm.queue.create("q", visibility_timeout=30)
    await esm.map("f", queue)
    esm.queue.send(queue, "poison")
    await esm.settle()
    assert esm.tracker.next_due() is None
    await esm.advance(30)
    assert len(esm.functions.calls) == 2


async def test_a_disabled_mapping_is_not_work(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, enabled=False)
    esm.queue.send(queue, "ignored")
    assert esm.tracker.next_due() is None


async def test_an_open_window_is_work_due_when_it_closes(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, batch_size=100, maximum_batching_window=20)
    esm.queue.send(queue, "m")
    await esm.settle()
    assert esm.tracker.next_due() == esm.clock.now() + 20


async def test_a_missing_function_pauses_the_mapping_until_it_returns(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue)
    esm.functions.remove("f")
    esm.queue.send(queue, "waits")
    await esm.settle()
    assert esm.queue.visible(queue) == ["waits"]
    esm.functions.add("f", ok)
    esm.mappings.wake_blocked()
    await esm.settle()
    assert [call.bodies for call in esm.functions.calls] == [["waits"]]


async def test_restart_resumes_with_messages_left_in_the_queue() -> None:
    first = await Harness().start()
    first.functions.add("f", ok)
    queue = first.queue.create("q")
    await first.map("f", queue, enabled=True)
    await first.close()
    second = Harness(first.documents)
    second.functions.add("f", ok)
    second.queue.create("q")
    second.queue.send(queue, "sent while down")
    await second.start()
    try:
        await second.settle()
        assert [call.bodies for call in second.functions.calls] == [["sent while down"]]
    finally:
        await second.close()


async def test_the_hot_path_makes_one_receive_and_one_delete_per_batch(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue)
    await esm.settle()
    receives_before = len(esm.queue.receives)
    esm.queue.send(queue, "m")
    await esm.settle()
    # one receive that finds the message and one that finds the queue drained
    assert len(esm.queue.receives) - receives_before <= 3
    assert esm.queue.deletes == [(queue, 1)]


async def test_a_source_attached_after_start_starts_its_mappings() -> None:
    first = await Harness().start()
    first.functions.add("f", ok)
    queue = first.queue.create("q")
    await first.map("f", queue)
    await first.close()
    later = await Harness(first.documents, attach=False).start()  # no queue port yet, as before SQS is wired
    try:
        later.functions.add("f", ok)
        later.queue.create("q")
        later.queue.send(queue, "after attach")
        later.mappings.attach("sqs", later.queue)
        await later.settle()
        assert [call.bodies for call in later.functions.calls] == [["after attach"]]
    finally:
        await later.close()
