"""Acceptance tests run the ``triggerfish`` command as a user would, in a subprocess."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import triggerfish


@pytest.fixture(scope="session")
def triggerfish_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m triggerfish``."""
    script = Path(sys.executable).with_name("triggerfish")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "triggerfish"]


@pytest.fixture(scope="session")
def command_environment() -> dict[str, str]:
    # the subprocess must import this very checkout of triggerfish, installed or not
    source = str(Path(triggerfish.__file__).resolve().parents[1])
    inherited = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": source if not inherited else os.pathsep.join([source, inherited])}
