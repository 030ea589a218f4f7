"""A write that has returned survives ``kill -9`` of the process that made it."""

from __future__ import annotations

import math
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import triggerfish
from triggerfish.store.sqlite import SQLiteStore

CHILD = Path(__file__).with_name("durability_child.py")
ANNOUNCED_BEFORE_KILL = 3000


def _child_environment() -> dict[str, str]:
    # The child must import this very checkout of triggerfish, installed or not.
    source = str(Path(triggerfish.__file__).resolve().parents[1])
    inherited = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": source if not inherited else os.pathsep.join([source, inherited])}


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
async def test_every_acknowledged_enqueue_survives_sigkill(tmp_path: Path) -> None:
    path = tmp_path / "triggerfish.db"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(path), "16"],
        stdout=subprocess.PIPE,
        env=_child_environment(),
    )
    assert child.stdout is not None
    announced: list[str] = []
    try:
        while len(announced) < ANNOUNCED_BEFORE_KILL:
            line = child.stdout.readline()
            assert line, f"the child stopped early with exit code {child.wait()}"
            announced.append(line.decode().rstrip("\n"))
        child.send_signal(signal.SIGKILL)
        rest = child.stdout.read().decode()
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    # A line cut off by the kill was never announced in full.
    announced.extend(rest.split("\n")[:-1])

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
