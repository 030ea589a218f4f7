"""An HTTP API service on a virtual clock over an in-memory store, for the unit tests beside this file.
This directory is on ``sys.path``, so tests import ``apigwv2_values`` and ``apigwv2_sam``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def service(store: Store, clock: VirtualClock) -> AsyncIterator[HttpApiService]:
    made = HttpApiService(store.documents, clock, base_url_getter=lambda: "http://127.0.0.1:4566")
    await made.start()
    yield made
    await made.close()
