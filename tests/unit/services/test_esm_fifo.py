"""FIFO queues: one batch per message group at a time, groups in parallel, order kept through failures
(spec §2.2)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from esm_fakes import FunctionFailed, Harness


@pytest.fixture
async def esm() -> AsyncIterator[Harness]:
    harness = await Harness().start()
    yield harness
    await harness.close()


async def test_groups_run_in_parallel_but_one_batch_per_group(esm: Harness) -> None:
    release = asyncio.Event()
    running: list[list[str]] = []

    async def held(event: dict[str, Any]) -> None:
        running.append([r["attributes"]["MessageGroupId"] for r in event["Records"]])
        await release.wait()

    esm.functions.add("f", held)
    queue = esm.queue.create("q.fifo")
    await esm.map("f", queue, batch_size=1, enabled=False)
    for group in ("a", "b", "c"):
        esm.queue.send_many(queue, [f"{group}1", f"{group}2"], group=group)
    await esm.mappings.update(esm.mappings.list()[0].uuid, enabled=True)
    await esm.spin()
    assert sorted(g for batch in running for g in batch) == ["a", "b", "c"]
    release.set()
    await esm.settle()
    assert len(running) == 6
    assert esm.queue.bodies(queue) == []


async def test_order_within_a_group_holds_across_failures(esm: Harness) -> None:
    delivered: list[str] = []
    failures = {"g2": 2}

    async def picky(event: dict[str, Any]) -> None:
        for record in event["Records"]:
            body = record["body"]
            if failures.get(body, 0) > 0:
                failures[body] -= 1
                raise FunctionFailed(f"not yet {body}")
            delivered.append(body)

    esm.functions.add("f", picky)
    queue = esm.queue.create("q.fifo", visibility_timeout=30)
    await esm.map("f", queue, batch_size=1, enabled=False)
    esm.queue.send_many(queue, ["g1", "g2", "g3"], group="g")
    esm.queue.send_many(queue, ["h1", "h2"], group="h")
    await esm.mappings.update(esm.mappings.list()[0].uuid, enabled=True)
    await esm.settle()
    # "h" is not held up by "g"'s failure; "g3" waits behind "g2"
    assert sorted(delivered) == ["g1", "h1", "h2"]
    assert esm.queue.bodies(queue) == ["g2", "g3"]
    await esm.advance(30)
    await esm.advance(30)
    assert [b for b in delivered if b.startswith("g")] == ["g1", "g2", "g3"]
    assert esm.queue.bodies(queue) == []


async def test_a_batch_keeps_the_sent_order_of_each_group(esm: Harness) -> None:
    esm.functions.add("f", lambda_ok)
    queue = esm.queue.create("q.fifo")
    await esm.map("f", queue, batch_size=10, enabled=False)
    for i in range(4):
        esm.queue.send(queue, f"a{i}", group="a")
        esm.queue.send(queue, f"b{i}", group="b")
    await esm.mappings.update(esm.mappings.list()[0].uuid, enabled=True)
    await esm.settle()
    bodies = [b for call in esm.functions.calls for b in call.bodies]
    assert [b for b in bodies if b[0] == "a"] == ["a0", "a1", "a2", "a3"]
    assert [b for b in bodies if b[0] == "b"] == ["b0", "b1", "b2", "b3"]
    record = esm.functions.calls[0].event["Records"][0]
    assert set(record["attributes"]) >= {"SequenceNumber", "MessageGroupId", "MessageDeduplicationId"}


async def test_fifo_mappings_ignore_batching_windows_even_if_stored(esm: Harness) -> None:
    esm.functions.add("f", lambda_ok)
    queue = esm.queue.create("q.fifo")
    await esm.map("f", queue, batch_size=10)
    esm.queue.send(queue, "now", group="g")
    await esm.settle()
    assert [call.bodies for call in esm.functions.calls] == [["now"]]


async def lambda_ok(event: dict[str, Any]) -> None:
    return None
