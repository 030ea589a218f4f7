"""A CloudWatch Logs service on a virtual clock over an in-memory store, with a recording Lambda
destination, for the unit tests beside this file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from logs_fakes import RecordingLambda

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.logs import LogsService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def tracker() -> WorkTracker:
    return WorkTracker()


@pytest.fixture
def lambdas() -> RecordingLambda:
    return RecordingLambda()


@pytest.fixture
def deliveries(lambdas: RecordingLambda) -> DeliveryRegistry:
    registry = DeliveryRegistry()
    registry.register("lambda", lambdas)
    return registry


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def logs(
    store: Store, clock: VirtualClock, deliveries: DeliveryRegistry, tracker: WorkTracker
) -> AsyncIterator[LogsService]:
    service = LogsService(store, clock, deliveries, tracker)
    await service.start()
    await service.ready()
    yield service
    await service.close()


@pytest.fixture
def settle(tracker: WorkTracker) -> Callable[[], Awaitable[None]]:
    """Wait until the service's background work (stores, deliveries) is done."""

    async def wait() -> None:
        for _ in range(1000):
            await asyncio.sleep(0)
            if tracker.in_flight == 0:
                return
            await tracker.wait_changed(0.05)
        raise AssertionError("background work never finished")

    return wait
