"""Long polling: a receive waits up to WaitTimeSeconds and returns as soon as a message can be had."""

from __future__ import annotations

import asyncio

from triggerfish.core.clock import VirtualClock
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.models import OutgoingMessage


async def test_a_send_ends_the_wait_at_once(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    polling = asyncio.ensure_future(sqs.receive_message(url, wait_time=20))
    await clock.advance(5)
    assert not polling.done()
    await sqs.send_message(url, OutgoingMessage("now"))
    got = await asyncio.wait_for(polling, 1)  # real seconds: the virtual clock did not move
    assert [m.body for m in got] == ["now"]


async def test_the_wait_ends_empty_after_wait_time(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    polling = asyncio.ensure_future(sqs.receive_message(url, wait_time=20))
    await clock.advance(19.9)
    assert not polling.done()
    await clock.advance(0.1)
    assert await asyncio.wait_for(polling, 1) == []


async def test_the_queue_setting_is_the_default_wait(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"ReceiveMessageWaitTimeSeconds": "10"})
    polling = asyncio.ensure_future(sqs.receive_message(url))
    await clock.advance(9)
    assert not polling.done()
    await clock.advance(1)
    assert await asyncio.wait_for(polling, 1) == []
    assert await sqs.receive_message(url, wait_time=0) == []  # an explicit 0 is a short poll


async def test_a_delay_or_visibility_ending_wakes_the_wait(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"VisibilityTimeout": "5"})
    await sqs.send_message(url, OutgoingMessage("later", delay_seconds=3))
    polling = asyncio.ensure_future(sqs.receive_message(url, wait_time=20))
    await clock.advance(3)
    (got,) = await asyncio.wait_for(polling, 1)
    polling = asyncio.ensure_future(sqs.receive_message(url, wait_time=20))
    await clock.advance(5)
    (again,) = await asyncio.wait_for(polling, 1)
    assert again.message_id == got.message_id


async def test_many_waiters_share_the_messages(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    pollers = [asyncio.ensure_future(sqs.receive_message(url, wait_time=20)) for _ in range(3)]
    await clock.advance(1)
    await sqs.send_message_batch(url, [("a", OutgoingMessage("a")), ("b", OutgoingMessage("b"))])
    await clock.advance(1)
    done = [p for p in pollers if p.done()]
    assert sorted(m.body for p in done for m in p.result()) == ["a", "b"]
    await clock.advance(20)
    assert all(p.done() for p in pollers)


async def test_deleting_the_queue_ends_the_wait(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    polling = asyncio.ensure_future(sqs.receive_message(url, wait_time=20))
    await clock.advance(1)
    await sqs.delete_queue(url)
    assert await asyncio.wait_for(polling, 1) == []
