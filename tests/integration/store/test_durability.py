"""A write that has returned survives ``kill -9`` of the process that made it."""

from __future__ import annotations

import math
import sqlite3
import sys
from pathlib import Path

import pytest
from sigkill import announced_until_killed

from triggerfish.store.sqlite import SQLiteStore

CHILD = Path(__file__).with_name("durability_child.py")
ANNOUNCED_BEFORE_KILL = 3000


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
async def test_every_acknowledged_enqueue_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "triggerfish.db"
    announced = announced_until_killed([sys.executable, str(CHILD), str(path), "16"], ANNOUNCED_BEFORE_KILL)

    store = SQLiteStore(path)
    await store.open()
    try:
        stored = {event.id for event in await store.async_events.claim_due(math.inf, 10**9)}
        assert await store.async_events.count() == len(stored)
    finally:
        await store.close()
    missing = set(announced) - stored
    assert not missing, f"{len(missing)} acknowledged events were lost, e.g. {sorted(missing)[:5]}"

    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
