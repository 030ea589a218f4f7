"""A queue's state after a restart: what was in flight, delayed, deduplicated or configured (SQLite file)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.models import OutgoingMessage
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
