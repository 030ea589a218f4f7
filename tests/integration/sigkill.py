"""Run a child that announces what it got acknowledged, and SIGKILL it part-way (durability tests)."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import triggerfish


def child_environment() -> dict[str, str]:
    # the child must import this very checkout of triggerfish, installed or not
    source = str(Path(triggerfish.__file__).resolve().parents[1])
    inherited = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": source if not inherited else os.pathsep.join([source, inherited])}


def announced_until_killed(argv: list[str], kill_after: int) -> list[str]:
    """Start ``argv``, read one announced id per line, SIGKILL it after ``kill_after`` lines and
    return every line it announced in full (a line cut off by the kill was never announced)."""
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, env=child_environment())
    assert child.stdout is not None
    announced: list[str] = []
    try:
        while len(announced) < kill_after:
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
    announced.extend(rest.split("\n")[:-1])
    return announced
