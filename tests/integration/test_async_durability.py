"""An asynchronous invocation acknowledged with 202 runs even if the server is killed right after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import triggerfish

CHILD = Path(__file__).with_name("async_durability_child.py")
SUBMITTED = 12
KILL_AFTER = 6


def _child_environment() -> dict[str, str]:
    # the child must import this very checkout of triggerfish, installed or not
    source = str(Path(triggerfish.__file__).resolve().parents[1])
    inherited = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": source if not inherited else os.pathsep.join([source, inherited])}


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_accepted_events_survive_sigkill_of_the_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    output = tmp_path / "ran.txt"
    output.touch()
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(data_dir), str(output), str(SUBMITTED)],
        stdout=subprocess.PIPE,
        env=_child_environment(),
    )
    assert child.stdout is not None
    announced: list[str] = []
    try:
        while len(announced) < KILL_AFTER:
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
    announced.extend(rest.split("\n")[:-1])  # a line cut off by the kill was never announced in full
    assert len(announced) >= KILL_AFTER

    with triggerfish.local(data_dir=data_dir, port=None) as cloud:
        # the function came back from the store, and so did every accepted event
        assert cloud.get_function("recorder").environment == {"OUTPUT": str(output)}
        cloud.settle(timeout=60)
        assert cloud.run(cloud.app.lambda_.queue.count()) == 0
    ran = output.read_text().split()
    missing = set(announced) - set(ran)
    assert not missing, f"{len(missing)} accepted invocations never ran: {sorted(missing)}"
