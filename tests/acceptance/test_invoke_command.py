"""``triggerfish invoke``: the result on stdout, the function's log on stderr, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

CODE = Path(__file__).resolve().parents[1] / "fixtures" / "functions" / "cli"

pytestmark = pytest.mark.slow  # each test starts the command in a new process

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run(triggerfish_command: list[str], command_environment: dict[str, str]) -> Run:
    def invoke(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*triggerfish_command, "invoke", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=command_environment,
            timeout=120,
            check=False,
        )

    return invoke


def _event(tmp_path: Path, event: object) -> Path:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    return path


def test_result_on_stdout_and_log_on_stderr(run: Run, tmp_path: Path) -> None:
    done = run("--handler", "app.handler", "--code-dir", str(CODE), "--event", str(_event(tmp_path, {"name": "Ada"})))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"greeting": "hello Ada", "function": "app"}
    lines = done.stderr.splitlines()
    start = [line for line in lines if line.startswith("START RequestId: ")]
    assert len(start) == 1
    request_id = start[0].split()[2]
    assert start[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert f"END RequestId: {request_id}" in lines
    [report] = [line for line in lines if line.startswith("REPORT ")]
    assert report.startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert "\tInit Duration: " in report
    assert "hello from the handler" in lines
    assert any(re.fullmatch(rf"\[INFO\]\t\S+Z\t{request_id}\trequest {request_id}", line) for line in lines)
    assert "hello from the handler" not in done.stdout


def test_event_from_standard_input(run: Run) -> None:
    done = run("--handler", "app.handler", "--code-dir", str(CODE), "--event", "-", stdin='{"name": "stdin"}')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["greeting"] == "hello stdin"


def test_settings_and_environment_reach_the_function(run: Run, tmp_path: Path) -> None:
    done = run("--handler", "app.handler", "--code-dir", str(CODE), "--name", "greeter", "--memory", "256")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"greeting": "hello world", "function": "greeter"}
    assert "\tMemory Size: 256 MB\t" in done.stderr


def test_failing_handler_prints_the_error_document_and_exits_1(run: Run) -> None:
    done = run("--handler", "app.broken", "--code-dir", str(CODE))
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["errorType"] == "KeyError"
    assert document["errorMessage"] == "'name'"
    assert list(document) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert "[ERROR] KeyError: 'name'" in done.stderr
    assert "REPORT RequestId: " in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--timeout", "1000"],
            "triggerfish: 1 validation error detected: Value '1000' at 'timeout' failed to satisfy constraint: "
            "Member must have value less than or equal to 900",
        ),
        (["--event", "/definitely/not/here.json"], "triggerfish: event file not found: /definitely/not/here.json"),
        (["--memory", "64"], None),
        (["--runtime", "python2.7"], None),
    ],
)
def test_bad_input_is_one_line_on_stderr(run: Run, args: list[str], message: str | None) -> None:
    done = run("--handler", "app.handler", "--code-dir", str(CODE), *args)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("triggerfish: ")
    if message is not None:
        assert lines[0] == message
    assert "Traceback" not in done.stderr


def test_missing_code_directory(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    done = run("--handler", "app.handler", "--code-dir", str(missing))
    assert done.returncode == 1
    assert done.stderr == f"triggerfish: The code directory {missing} does not exist or is not a directory.\n"


def test_malformed_event(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    done = run("--handler", "app.handler", "--code-dir", str(CODE), "--event", str(path))
    assert done.returncode == 1
    assert done.stderr.startswith("triggerfish: Could not parse request body into json: ")
    assert len(done.stderr.splitlines()) == 1
