"""A queue's state after a restart: what was in flight, delayed, deduplicated or configured (SQLite file)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.models import MoveTaskStatus, OutgoingMessage
from triggerfish.store.factory import open_store

Opener = Callable[[], AbstractAsyncContextManager[SqsService]]


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def running(tmp_path: Path, clock: VirtualClock) -> Opener:
    """Open the service on the same data directory, again and again: each exit is a restart."""

    @asynccontextmanager
    async def opened() -> AsyncIterator[SqsService]:
        store = open_store(tmp_path / "data")
        await store.open()
        service = SqsService(store, clock)
        try:
            await service.start()
            yield service
        finally:
            await service.close()
            await store.close()

    return opened


async def test_in_flight_and_delayed_messages_keep_their_state(running: Opener, clock: VirtualClock) -> None:
    async with running() as sqs:
        url = await sqs.create_queue("q", {"VisibilityTimeout": "60"}, {"team": "a"})
        await sqs.send_message(url, OutgoingMessage("in flight"))
        await sqs.send_message(url, OutgoingMessage("delayed", delay_seconds=100))
        (got,) = await sqs.receive_message(url)
    async with running() as sqs:
        assert sqs.list_queue_tags(url) == {"team": "a"}
        assert sqs.get_queue_attributes(url, ["VisibilityTimeout"]) == {"VisibilityTimeout": "60"}
        counts = sqs.get_queue_attributes(
            url, ["ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
        )
        assert counts == {"ApproximateNumberOfMessagesNotVisible": "1", "ApproximateNumberOfMessagesDelayed": "1"}
        assert await sqs.receive_message(url) == []
        await clock.advance(60)
        (again,) = await sqs.receive_message(url, visibility_timeout=0)
        assert (again.message_id, again.attributes["ApproximateReceiveCount"]) == (got.message_id, "2")
        await clock.advance(40)
        assert {m.body for m in await sqs.receive_message(url, max_messages=10)} == {"in flight", "delayed"}


async def test_a_handle_from_before_the_restart_still_deletes(running: Opener) -> None:
    async with running() as sqs:
        url = await sqs.create_queue("q")
        await sqs.send_message(url, OutgoingMessage("m"))
        (got,) = await sqs.receive_message(url)
    async with running() as sqs:
        await sqs.delete_message(url, got.receipt_handle)
        assert sqs.get_queue_attributes(url, ["ApproximateNumberOfMessagesNotVisible"]) == {
            "ApproximateNumberOfMessagesNotVisible": "0"
        }


async def test_fifo_order_sequence_and_deduplication_continue(running: Opener, clock: VirtualClock) -> None:
    async with running() as sqs:
        url = await sqs.create_queue("q.fifo", {"FifoQueue": "true"})
        first = await sqs.send_message(url, OutgoingMessage("a", group_id="g", deduplication_id="a"))
        await sqs.send_message(url, OutgoingMessage("b", group_id="g", deduplication_id="b"))
        (head,) = await sqs.receive_message(url)
    async with running() as sqs:
        assert await sqs.receive_message(url, max_messages=10) == []  # the group is still in flight
        duplicate = await sqs.send_message(url, OutgoingMessage("a", group_id="g", deduplication_id="a"))
        assert duplicate.message_id == first.message_id
        third = await sqs.send_message(url, OutgoingMessage("c", group_id="g", deduplication_id="c"))
        assert int(third.sequence_number or 0) > int(first.sequence_number or 0)
        await sqs.delete_message(url, head.receipt_handle)
        assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == ["b", "c"]


async def test_a_deleted_queue_stays_deleted(running: Opener) -> None:
    async with running() as sqs:
        url = await sqs.create_queue("q")
        await sqs.send_message(url, OutgoingMessage("m"))
        await sqs.delete_queue(url)
    async with running() as sqs:
        assert sqs.list_queues() == ([], None)
        url = await sqs.create_queue("q")
        assert await sqs.receive_message(url) == []


async def test_a_running_move_task_carries_on_after_a_restart(running: Opener, clock: VirtualClock) -> None:
    arn = "arn:aws:sqs:us-east-1:000000000000:"
    async with running() as sqs:
        await sqs.create_queue("dlq")
        policy = json.dumps({"deadLetterTargetArn": f"{arn}dlq", "maxReceiveCount": 1})
        source = await sqs.create_queue("src", {"RedrivePolicy": policy, "VisibilityTimeout": "10"})
        for n in range(4):
            await sqs.send_message(source, OutgoingMessage(str(n)))
        assert len(await sqs.receive_message(source, max_messages=10)) == 4
        await clock.advance(10)
        assert await sqs.receive_message(source, max_messages=10) == []  # all four dead-lettered
        handle = await sqs.start_message_move_task(f"{arn}dlq", max_per_second=1)
        await clock.advance(0)
        await _until(lambda: sqs.list_message_move_tasks(f"{arn}dlq")[0].moved == 1)
    async with running() as sqs:
        (task,) = sqs.list_message_move_tasks(f"{arn}dlq")
        assert (task.task_handle, task.status, task.to_move) == (handle, MoveTaskStatus.RUNNING, 4)
        for _ in range(5):
            await clock.advance(1)
            await asyncio.sleep(0.01)
        await _until(lambda: sqs.list_message_move_tasks(f"{arn}dlq")[0].status is MoveTaskStatus.COMPLETED)
        assert sqs.list_message_move_tasks(f"{arn}dlq")[0].moved == 4
        assert sorted(m.body for m in await sqs.receive_message(source, max_messages=10)) == ["0", "1", "2", "3"]


async def test_a_cancelling_move_task_is_cancelled_after_a_restart(running: Opener, clock: VirtualClock) -> None:
    arn = "arn:aws:sqs:us-east-1:000000000000:"
    async with running() as sqs:
        await sqs.create_queue("dlq")
        policy = json.dumps({"deadLetterTargetArn": f"{arn}dlq", "maxReceiveCount": 1})
        source = await sqs.create_queue("src", {"RedrivePolicy": policy, "VisibilityTimeout": "10"})
        for n in range(3):
            await sqs.send_message(source, OutgoingMessage(str(n)))
        await sqs.receive_message(source, max_messages=10)
        await clock.advance(10)
        await sqs.receive_message(source, max_messages=10)
        handle = await sqs.start_message_move_task(f"{arn}dlq", max_per_second=1)
        await sqs.cancel_message_move_task(handle)
    async with running() as sqs:
        (task,) = sqs.list_message_move_tasks(f"{arn}dlq")
        assert task.status is MoveTaskStatus.CANCELLED


async def _until(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0.001)
