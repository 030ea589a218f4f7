"""Backends every store contract test runs against (see :mod:`.backends`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

from .backends import Backend


@pytest.fixture(params=["sqlite-file", "sqlite-memory"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite-file":
        return Backend(request.param, lambda: open_store(tmp_path / "data"), persistent=True)
    return Backend(request.param, lambda: open_store(None), persistent=False)


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Store]:
    store = backend.make()
    await store.open()
    yield store
    await store.close()
