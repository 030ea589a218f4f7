"""An asynchronous invocation acknowledged with 202 runs even if the server is killed right after."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sigkill import announced_until_killed

import triggerfish

CHILD = Path(__file__).with_name("async_durability_child.py")
SUBMITTED = 12
KILL_AFTER = 6


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_accepted_events_survive_sigkill_of_the_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    output = tmp_path / "ran.txt"
    output.touch()
    announced = announced_until_killed(
        [sys.executable, str(CHILD), str(data_dir), str(output), str(SUBMITTED)], KILL_AFTER
    )
    assert len(announced) >= KILL_AFTER

    with triggerfish.local(data_dir=data_dir, port=None) as cloud:
        # the function came back from the store, and so did every accepted event
        assert cloud.get_function("recorder").environment == {"OUTPUT": str(output)}
        cloud.settle(timeout=60)
        assert cloud.run(cloud.app.lambda_.queue.count()) == 0
    ran = output.read_text().split()
    missing = set(announced) - set(ran)
    assert not missing, f"{len(missing)} accepted invocations never ran: {sorted(missing)}"
