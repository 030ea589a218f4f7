"""``triggerfish logs`` as a user runs it: a real CLI process reading a CloudWatch Logs endpoint."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from logs_endpoint import LogsEndpoint

STREAM = "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LogsEndpoint]:
    thread = LogsEndpoint()
    logs = thread.logs()
    for name in ("svc-dev-hello", "svc-dev-orders"):
        logs.create_log_group(logGroupName=f"/aws/lambda/{name}")
        logs.create_log_stream(logGroupName=f"/aws/lambda/{name}", logStreamName=STREAM)
    logs.create_log_group(logGroupName="/custom/other")
    logs.create_log_stream(logGroupName="/custom/other", logStreamName="s")
    now = int(time.time() * 1000)
    thread.put("/aws/lambda/svc-dev-hello", STREAM, "START RequestId: r1\n", timestamp=now - 3000)
    thread.put("/aws/lambda/svc-dev-orders", STREAM, "ERROR order failed\n", timestamp=now - 2000)
    thread.put("/aws/lambda/svc-dev-hello", STREAM, "line one\rline two\n", timestamp=now - 1000)
    thread.put("/custom/other", "s", "not a function", timestamp=now - 1000)
    yield thread
    thread.close()


def _env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "TRIGGERFISH_ENDPOINT")}
    env.update(NO_COLOR="1", PYTHONUNBUFFERED="1", **extra)
    return env


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "triggerfish", "logs", *args],
        capture_output=True,
        text=True,
        env=_env(**env),
        timeout=60,
        check=False,
    )


def test_prints_one_function_by_its_short_name(endpoint: LogsEndpoint) -> None:
    result = _run("hello", "--endpoint", endpoint.url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("svc-dev-hello │ 20") and f" {STREAM} " in line for line in lines)
    assert [line.rsplit(f"{STREAM} ", 1)[1] for line in lines] == ["START RequestId: r1", "line one", "line two"]


def test_prints_every_function_in_time_order(endpoint: LogsEndpoint) -> None:
    result = _run(TRIGGERFISH_ENDPOINT=endpoint.url)
    assert result.returncode == 0, result.stderr
    names = [line.split(" │ ")[0].strip() for line in result.stdout.splitlines()]
    assert names == ["svc-dev-hello", "svc-dev-orders", "svc-dev-hello", "svc-dev-hello"]
    assert "not a function" not in result.stdout


def test_filter_and_since(endpoint: LogsEndpoint) -> None:
    result = _run("--filter", "ERROR", "--endpoint", endpoint.url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith("ERROR order failed")
    assert len(result.stdout.splitlines()) == 1
    assert _run("--since", "2099-01-01T00:00:00", "--endpoint", endpoint.url).stdout == ""
    bad = _run("--since", "yesterday", "--endpoint", endpoint.url)
    assert bad.returncode == 1 and "--since" in bad.stderr


def test_unknown_function_and_bad_pattern(endpoint: LogsEndpoint) -> None:
    missing = _run("nope", "--endpoint", endpoint.url)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "triggerfish: no logs for 'nope' yet (no log group /aws/lambda/nope)"
    broken = _run("--filter", '{ $.a = "x" ', "--endpoint", endpoint.url)
    assert broken.returncode == 1
    assert broken.stderr.strip() == "triggerfish: InvalidParameterException: Invalid filter pattern"


def test_nothing_listening_is_one_line() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = _run("--endpoint", f"http://127.0.0.1:{port}")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(f"triggerfish: no app answers at http://127.0.0.1:{port}")


def test_follow_prints_new_events(endpoint: LogsEndpoint) -> None:
    command = [sys.executable, "-m", "triggerfish", "logs", "orders", "--follow", "--endpoint", endpoint.url]
    process = subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process, lines), daemon=True).start()
    try:
        assert lines.get(timeout=60).rstrip().endswith("ERROR order failed")
        for word in ("one", "two"):
            endpoint.put("/aws/lambda/svc-dev-orders", STREAM, f"new {word}\n")
            assert lines.get(timeout=30).rstrip().endswith(f"new {word}")
    finally:
        process.terminate()
        process.wait(10)
        assert process.stdout is not None
        process.stdout.close()


def _read_lines(process: subprocess.Popen[str], lines: queue.Queue[Any]) -> None:
    assert process.stdout is not None
    try:
        for line in process.stdout:
            lines.put(line)
    except (ValueError, OSError):
        pass  # closed when the test ends
