"""The DynamoDB and Kinesis benchmarks run end to end in their short form and write their reports.

Only the shape of each report and the benchmarks' own invariants are checked (every record handed to the
function, every operation answered), never a timing figure: timing targets live in ``bench/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_run import run_quick


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
