"""The SQS mapping's delivery path on the fake queue: records, batching, window, deletes (spec §2.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from esm_fakes import FunctionFailed, Harness, ok

from triggerfish.core.delivery import MessageAttribute


@pytest.fixture
async def esm() -> AsyncIterator[Harness]:
    harness = await Harness().start()
    yield harness
    await harness.close()


async def test_a_sent_message_reaches_the_function_as_an_sqs_record_and_is_deleted(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue)
    message_id = esm.queue.send(queue, "hello")
    await esm.settle()
    (call,) = esm.functions.calls_of("f")
    (record,) = call.event["Records"]
    assert record["messageId"] == message_id
    assert record["body"] == "hello"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queue
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["attributes"]["SentTimestamp"] == str(round(esm.clock.now() * 1000))
    assert record["messageAttributes"] == {}
    assert "md5OfMessageAttributes" not in record
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"
    assert esm.queue.bodies(queue) == []


async def test_message_attributes_are_lower_camel_with_empty_lists(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue)
    esm.queue.send(
        queue,
        "x",
        attributes={
            "Author": MessageAttribute("String", string_value="John"),
            "Blob": MessageAttribute("Binary", binary_value=b"\x00\x01"),
        },
    )
    await esm.settle()
    record = esm.functions.calls[0].event["Records"][0]
    assert record["messageAttributes"] == {
        "Author": {"stringValue": "John", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "Blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"},
    }
    assert len(record["md5OfMessageAttributes"]) == 32


async def test_batches_hold_at_most_batch_size_messages(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, batch_size=3, enabled=False)
    esm.queue.send_many(queue, [f"m{i}" for i in range(7)])
    mapping = esm.mappings.list()[0]
    await esm.mappings.update(mapping.uuid, enabled=True)
    await esm.settle()
    sizes = sorted(len(call.bodies) for call in esm.functions.calls)
    assert sizes == [1, 3, 3]
    assert sorted(b for call in esm.functions.calls for b in call.bodies) == [f"m{i}" for i in range(7)]
    assert esm.queue.bodies(queue) == []


async def test_one_delete_call_per_successful_batch(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, batch_size=10, enabled=False)
    esm.queue.send_many(queue, [str(i) for i in range(10)])
    await esm.mappings.update(esm.mappings.list()[0].uuid, enabled=True)
    await esm.settle()
    assert esm.queue.deletes == [(queue, 10)]


async def test_a_window_gathers_messages_until_it_closes(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, batch_size=100, maximum_batching_window=5)
    esm.queue.send(queue, "first")
    await esm.settle()
    assert esm.functions.calls == []
    await esm.advance(2)
    esm.queue.send(queue, "second")
    await esm.settle()
    assert esm.functions.calls == []
    await esm.advance(3)
    assert [call.bodies for call in esm.functions.calls] == [["first", "second"]]


async def test_a_full_batch_does_not_wait_for_the_window(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, batch_size=20, maximum_batching_window=300)
    esm.queue.send_many(queue, [str(i) for i in range(20)])
    await esm.settle()
    assert [len(call.bodies) for call in esm.functions.calls] == [20]


async def test_a_batch_closes_at_six_megabytes(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, batch_size=100, maximum_batching_window=10, enabled=False)
    big = "x" * 1_000_000
    esm.queue.send_many(queue, [big + str(i) for i in range(8)])
    await esm.mappings.update(esm.mappings.list()[0].uuid, enabled=True)
    await esm.settle()
    await esm.advance(10)
    assert sorted(len(call.bodies) for call in esm.functions.calls) == [2, 6]


async def test_a_function_error_leaves_the_batch_for_its_visibility_timeout(esm: Harness) -> None:
    attempts: list[int] = []

    async def flaky(event: dict[str, Any]) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise FunctionFailed("boom")

    esm.functions.add("f", flaky)
    queue = esm.queue.create("q", visibility_timeout=30)
    await esm.map("f", queue)
    esm.queue.send_many(queue, ["a", "b"])
    await esm.settle()
    assert esm.queue.in_flight(queue) == ["a", "b"]
    await esm.advance(29)
    assert len(attempts) == 1
    await esm.advance(1)
    assert len(attempts) == 2
    assert esm.functions.calls[1].event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"
    assert esm.queue.bodies(queue) == []


async def test_repeated_failures_end_in_the_queues_dead_letter_queue(esm: Harness) -> None:
    async def failing(event: dict[str, Any]) -> None:
        raise FunctionFailed("always")

    esm.functions.add("f", failing)
    dlq = esm.queue.create("dlq")
    queue = esm.queue.create("q", visibility_timeout=10, dead_letter="dlq", max_receive_count=3)
    await esm.map("f", queue)
    esm.queue.send(queue, "poison")
    await esm.settle()
    for _ in range(3):
        await esm.advance(10)
    assert len(esm.functions.calls) == 3
    assert esm.queue.bodies(queue) == []
    assert esm.queue.bodies(dlq) == ["poison"]


async def test_an_idle_mapping_does_not_receive(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue)
    await esm.settle()
    before = len(esm.queue.receives)
    await esm.advance(3600)
    assert len(esm.queue.receives) == before


async def test_a_long_window_keeps_gathered_messages_hidden_past_the_queue_timeout(esm: Harness) -> None:
    esm.functions.add("f", ok, timeout=10)
    queue = esm.queue.create("q", visibility_timeout=30)
    await esm.map("f", queue, batch_size=50, maximum_batching_window=25)
    esm.queue.send(queue, "m")
    await esm.settle()
    # window + function timeout (35 s) outlasts the queue's 30 s: hidden for 25 + 10 + 30 s (spec §2.2)
    assert esm.queue.visibility_changes == [(queue, 1, 65)]
    await esm.advance(25)
    assert [call.bodies for call in esm.functions.calls] == [["m"]]
    assert esm.functions.calls[0].event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "1"


async def test_a_short_window_leaves_the_queue_timeout_alone(esm: Harness) -> None:
    esm.functions.add("f", ok, timeout=3)
    queue = esm.queue.create("q", visibility_timeout=30)
    await esm.map("f", queue, batch_size=50, maximum_batching_window=5)
    esm.queue.send(queue, "m")
    await esm.advance(5)
    assert esm.queue.visibility_changes == []
    assert len(esm.functions.calls) == 1
