"""How long ``triggerfish up`` takes to be ready on the example app, beside baselines in the same run.

For each case the command is started in a new process; "ready" is when the summary's last line is
printed and "answering" when the AWS endpoint has answered a ``GetFunction`` for one of the app's
functions. Baselines: a bare ``python -c pass`` (interpreter start-up) and ``triggerfish serve``
(the local cloud without an app) until its health check answers.

Cases: the serverless.yml form; the SAM form on a first run (the translator is imported and run) and
on later runs (its output is cached in the data directory); a restart of the serverless.yml form on
its kept state (nothing to create).

    python bench/bench_up.py [--runs N] [--out bench/results/up.json]
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from stats import machine, print_table, write_json

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "orders"
RESULTS = Path(__file__).parent / "results" / "up.json"
COMMAND = [sys.executable, "-m", "triggerfish"]
TARGET_SECONDS = 2.0


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(port: int, path: str) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        auth = (
            "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0"
        )
        connection.request("GET", path, headers={"Authorization": auth})
        status = connection.getresponse().status
        connection.close()
        return status == 200
    except OSError:
        return False


def _time_command(argv: list[str], ready_text: str | None, port: int, path: str) -> tuple[float, float]:
    """(seconds until ``ready_text`` is printed, seconds until ``path`` answers 200)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL
    )
    assert process.stdout is not None
    ready = answering = float("nan")
    try:
        if ready_text is not None:
            for line in process.stdout:
                if ready_text in line:
                    ready = time.perf_counter() - started
                    break
            else:
                raise RuntimeError(f"{argv} exited before it was ready")
        while not _answers(port, path):
            if process.poll() is not None:
                raise RuntimeError(f"{argv} exited ({process.returncode})")
            time.sleep(0.005)
        answering = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(30)
        process.stdout.close()
    return ready, answering


def _python_start() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def _case(name: str, runs: int, make_argv: Any, ready_text: str | None, path: str, fresh: Any = None) -> dict[str, Any]:
    ready: list[float] = []
    answering: list[float] = []
    for _ in range(runs):
        if fresh is not None:
            fresh()
        port = _port()
        first, second = _time_command(make_argv(port), ready_text, port, path)
        ready.append(first)
        answering.append(second)
    return {
        "case": name,
        "runs": runs,
        "ready_median_s": statistics.median(ready) if ready_text else None,
        "answering_median_s": statistics.median(answering),
        "answering_max_s": max(answering),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="triggerfish-bench-up-"))
    app = work / "orders"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns(".triggerfish", "__pycache__"))
    state = app / ".triggerfish"
    serve_dir = work / "serve"

    def clean() -> None:
        shutil.rmtree(state, ignore_errors=True)

    def clean_sam_cache_kept() -> None:
        for path in state.glob("*"):
            if path.name != "cache":
                shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()

    function = "/2015-03-31/functions/orders-dev-place"
    try:
        python = statistics.median(_python_start() for _ in range(args.runs))
        cases = [
            _case(
                "triggerfish serve (no app)",
                args.runs,
                lambda port: [*COMMAND, "serve", "--port", str(port), "--data-dir", str(serve_dir)],
                None,
                "/_triggerfish/health",
                fresh=lambda: shutil.rmtree(serve_dir, ignore_errors=True),
            ),
            _case(
                "up serverless.yml, fresh state",
                args.runs,
                lambda port: [*COMMAND, "up", str(app), "--port", str(port), "--no-watch"],
                "ready in",
                function,
                fresh=clean,
            ),
            _case(
                "up serverless.yml, restart on kept state",
                args.runs,
                lambda port: [*COMMAND, "up", str(app), "--port", str(port), "--no-watch"],
                "ready in",
                function,
            ),
            _case(
                "up SAM template, first run (translator)",
                args.runs,
                lambda port: [*COMMAND, "up", str(app / "template.yaml"), "--port", str(port), "--no-watch"],
                "ready in",
                "/2015-03-31/functions/",
                fresh=clean,
            ),
            _case(
                "up SAM template, translation cached",
                args.runs,
                lambda port: [*COMMAND, "up", str(app / "template.yaml"), "--port", str(port), "--no-watch"],
                "ready in",
                "/2015-03-31/functions/",
                fresh=clean_sam_cache_kept,
            ),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    serve = cases[0]["answering_median_s"]
    rows: list[tuple[object, ...]] = [("python -c pass", "-", f"{python:.3f}", f"{python / serve:.2f}", "-")]
    for case in cases:
        answering = case["answering_median_s"]
        rows.append(
            (
                case["case"],
                f"{case['ready_median_s']:.3f}" if case["ready_median_s"] is not None else "-",
                f"{answering:.3f}",
                f"{answering / serve:.2f}",
                "yes" if case["answering_max_s"] < TARGET_SECONDS or case is cases[0] else "NO",
            )
        )
    print_table(
        f"triggerfish up readiness (median of {args.runs} runs, seconds; target < {TARGET_SECONDS:g} s)",
        ["case", "summary printed", "endpoint answering", "x serve", f"max < {TARGET_SECONDS:g} s"],
        rows,
    )
    report = {
        "machine": machine("uvloop"),
        "target_seconds": TARGET_SECONDS,
        "python_start_s": python,
        "cases": cases,
    }
    print(f"\nwrote {write_json(args.out, report)}")


if __name__ == "__main__":
    main()
