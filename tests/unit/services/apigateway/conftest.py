"""A REST API service on a virtual clock over an in-memory store, for the unit tests beside this file."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.lambda_.service import Scope
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def scope() -> Scope:
    return Scope()


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def service(store: Store, clock: VirtualClock) -> AsyncIterator[RestApiService]:
    made = RestApiService(store.documents, clock, base_url_getter=lambda: "http://127.0.0.1:4566")
    await made.start()
    yield made
    await made.close()
