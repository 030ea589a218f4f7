"""The DynamoDB and Kinesis benchmarks run end to end in their short form and write their reports.

Only the shape of each report and the benchmarks' own invariants are checked (every record handed to the
function, every operation answered), never a timing figure: timing targets live in ``bench/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

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


@pytest.mark.slow
def test_dynamodb_benchmark_quick_run(tmp_path: Path) -> None:
    report = run_quick("bench_dynamodb.py", tmp_path / "dynamodb.json")
    assert [row["operation"] for row in report["operations"]] == ["PutItem", "GetItem", "Query"]
    assert all(row["per_second"] > 0 and row["raw_sqlite_per_second"] > 0 for row in report["operations"])
    cases = report["stream_latency"]["cases"]
    assert list(cases) == ["Invoke (Event), boto3 over HTTP", "PutItem -> stream handler"]
    assert all(case["samples"] == report["stream_latency"]["samples"] for case in cases.values())


@pytest.mark.slow
def test_kinesis_benchmark_quick_run(tmp_path: Path) -> None:
    report = run_quick("bench_kinesis.py", tmp_path / "kinesis.json")
    cases = report["cases"]
    assert list(cases) == ["SQS mapping (baseline)", "Kinesis mapping"]
    # every record reached the function, none twice
    assert [case["delivered"] for case in cases.values()] == [4000, 4000]
    assert cases["Kinesis mapping"]["ratio_to_baseline"] > 0
