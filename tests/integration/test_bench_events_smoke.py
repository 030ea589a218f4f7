"""The EventBridge benchmark runs end to end in its short form and writes its report.

Only the shape of the report and the benchmark's own invariants are checked (every schedule fired,
none early), never a timing figure: timing targets live in ``bench/``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_events.py"
SUMMARY_KEYS = {"samples", "p50_ms", "p99_ms", "mean_ms", "min_ms", "max_ms"}
LATENESS_KEYS = {"fires", "early", "p50_ms", "p99_ms", "max_ms", "min_ms"}


@pytest.mark.slow
def test_events_benchmark_quick_run(tmp_path: Path) -> None:
    out = tmp_path / "events.json"
    completed = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
        cwd=BENCH.parent,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report.keys() >= {"machine", "load", "quick", "aims", "trigger_latency", "fanout", "schedule_lateness"}
    assert report["quick"] is True
    assert report["machine"]["loop"] == "uvloop"

    cases = report["trigger_latency"]["cases"]
    assert list(cases) == [
        "Invoke (Event), service call",
        "PutEvents, service call",
        "Invoke (Event), boto3 over HTTP",
        "PutEvents, boto3 over HTTP",
    ]
    for name, row in cases.items():
        assert row.keys() >= SUMMARY_KEYS and row["samples"] == report["trigger_latency"]["samples"]
        if name.startswith("PutEvents"):
            assert row["baseline"] == name.replace("PutEvents", "Invoke (Event)")
            assert row["ratio_p50_to_baseline"] > 0

    fanout = report["fanout"]
    assert [row["rules"] for row in fanout["cases"]] == [1, 1000]
    assert [row["rules"] for row in fanout["raw_match"]] == [1, 1000]
    one, many = fanout["cases"]
    assert one["matches_per_event"] == 1.0
    assert 1.0 <= many["matches_per_event"] <= 3.0
    for row in fanout["cases"]:
        assert row["accepted_per_second"] > 0 and row["deliveries_per_second"] > 0

    runs = report["schedule_lateness"]
    assert [run["case"] for run in runs] == ["bursts, under load", "bursts, no load", "one a second, under load"]
    assert [run["load_events_per_second"] > 0 for run in runs] == [True, False, True]
    for run in runs:
        for key in ("schedules_late", "first_of_each_second_late", "asyncio_sleep_late"):
            assert run[key].keys() >= LATENESS_KEYS
        assert run["schedules_late"]["fires"] == run["schedules"]
        assert run["first_of_each_second_late"]["fires"] == run["seconds"]
        # a schedule never fires before its time (the floor's timers may, by the loop's rounding)
        assert run["schedules_late"]["early"] == 0
