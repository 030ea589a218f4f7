"""The ticker fires timers at or after their due time, in due order, on the virtual clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.ticker import Ticker

Fired = list[tuple[str, float, float]]
Ticking = tuple[Ticker, VirtualClock, Fired]


@pytest.fixture
async def ticking() -> AsyncIterator[Ticking]:
    clock = VirtualClock(start=1000.0)
    ticker = Ticker(clock, WorkTracker())
    await ticker.start()
    yield ticker, clock, []
    await ticker.close()


def recorder(fired: Fired, name: str, clock: VirtualClock) -> Callable[[float], Awaitable[None]]:
    async def fire(due: float) -> None:
        fired.append((name, due, clock.now()))

    return fire


async def test_timers_fire_in_due_order_never_early(ticking: Ticking) -> None:
    ticker, clock, fired = ticking
    ticker.set("b", 1020.0, recorder(fired, "b", clock))
    ticker.set("a", 1010.0, recorder(fired, "a", clock))
    await clock.advance(15)
    assert fired == [("a", 1010.0, 1010.0)]
    await clock.advance(15)
    assert fired[1] == ("b", 1020.0, 1020.0)


async def test_a_following_timer_fires_every_period_within_one_advance(ticking: Ticking) -> None:
    ticker, clock, fired = ticking

    async def slow(due: float) -> None:
        await asyncio.to_thread(lambda: None)  # a store write, say: real time passes
        fired.append(("r", due, 0.0))

    ticker.set("r", 1060.0, slow, following=lambda due: due + 60.0)
    await clock.advance(3600)
    await asyncio.sleep(0.05)
    assert [due for _, due, _ in fired] == [1000.0 + 60.0 * n for n in range(1, 61)]
    assert ticker.due_of("r") == 1000.0 + 3660.0


async def test_set_replaces_and_cancel_removes(ticking: Ticking) -> None:
    ticker, clock, fired = ticking
    ticker.set("a", 1010.0, recorder(fired, "a", clock))
    ticker.set("a", 1030.0, recorder(fired, "a2", clock))
    ticker.set("c", 1020.0, recorder(fired, "c", clock))
    ticker.cancel("c")
    await clock.advance(40)
    assert [name for name, _, _ in fired] == ["a2"]
    assert len(ticker) == 0


async def test_ties_fire_in_the_order_set(ticking: Ticking) -> None:
    ticker, clock, fired = ticking
    for name in "xyz":
        ticker.set(name, 1005.0, recorder(fired, name, clock))
    await clock.advance(5)
    assert [name for name, _, _ in fired] == ["x", "y", "z"]


async def test_only_due_timers_count_as_pending_work(ticking: Ticking) -> None:
    ticker, clock, _ = ticking
    ticker.set("later", 2000.0, recorder([], "later", clock))
    assert ticker.next_due() is None


async def test_a_failing_callback_does_not_stop_the_ticker(ticking: Ticking) -> None:
    ticker, clock, fired = ticking

    async def boom(due: float) -> None:
        raise RuntimeError("bug")

    ticker.set("bad", 1001.0, boom)
    ticker.set("good", 1002.0, recorder(fired, "good", clock))
    await clock.advance(5)
    assert [name for name, _, _ in fired] == ["good"]
