"""Runs one benchmark of ``bench/`` in its short form (``--quick``) and returns the report it wrote."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench"


def run_quick(script: str, out: Path) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
        cwd=BENCH,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert report["quick"] is True and report["machine"]["loop"] == "uvloop"
    return report
