"""The CloudWatch Logs, SES and moto fallback benchmark runs end to end in its short form and writes its
report. Only the report's shape is checked, never a timing figure: timing targets live in ``bench/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_run import run_quick


@pytest.mark.slow
def test_logs_ses_benchmark_quick_run(tmp_path: Path) -> None:
    report = run_quick("bench_logs_ses.py", tmp_path / "logs_ses.json")
    cases = report["cases"]
    groups = {name.split(":")[0] for name in cases}
    assert groups == {"invoke", "live", "write", "read", "arrival"}
    # each measured case stands beside the baseline of its group, and every sample was taken
    assert sum("ratio_to_baseline" in case for case in cases.values()) == 5
    assert all(case["samples"] > 0 and case["p50_ms"] > 0 for case in cases.values())
