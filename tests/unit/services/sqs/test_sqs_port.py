"""The QueueSource port Lambda consumes queues through, and delivery by ARN (``sqs``)."""

from __future__ import annotations

import json

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry, MessageAttribute
from triggerfish.core.queue_port import QueueInfo, QueueSource
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.models import OutgoingMessage

ARN = "arn:aws:sqs:us-east-1:000000000000:"


async def test_queue_info(sqs: SqsService) -> None:
    source: QueueSource = sqs.source
    await sqs.create_queue("dlq")
    policy = json.dumps({"deadLetterTargetArn": f"{ARN}dlq", "maxReceiveCount": 4})
    url = await sqs.create_queue("q", {"VisibilityTimeout": "45", "RedrivePolicy": policy})
    assert source.queue(f"{ARN}q") == QueueInfo(f"{ARN}q", url, "q", False, 45, f"{ARN}dlq", 4)
    assert source.queue(f"{ARN}missing") is None
    assert source.queue("not an arn") is None


async def test_receive_thousands_at_once_then_delete(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"VisibilityTimeout": "30"})
    for start in range(0, 2500, 10):
        await sqs.send_message_batch(url, [(str(n), OutgoingMessage(f"m{n}")) for n in range(start, start + 10)])
    got = await sqs.source.receive(f"{ARN}q", 10_000)
    assert len(got) == 2500 and got[0].body == "m0" and got[0].attributes["ApproximateReceiveCount"] == "1"
    assert got[0].size == 2
    assert await sqs.source.receive(f"{ARN}q", 10) == []
    await sqs.source.delete(f"{ARN}q", [m.receipt_handle for m in got[:2000]] + ["garbage!"])
    await clock.advance(30)
    assert len(await sqs.source.receive(f"{ARN}q", 10_000)) == 500
    assert await sqs.source.receive(f"{ARN}missing", 10) == []


async def test_change_visibility_through_the_port(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    await sqs.send_message(url, OutgoingMessage("m"))
    got = await sqs.source.receive(f"{ARN}q", 10)
    assert sqs.source.next_visible_at(f"{ARN}q") == clock.now() + 30
    await sqs.source.change_visibility(f"{ARN}q", [m.receipt_handle for m in got] + ["bad!"], 0)
    assert sqs.source.next_visible_at(f"{ARN}q") is None
    assert len(await sqs.source.receive(f"{ARN}q", 10)) == 1


async def test_on_available_fires_for_every_way_a_message_becomes_receivable(
    sqs: SqsService, clock: VirtualClock
) -> None:
    calls: list[str] = []
    stop = sqs.source.on_available(f"{ARN}q", lambda: calls.append("called"))
    url = await sqs.create_queue("q", {"VisibilityTimeout": "5"})  # registered before the queue existed
    await sqs.send_message(url, OutgoingMessage("now"))
    assert calls
    calls.clear()
    await sqs.send_message(url, OutgoingMessage("later", delay_seconds=7))
    assert sqs.source.next_visible_at(f"{ARN}q") == clock.now() + 7
    got = await sqs.source.receive(f"{ARN}q", 10)
    assert [m.body for m in got] == ["now"]
    await clock.advance(5)  # visibility over
    assert calls
    calls.clear()
    await clock.advance(2)  # delay over
    assert calls
    calls.clear()
    stop()
    await sqs.send_message(url, OutgoingMessage("unheard"))
    assert calls == []


async def test_fifo_delete_unblocks_the_group(sqs: SqsService) -> None:
    url = await sqs.create_queue("q.fifo", {"FifoQueue": "true", "ContentBasedDeduplication": "true"})
    for body in ("a", "b"):
        await sqs.send_message(url, OutgoingMessage(body, group_id="g"))
    calls: list[None] = []
    sqs.source.on_available(f"{ARN}q.fifo", lambda: calls.append(None))
    (first,) = await sqs.source.receive(f"{ARN}q.fifo", 1)
    assert await sqs.source.receive(f"{ARN}q.fifo", 10) == []
    await sqs.source.delete(f"{ARN}q.fifo", [first.receipt_handle])
    assert calls
    assert [m.body for m in await sqs.source.receive(f"{ARN}q.fifo", 10)] == ["b"]


async def test_the_port_moves_poison_messages_to_the_dead_letter_queue(sqs: SqsService, clock: VirtualClock) -> None:
    dlq = await sqs.create_queue("dlq")
    policy = json.dumps({"deadLetterTargetArn": f"{ARN}dlq", "maxReceiveCount": 1})
    url = await sqs.create_queue("q", {"RedrivePolicy": policy, "VisibilityTimeout": "1"})
    await sqs.send_message(url, OutgoingMessage("m"))
    heard: list[None] = []
    sqs.source.on_available(f"{ARN}dlq", lambda: heard.append(None))
    assert len(await sqs.source.receive(f"{ARN}q", 10)) == 1
    await clock.advance(1)
    assert await sqs.source.receive(f"{ARN}q", 10) == []
    assert heard
    assert [m.body for m in await sqs.receive_message(dlq)] == ["m"]


async def test_delivery_by_arn(sqs: SqsService, deliveries: DeliveryRegistry) -> None:
    url = await sqs.create_queue("q")
    assert deliveries.exists(f"{ARN}q") and not deliveries.exists(f"{ARN}missing")
    attributes = {"ErrorCode": MessageAttribute("Number", "200")}
    await deliveries.deliver(f"{ARN}q", Delivery('{"a": 1}', attributes))
    (got,) = await sqs.receive_message(url)
    assert (got.body, got.message_attributes) == ('{"a": 1}', attributes)
    with pytest.raises(DeliveryFailed, match=r"does not exist"):
        await deliveries.deliver(f"{ARN}missing", Delivery("x"))


async def test_delivery_to_a_fifo_queue(sqs: SqsService, deliveries: DeliveryRegistry) -> None:
    url = await sqs.create_queue("q.fifo", {"FifoQueue": "true"})
    await deliveries.deliver(f"{ARN}q.fifo", Delivery("x", message_group_id="g", deduplication_id="d"))
    await deliveries.deliver(f"{ARN}q.fifo", Delivery("x", message_group_id="g", deduplication_id="d"))
    assert len(await sqs.receive_message(url, max_messages=10)) == 1
    with pytest.raises(DeliveryFailed, match=r"MessageGroupId"):
        await deliveries.deliver(f"{ARN}q.fifo", Delivery("x"))
