"""FIFO queues: order and locking per message group, deduplication, sequence numbers (spec §2.1)."""

from __future__ import annotations

import hashlib

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.errors import InvalidParameterValue, MissingParameter
from triggerfish.services.sqs.models import OutgoingMessage


async def fifo(sqs: SqsService, **attributes: str) -> str:
    return await sqs.create_queue("q.fifo", {"FifoQueue": "true", **attributes})


def message(body: str, group: str = "g", dedup: str | None = None) -> OutgoingMessage:
    return OutgoingMessage(body, group_id=group, deduplication_id=dedup or body)


async def test_a_group_is_received_in_order_one_batch_at_a_time(sqs: SqsService, clock: VirtualClock) -> None:
    url = await fifo(sqs, VisibilityTimeout="10")
    for n in range(5):
        await sqs.send_message(url, message(f"m{n}"))
    first = await sqs.receive_message(url, max_messages=2)
    assert [m.body for m in first] == ["m0", "m1"]
    assert await sqs.receive_message(url, max_messages=10) == []  # the group is in flight
    await sqs.delete_message(url, first[0].receipt_handle)
    assert await sqs.receive_message(url, max_messages=10) == []  # m1 is still in flight
    await sqs.delete_message(url, first[1].receipt_handle)
    assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == ["m2", "m3", "m4"]


async def test_a_message_back_from_flight_comes_first_again(sqs: SqsService, clock: VirtualClock) -> None:
    url = await fifo(sqs, VisibilityTimeout="10")
    for n in range(3):
        await sqs.send_message(url, message(f"m{n}"))
    (head,) = await sqs.receive_message(url)
    await clock.advance(10)
    again = await sqs.receive_message(url, max_messages=10)
    assert [m.body for m in again] == ["m0", "m1", "m2"]
    assert again[0].attributes["ApproximateReceiveCount"] == "2"
    assert head.message_id == again[0].message_id


async def test_groups_are_independent(sqs: SqsService) -> None:
    url = await fifo(sqs)
    await sqs.send_message(url, message("a1", "a"))
    await sqs.send_message(url, message("b1", "b"))
    await sqs.send_message(url, message("a2", "a"))
    (a1,) = await sqs.receive_message(url)
    assert a1.body == "a1"
    got = await sqs.receive_message(url, max_messages=10)
    assert [m.body for m in got] == ["b1"]  # group a is locked while a1 is in flight
    await sqs.change_message_visibility(url, a1.receipt_handle, 0)
    assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == ["a1", "a2"]


async def test_fifo_send_rules(sqs: SqsService) -> None:
    url = await fifo(sqs)
    with pytest.raises(MissingParameter, match=r"^The request must contain the parameter MessageGroupId.$"):
        await sqs.send_message(url, OutgoingMessage("m", deduplication_id="d"))
    with pytest.raises(
        InvalidParameterValue, match=r"either have ContentBasedDeduplication enabled or MessageDeduplicationId"
    ):
        await sqs.send_message(url, OutgoingMessage("m", group_id="g"))
    with pytest.raises(
        InvalidParameterValue,
        match=r"^Value 2 for parameter DelaySeconds is invalid\. Reason: The request include parameter that is not",
    ):
        await sqs.send_message(url, OutgoingMessage("m", group_id="g", deduplication_id="d", delay_seconds=2))
    with pytest.raises(InvalidParameterValue, match=r"MessageGroupId can only include alphanumeric and punctuation"):
        await sqs.send_message(url, message("m", group="has space"))
    with pytest.raises(InvalidParameterValue, match=r"MessageDeduplicationId can only include"):
        await sqs.send_message(url, message("m", dedup="x" * 129))
    with pytest.raises(InvalidParameterValue, match=r"MessageGroupId"):
        await sqs.send_message_batch(url, [("a", OutgoingMessage("m", deduplication_id="d"))])


async def test_deduplication_lasts_five_minutes(sqs: SqsService, clock: VirtualClock) -> None:
    url = await fifo(sqs)
    first = await sqs.send_message(url, message("one", dedup="d"))
    duplicate = await sqs.send_message(url, message("two", dedup="d"))
    assert (duplicate.message_id, duplicate.sequence_number) == (first.message_id, first.sequence_number)
    (got,) = await sqs.receive_message(url, max_messages=10)
    await sqs.delete_message(url, got.receipt_handle)
    await clock.advance(299)
    assert (await sqs.send_message(url, message("three", dedup="d"))).message_id == first.message_id
    assert await sqs.receive_message(url) == []
    await clock.advance(1)
    later = await sqs.send_message(url, message("four", dedup="d"))
    assert later.message_id != first.message_id
    assert [m.body for m in await sqs.receive_message(url)] == ["four"]


async def test_content_based_deduplication_hashes_the_body(sqs: SqsService) -> None:
    url = await fifo(sqs, ContentBasedDeduplication="true")
    a = await sqs.send_message(url, OutgoingMessage("same", group_id="g"))
    b = await sqs.send_message(url, OutgoingMessage("same", group_id="h"))
    c = await sqs.send_message(url, OutgoingMessage("same", group_id="g", deduplication_id="explicit"))
    assert a.message_id == b.message_id != c.message_id
    (got, explicit) = await sqs.receive_message(url, max_messages=10)

    assert got.attributes["MessageDeduplicationId"] == hashlib.sha256(b"same").hexdigest()
    assert explicit.attributes["MessageDeduplicationId"] == "explicit"


async def test_deduplication_scope_message_group(sqs: SqsService) -> None:
    url = await fifo(sqs, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    a = await sqs.send_message(url, message("x", group="a", dedup="d"))
    b = await sqs.send_message(url, message("x", group="b", dedup="d"))
    assert a.message_id != b.message_id


async def test_sequence_numbers_grow_and_are_long(sqs: SqsService) -> None:
    url = await fifo(sqs)
    numbers = [
        int((await sqs.send_message(url, message(f"m{n}", group=f"g{n % 2}"))).sequence_number or "0") for n in range(5)
    ]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    assert all(len(str(number)) >= 20 for number in numbers)
    got = await sqs.receive_message(url, max_messages=10)
    assert {m.attributes["SequenceNumber"] for m in got} <= {str(n) for n in numbers}
    assert {m.attributes["MessageGroupId"] for m in got} == {"g0", "g1"}


async def test_an_expired_receipt_handle_does_not_delete(sqs: SqsService, clock: VirtualClock) -> None:
    url = await fifo(sqs, VisibilityTimeout="5")
    await sqs.send_message(url, message("m"))
    (got,) = await sqs.receive_message(url)
    await clock.advance(5)
    with pytest.raises(InvalidParameterValue, match=r"Reason: The receipt handle has expired.$"):
        await sqs.delete_message(url, got.receipt_handle)


async def test_receive_request_attempt_id_repeats_a_receive(sqs: SqsService, clock: VirtualClock) -> None:
    url = await fifo(sqs)
    for n in range(3):
        await sqs.send_message(url, message(f"m{n}"))
    first = await sqs.receive_message(url, max_messages=2, attempt_id="try-1")
    retried = await sqs.receive_message(url, max_messages=2, attempt_id="try-1")
    assert [(m.message_id, m.receipt_handle) for m in retried] == [(m.message_id, m.receipt_handle) for m in first]
    await sqs.delete_message(url, first[0].receipt_handle)
    assert await sqs.receive_message(url, max_messages=2, attempt_id="try-1") == []  # group still locked by m1
