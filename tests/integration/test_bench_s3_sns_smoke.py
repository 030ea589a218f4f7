"""The S3 and SNS benchmarks run end to end in their short form and write their reports.

Only the shape of each report and the benchmarks' own invariants are checked (every delivery made,
every object read back whole), never a timing figure: timing targets live in ``bench/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_run import run_quick


@pytest.mark.slow
def test_s3_benchmark_quick_run(tmp_path: Path) -> None:
    report = run_quick("bench_s3.py", tmp_path / "s3.json")
    cases = report["upload_latency"]["cases"]
    assert list(cases) == ["Invoke (Event), boto3 over HTTP", "PutObject -> handler"]
    assert all(case["samples"] == report["upload_latency"]["samples"] for case in cases.values())
    assert cases["PutObject -> handler"]["baseline"] == "Invoke (Event), boto3 over HTTP"
    assert [row["case"] for row in report["throughput"]] == ["4 KB", "8 MB"]
    for row in report["throughput"]:
        assert row["s3"]["write"]["mb_per_second"] > 0 and row["raw"]["read"]["mb_per_second"] > 0
        assert row["put_ratio_to_raw_write"] > 0 and row["get_ratio_to_raw_read"] > 0


@pytest.mark.slow
def test_sns_benchmark_quick_run(tmp_path: Path) -> None:
    report = run_quick("bench_sns.py", tmp_path / "sns.json")
    rows = report["publish_to_sqs"]
    assert [row["case"] for row in rows] == [
        "SendMessage to one queue (baseline)",
        "Publish, 1 SQS subscriber",
        "Publish, 10 SQS subscribers",
    ]
    # every published message reached every subscriber
    assert [row["deliveries"] for row in rows] == [200, 200, 2000]
    assert all(row["deliveries_ratio_to_baseline"] > 0 for row in rows[1:])
