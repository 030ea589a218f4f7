"""How many batches run at once: the ramp, MaximumConcurrency, reserved and account concurrency, and
throttling that makes messages wait (spec §2.2 scaling, §8)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from esm_fakes import Harness, ok

from triggerfish.services.lambda_.concurrency import ConcurrencyGovernor
from triggerfish.services.lambda_.mappings import ScalingPolicy
from triggerfish.services.lambda_.mappings.scaling import Scaling


class Held:
    """A handler that keeps every invocation open until released."""

    def __init__(self) -> None:
        self.release = asyncio.Event()

    async def __call__(self, event: dict[str, Any]) -> None:
        await self.release.wait()


@pytest.fixture
async def esm() -> AsyncIterator[Harness]:
    harness = await Harness().start()
    yield harness
    await harness.close()


def test_the_ramp_starts_at_five_and_adds_three_hundred_a_minute() -> None:
    scaling = Scaling(ScalingPolicy())
    assert scaling.limit(0, None, None) == 5
    scaling.backlogged(100)
    assert scaling.limit(100, None, None) == 5
    assert scaling.limit(130, None, None) == 155
    assert scaling.limit(160, None, None) == 305
    assert scaling.limit(10_000, None, None) == 1000
    assert scaling.next_step(100) == pytest.approx(100.2)
    scaling.drained()
    assert scaling.limit(10_000, None, None) == 5
    assert scaling.next_step(10_000) is None


def test_limits_never_pass_maximum_concurrency_or_reserved_concurrency() -> None:
    scaling = Scaling(ScalingPolicy())
    scaling.backlogged(0)
    assert scaling.limit(600, 3, None) == 3
    assert scaling.limit(600, None, 7) == 7
    assert scaling.limit(600, 50, 7) == 7
    assert scaling.limit(600, None, 0) == 0


async def _backlog(esm: Harness, count: int, **settings: Any) -> tuple[str, Held]:
    held = Held()
    esm.functions.add("f", held, reserved=settings.pop("reserved", None))
    queue = esm.queue.create("q")
    mapping = await esm.map("f", queue, batch_size=1, enabled=False, **settings)
    esm.queue.send_many(queue, [str(i) for i in range(count)])
    await esm.mappings.update(mapping.uuid, enabled=True)
    await esm.spin()
    return queue, held


async def test_a_backlog_starts_with_five_concurrent_batches(esm: Harness) -> None:
    _, held = await _backlog(esm, 50)
    assert esm.functions.running == 5
    held.release.set()
    await esm.settle()
    assert len(esm.functions.calls) == 50
    assert esm.functions.peak == 5


async def test_concurrency_grows_while_messages_wait(esm: Harness) -> None:
    queue, held = await _backlog(esm, 50)
    assert esm.functions.running == 5
    await esm.tick(1)  # +300 a minute is +5 a second
    assert esm.functions.running == 10
    await esm.tick(9)  # 5 + 50: the whole backlog, inside the 30 s visibility timeout
    assert esm.functions.running == 50
    held.release.set()
    await esm.settle()
    assert esm.queue.bodies(queue) == []


async def test_maximum_concurrency_caps_batches_and_excess_messages_wait(esm: Harness) -> None:
    queue, held = await _backlog(esm, 20, maximum_concurrency=2)
    await esm.tick(20)
    assert esm.functions.running == 2
    assert len(esm.queue.visible(queue)) == 18
    held.release.set()
    await esm.settle()
    assert esm.functions.peak == 2
    assert len(esm.functions.calls) == 20
    # waiting messages were never received, so none used up a receive
    counts = {r["attributes"]["ApproximateReceiveCount"] for call in esm.functions.calls for r in call.event["Records"]}
    assert counts == {"1"}


async def test_reserved_concurrency_caps_batches(esm: Harness) -> None:
    queue, held = await _backlog(esm, 10, reserved=3)
    await esm.tick(20)
    assert esm.functions.running == 3
    held.release.set()
    await esm.settle()
    assert esm.functions.peak == 3
    assert esm.queue.bodies(queue) == []


async def test_zero_reserved_concurrency_makes_messages_wait_without_receiving(esm: Harness) -> None:
    esm.functions.add("f", ok, reserved=0)
    queue = esm.queue.create("q", dead_letter=None)
    await esm.map("f", queue)
    esm.queue.send_many(queue, ["a", "b"])
    await esm.settle()
    await esm.advance(3600)
    assert esm.functions.calls == []
    assert esm.queue.visible(queue) == ["a", "b"]
    assert esm.queue.receive_count(queue, "a") == 0
    esm.functions.reserve("f", None)
    esm.mappings.wake_blocked()
    await esm.settle()
    assert [b for call in esm.functions.calls for b in call.bodies] == ["a", "b"]


async def test_the_account_limit_is_shared_and_messages_wait_for_it() -> None:
    esm = Harness()
    esm.functions.governor = ConcurrencyGovernor(account_limit=2)
    await esm.start()
    try:
        other = Held()
        esm.functions.add("other", other)
        hog = [asyncio.ensure_future(esm.functions.invoke(esm.functions.functions["other"], b"{}")) for _ in range(2)]
        await asyncio.sleep(0)
        esm.functions.add("f", ok)
        queue = esm.queue.create("q")
        await esm.map("f", queue)
        esm.queue.send(queue, "waits")
        await esm.spin()
        assert esm.functions.calls_of("f") == []
        assert esm.queue.visible(queue) == ["waits"]
        other.release.set()
        await asyncio.gather(*hog)
        await esm.settle()
        assert [call.bodies for call in esm.functions.calls_of("f")] == [["waits"]]
    finally:
        await esm.close()


async def test_a_throttled_invoke_returns_the_batch_to_the_queue_at_once(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue)
    esm.functions.surprise_throttles = 1
    esm.queue.send(queue, "m")
    await esm.settle()
    assert (queue, 1, 0) in esm.queue.visibility_changes
    assert [call.bodies for call in esm.functions.calls] == [["m"]]
    assert esm.queue.bodies(queue) == []
