"""The clocks: the virtual one moves only when advanced and wakes sleepers in due order."""

from __future__ import annotations

import asyncio
import time

import pytest

from triggerfish.core.clock import SystemClock, VirtualClock


async def test_virtual_clock_starts_at_a_fixed_time_and_stands_still() -> None:
    clock = VirtualClock()
    assert clock.now() == 1_700_000_000.0
    await asyncio.sleep(0)
    assert clock.now() == 1_700_000_000.0
    assert VirtualClock(start=5.0).now() == 5.0
    assert clock.is_virtual
    assert not SystemClock().is_virtual


async def test_sleepers_wake_in_due_order_with_the_clock_at_their_time() -> None:
    clock = VirtualClock(start=0.0)
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, when: float) -> None:
        await clock.sleep_until(when)
        woke.append((name, clock.now()))

    tasks = [asyncio.ensure_future(sleeper(name, when)) for name, when in (("c", 30), ("a", 10), ("b", 20), ("a2", 10))]
    await asyncio.sleep(0)
    assert clock.next_wakeup() == 10
    await clock.advance(25)
    assert woke == [("a", 10), ("a2", 10), ("b", 20)]
    assert clock.now() == 25
    await clock.advance(5)
    assert woke[-1] == ("c", 30)
    await asyncio.gather(*tasks)
    assert clock.next_wakeup() is None


async def test_timer_at_exactly_the_target_fires() -> None:
    clock = VirtualClock(start=0.0)
    task = asyncio.ensure_future(clock.sleep_until(60))
    await clock.advance(59.9)
    assert not task.done()
    await clock.advance(0.1)
    assert task.done()


async def test_work_started_by_one_wakeup_can_schedule_timers_inside_the_same_advance() -> None:
    clock = VirtualClock(start=0.0)
    times: list[float] = []

    async def chain() -> None:
        for _ in range(3):
            await clock.sleep_until(clock.now() + 60)
            times.append(clock.now())

    task = asyncio.ensure_future(chain())
    await clock.advance(150)
    assert times == [60, 120]
    await clock.advance(30)
    assert times == [60, 120, 180]
    await task


async def test_sleeping_until_the_past_returns_at_once() -> None:
    clock = VirtualClock(start=100.0)
    await asyncio.wait_for(clock.sleep_until(50), 1)
    await asyncio.wait_for(clock.sleep_until(100), 1)
    assert clock.now() == 100.0


async def test_cancelled_sleepers_are_skipped() -> None:
    clock = VirtualClock(start=0.0)
    cancelled = asyncio.ensure_future(clock.sleep_until(10))
    kept = asyncio.ensure_future(clock.sleep_until(20))
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.sleep(0)
    assert clock.next_wakeup() == 20
    await clock.advance(20)
    assert kept.done()
    assert cancelled.cancelled()


async def test_set_moves_to_a_moment_and_never_back() -> None:
    clock = VirtualClock(start=0.0)
    await clock.set(500)
    assert clock.now() == 500
    await clock.set(100)
    assert clock.now() == 500


async def test_a_clock_cannot_go_backwards() -> None:
    with pytest.raises(ValueError, match="backwards"):
        await VirtualClock().advance(-1)


async def test_system_clock_reads_the_wall_clock() -> None:
    clock = SystemClock()
    before = time.time()
    now = clock.now()
    assert before <= now <= time.time()
    await asyncio.wait_for(clock.sleep_until(now - 1), 1)  # a moment already past returns at once
