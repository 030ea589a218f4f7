"""What SendMessage and DeleteMessage acknowledged survives ``kill -9`` of the server."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from sigkill import announced_until_killed

from triggerfish.core.clock import SystemClock
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.models import OutgoingMessage
from triggerfish.store.factory import SQLITE_FILENAME, open_store

CHILD = Path(__file__).with_name("sqs_durability_child.py")
KILL_AFTER = 3000


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
async def test_acknowledged_sends_and_deletes_survive_sigkill(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    announced = announced_until_killed([sys.executable, str(CHILD), str(data_dir), "8"], KILL_AFTER)
    sent = {line.split()[1] for line in announced if line.startswith("+ ")}
    deleted = {line.split()[1] for line in announced if line.startswith("- ")}
    deleting = {line.split()[1] for line in announced if line.startswith("? ")}
    deduplicated = {line.split()[1]: line.split()[2] for line in announced if line.startswith("f ")}
    assert sent and deleted and deduplicated

    store = open_store(data_dir)
    await store.open()
    service = SqsService(store, SystemClock())
    try:
        await service.start()
        url = service.get_queue_url("q")
        stored = set(service.resolve(url).messages)
        # a delete under way when the child died may or may not have happened
        lost = sent - deleting - stored
        assert not lost, f"{len(lost)} acknowledged messages were lost, e.g. {sorted(lost)[:5]}"
        revived = deleted & stored
        assert not revived, f"{len(revived)} acknowledged deletes came back, e.g. {sorted(revived)[:5]}"
        # FIFO deduplication ids survive too: sending one again answers with the original message
        fifo = service.get_queue_url("f.fifo")
        for dedup, message_id in list(deduplicated.items())[:20]:
            again = await service.send_message(fifo, OutgoingMessage("x", group_id="any", deduplication_id=dedup))
            assert again.message_id == message_id
    finally:
        await service.close()
        await store.close()

    conn = sqlite3.connect(data_dir / SQLITE_FILENAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
