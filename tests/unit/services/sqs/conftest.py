"""An SQS service on a virtual clock over an in-memory store, for the unit tests beside this file."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.services.sqs import SqsService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def deliveries() -> DeliveryRegistry:
    return DeliveryRegistry()


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def sqs(store: Store, clock: VirtualClock, deliveries: DeliveryRegistry) -> AsyncIterator[SqsService]:
    service = SqsService(store, clock, deliveries)
    await service.start()
    yield service
    await service.close()
