"""Dead-letter queues and message move tasks (spec §2.1, redrive and StartMessageMoveTask)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import MessageAttribute
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.errors import InvalidParameterValue, ResourceNotFound
from triggerfish.services.sqs.models import MoveTaskStatus, OutgoingMessage

ARN = "arn:aws:sqs:us-east-1:000000000000:"


async def until(condition: Callable[[], bool]) -> None:
    """Wait (in real time, briefly) for a move task's store writes, which run on the writer thread."""
    async with asyncio.timeout(5):
        while not condition():
            await asyncio.sleep(0.001)


def task_state(sqs: SqsService) -> tuple[MoveTaskStatus, int]:
    (task,) = sqs.list_message_move_tasks(f"{ARN}dlq")
    return task.status, task.moved


async def pipe(sqs: SqsService, max_receives: int = 2, fifo: bool = False) -> tuple[str, str]:
    suffix = ".fifo" if fifo else ""
    extra = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    dlq = await sqs.create_queue(f"dlq{suffix}", extra)
    policy = json.dumps({"deadLetterTargetArn": f"{ARN}dlq{suffix}", "maxReceiveCount": max_receives})
    source = await sqs.create_queue(f"src{suffix}", {"RedrivePolicy": policy, "VisibilityTimeout": "10", **extra})
    return source, dlq


async def fail_receives(sqs: SqsService, clock: VirtualClock, url: str, times: int) -> None:
    for _ in range(times):
        assert await sqs.receive_message(url, max_messages=10)
        await clock.advance(10)


async def test_a_message_received_too_often_moves_to_the_dead_letter_queue(
    sqs: SqsService, clock: VirtualClock
) -> None:
    source, dlq = await pipe(sqs, max_receives=2)
    attributes = {"k": MessageAttribute("String", "v")}
    sent = await sqs.send_message(source, OutgoingMessage("poison", attributes=attributes))
    await fail_receives(sqs, clock, source, 2)
    assert await sqs.receive_message(source, max_messages=10) == []  # the third receive moves it instead
    (dead,) = await sqs.receive_message(dlq)
    assert (dead.message_id, dead.body, dead.message_attributes) == (sent.message_id, "poison", attributes)
    assert dead.md5_of_message_attributes == sent.md5_of_attributes
    assert dead.attributes["DeadLetterQueueSourceArn"] == f"{ARN}src"
    assert dead.attributes["ApproximateReceiveCount"] == "3"
    assert int(dead.attributes["SentTimestamp"]) < int(clock.now() * 1000)


async def test_good_messages_are_received_while_a_poison_one_moves(sqs: SqsService, clock: VirtualClock) -> None:
    source, dlq = await pipe(sqs, max_receives=1)
    await sqs.send_message(source, OutgoingMessage("poison"))
    await fail_receives(sqs, clock, source, 1)
    await sqs.send_message(source, OutgoingMessage("good"))
    assert [m.body for m in await sqs.receive_message(source, max_messages=10)] == ["good"]
    assert [m.body for m in await sqs.receive_message(dlq)] == ["poison"]


async def test_fifo_dead_letter_queue_keeps_the_group_and_uses_the_id_for_deduplication(
    sqs: SqsService, clock: VirtualClock
) -> None:
    source, dlq = await pipe(sqs, max_receives=1, fifo=True)
    sent = await sqs.send_message(source, OutgoingMessage("m", group_id="g"))
    await sqs.send_message(source, OutgoingMessage("n", group_id="g"))
    await sqs.receive_message(source)
    await clock.advance(10)
    assert [m.body for m in await sqs.receive_message(source, max_messages=10)] == ["n"]
    (dead,) = await sqs.receive_message(dlq)
    assert dead.attributes["MessageGroupId"] == "g"
    assert dead.attributes["MessageDeduplicationId"] == sent.message_id
    assert int(dead.attributes["SequenceNumber"]) > int(sent.sequence_number or 0)


async def test_redrive_back_to_the_source(sqs: SqsService, clock: VirtualClock) -> None:
    source, _ = await pipe(sqs, max_receives=1)
    for body in ("a", "b"):
        await sqs.send_message(source, OutgoingMessage(body))
    await fail_receives(sqs, clock, source, 1)
    assert await sqs.receive_message(source, max_messages=10) == []
    handle = await sqs.start_message_move_task(f"{ARN}dlq")
    (running,) = sqs.list_message_move_tasks(f"{ARN}dlq")
    assert running.task_handle == handle and running.to_move == 2
    await clock.advance(0)
    await until(lambda: task_state(sqs)[0] is not MoveTaskStatus.RUNNING)
    (done,) = sqs.list_message_move_tasks(f"{ARN}dlq")
    assert (done.status, done.moved, done.destination_arn) == (MoveTaskStatus.COMPLETED, 2, None)
    back = await sqs.receive_message(source, max_messages=10)
    assert sorted(m.body for m in back) == ["a", "b"]
    assert all(m.attributes["ApproximateReceiveCount"] == "1" for m in back)
    assert all("DeadLetterQueueSourceArn" not in m.attributes for m in back)


async def test_redrive_to_a_destination_at_a_rate(sqs: SqsService, clock: VirtualClock) -> None:
    source, _ = await pipe(sqs, max_receives=1)
    other = await sqs.create_queue("other")
    for n in range(5):
        await sqs.send_message(source, OutgoingMessage(str(n)))
    await fail_receives(sqs, clock, source, 1)
    await sqs.receive_message(source, max_messages=10)
    await sqs.start_message_move_task(f"{ARN}dlq", f"{ARN}other", max_per_second=2)
    await clock.advance(0)
    await until(lambda: task_state(sqs)[1] >= 2)
    assert task_state(sqs)[1] == 2  # the next two wait for the next second
    await clock.advance(1)
    await until(lambda: task_state(sqs)[1] >= 4)
    assert task_state(sqs)[1] == 4
    await clock.advance(1)
    await until(lambda: task_state(sqs)[0] is not MoveTaskStatus.RUNNING)
    (done,) = sqs.list_message_move_tasks(f"{ARN}dlq")
    assert (done.status, done.moved, done.max_per_second) == (MoveTaskStatus.COMPLETED, 5, 2)
    assert len(await sqs.receive_message(other, max_messages=10)) == 5


async def test_cancel_a_move_task(sqs: SqsService, clock: VirtualClock) -> None:
    source, _ = await pipe(sqs, max_receives=1)
    for n in range(4):
        await sqs.send_message(source, OutgoingMessage(str(n)))
    await fail_receives(sqs, clock, source, 1)
    await sqs.receive_message(source, max_messages=10)
    handle = await sqs.start_message_move_task(f"{ARN}dlq", max_per_second=1)
    with pytest.raises(InvalidParameterValue, match=r"^There is already a task running."):
        await sqs.start_message_move_task(f"{ARN}dlq")
    await clock.advance(0)
    await until(lambda: task_state(sqs)[1] == 1)
    assert await sqs.cancel_message_move_task(handle) == 1
    await clock.advance(5)
    await until(lambda: task_state(sqs)[0] is MoveTaskStatus.CANCELLED)
    tasks = sqs.list_message_move_tasks(f"{ARN}dlq", max_results=10)
    assert [(t.status, t.moved) for t in tasks] == [(MoveTaskStatus.CANCELLED, 1)]
    with pytest.raises(ResourceNotFound, match=r"^Task does not exist.$"):
        await sqs.cancel_message_move_task(handle)


async def test_move_task_errors(sqs: SqsService) -> None:
    await pipe(sqs)
    with pytest.raises(ResourceNotFound, match=r"SourceArn parameter doesn't exist"):
        await sqs.start_message_move_task(f"{ARN}missing")
    with pytest.raises(InvalidParameterValue, match=r"^Source queue must be configured as a Dead Letter Queue.$"):
        await sqs.start_message_move_task(f"{ARN}src")
    with pytest.raises(ResourceNotFound, match=r"DestinationArn parameter doesn't exist"):
        await sqs.start_message_move_task(f"{ARN}dlq", f"{ARN}missing")
    with pytest.raises(InvalidParameterValue, match=r"MaxNumberOfMessagesPerSecond"):
        await sqs.start_message_move_task(f"{ARN}dlq", max_per_second=501)
    with pytest.raises(InvalidParameterValue, match=r"^Value for parameter TaskHandle is invalid.$"):
        await sqs.cancel_message_move_task("not a handle")


async def test_a_move_task_fails_when_its_destination_is_deleted(sqs: SqsService, clock: VirtualClock) -> None:
    source, dlq = await pipe(sqs, max_receives=1)
    other = await sqs.create_queue("other")
    for n in range(3):
        await sqs.send_message(source, OutgoingMessage(str(n)))
    await fail_receives(sqs, clock, source, 1)
    await sqs.receive_message(source, max_messages=10)
    await sqs.start_message_move_task(f"{ARN}dlq", f"{ARN}other", max_per_second=1)
    await clock.advance(0)
    await until(lambda: task_state(sqs)[1] == 1)
    await sqs.delete_queue(other)
    await clock.advance(1)
    await until(lambda: task_state(sqs)[0] is MoveTaskStatus.FAILED)
    (failed,) = sqs.list_message_move_tasks(f"{ARN}dlq")
    assert (failed.status, failed.failure_reason, failed.moved) == (
        MoveTaskStatus.FAILED,
        "AWS.SimpleQueueService.NonExistentQueue",
        1,
    )
    assert sqs.get_queue_attributes(dlq, ["ApproximateNumberOfMessages"]) == {"ApproximateNumberOfMessages": "2"}
