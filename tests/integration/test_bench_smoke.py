"""The invoke benchmark runs end to end in its short form and writes its report.

Only the shape of the report is checked, never a figure: timing targets live in ``bench/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_invoke.py"

WARM_CASES = {
    ("direct call of the handler", 1),
    ("raw socketpair round trip", 1),
    ("raw socketpair round trip", 2),
    ("EnvironmentPool.invoke", 1),
    ("EnvironmentPool.invoke", 2),
    ("LambdaService.invoke", 1),
    ("LambdaService.invoke", 2),
}
LATENCY_KEYS = {"samples", "p50_us", "p99_us", "mean_us", "min_us", "max_us"}


@pytest.mark.slow
def test_quick_run_exits_cleanly_and_writes_its_report(tmp_path: Path) -> None:
    out = tmp_path / "invoke.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]

    report = json.loads(out.read_text(encoding="utf-8"))
    assert {"benchmark", "quick", "machine", "load", "warm", "cold", "async_events"} <= report.keys()
    assert report["quick"] is True
    assert report["machine"]["loop"] == "uvloop"

    warm = report["warm"]
    assert {"baselines", "cases", "aim_p50_us", "aim_met", "load"} <= warm.keys()
    assert {(row["case"], row["callers"]) for row in warm["cases"]} == WARM_CASES
    for row in warm["cases"]:
        assert (
            LATENCY_KEYS | {"overhead_p50_us", "overhead_p99_us", "ratio_p50_to_raw", "ratio_p99_to_raw"} <= row.keys()
        )

    cold = report["cold"]
    assert {"baseline", "cases", "aim_p50_ms", "aim_met", "load"} <= cold.keys()
    assert len(cold["cases"]) == 3
    for row in cold["cases"]:
        assert LATENCY_KEYS | {"ratio_p50_to_interpreter", "ratio_p99_to_interpreter"} <= row.keys()

    events = report["async_events"]
    assert {
        "baseline",
        "cases",
        "acknowledged_per_second",
        "executed_per_second",
        "submitted",
        "executed",
        "settled",
        "ack_latency",
        "warnings_logged",
        "aim_met",
        "load",
    } <= events.keys()
    for row in events["cases"]:
        assert {"case", "events", "seconds", "per_second", "ratio_to_raw"} <= row.keys()


@pytest.mark.slow
def test_up_benchmark_runs_every_case_once(tmp_path: Path) -> None:
    out = tmp_path / "up.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH.with_name("bench_up.py")), "--runs", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert {"machine", "target_seconds", "python_start_s", "cases"} <= report.keys()
    assert [case["case"] for case in report["cases"]] == [
        "triggerfish serve (no app)",
        "up serverless.yml, fresh state",
        "up serverless.yml, restart on kept state",
        "up SAM template, first run (translator)",
        "up SAM template, translation cached",
    ]
    for case in report["cases"]:
        assert case["runs"] == 1 and case["answering_median_s"] > 0


@pytest.mark.slow
def test_sqs_benchmark_quick_run(tmp_path: Path) -> None:
    out = tmp_path / "sqs.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH.with_name("bench_sqs.py")), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [case["batch_size"] for case in report["throughput"]] == [1, 10, 100]
    for case in report["throughput"]:
        assert {"messages", "seconds", "per_second", "raw_sqlite_per_second", "ratio_to_raw"} <= case.keys()
    assert {"samples", "p50_ms", "p99_ms"} <= report["idle_latency"].keys()


@pytest.mark.slow
def test_http_benchmark_quick_run(tmp_path: Path) -> None:
    out = tmp_path / "http.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH.with_name("bench_http.py")), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    cases = [(row["case"], row["connections"]) for row in report["results"]]
    assert cases == [
        ("bare uvicorn 'ok' (baseline)", 1),
        ("bare uvicorn 'ok' (baseline)", 64),
        ("HTTP API -> Lambda handler", 1),
        ("HTTP API -> Lambda handler", 64),
    ]
    for row in report["results"]:
        assert row["requests"] > 0 and row["statuses"] == {"200": row["requests"]}
