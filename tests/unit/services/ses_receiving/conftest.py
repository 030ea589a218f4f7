"""Fixtures of the receiving tests: an in-memory store, opened and closed around each test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    store = open_store(None)
    await store.open()
    yield store
    await store.close()
