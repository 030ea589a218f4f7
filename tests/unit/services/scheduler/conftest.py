"""Fixtures for the Scheduler unit tests: a rig in memory, and one on a store file that survives restarts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from scheduler_rig import START, Rig

from triggerfish.core.clock import VirtualClock


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(start=START)


@pytest.fixture
async def rig(clock: VirtualClock) -> AsyncIterator[Rig]:
    running = Rig(clock, None)
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def durable_rig(clock: VirtualClock, tmp_path: Path) -> AsyncIterator[Rig]:
    running = Rig(clock, tmp_path / "data")
    await running.start()
    yield running
    await running.stop()
