"""Timeouts and crashes: the error the caller sees, and the environment being replaced (spec §1.5)."""

from __future__ import annotations

import os
import select
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from invocation_harness import BASICS, unique

from triggerfish.cloud import Cloud


def _exits(pid: int, timeout: float = 30.0) -> bool:
    """Whether process ``pid`` has exited or does within ``timeout`` (woken by its pidfd, no polling)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


@pytest.mark.slow
def test_timeout_kills_the_environment_and_spares_other_functions(cloud: Cloud, tmp_path: Path) -> None:
    slow = unique("timeout")
    init_log = tmp_path / "init.log"
    cloud.create_function(
        slow, handler="app.stateful", code_dir=BASICS, timeout=1, environment={"INIT_LOG": str(init_log)}
    )
    other = unique("bystander")
    cloud.create_function(other, handler="app.counter", code_dir=BASICS)
    bystander = cloud.invoke(other, {}).json()
    assert isinstance(bystander, dict)
    warm = cloud.invoke(slow, {}).json()
    assert isinstance(warm, dict)

    scratch = tmp_path / "scratch.txt"
    announce = tmp_path / "announce"
    os.mkfifo(announce)
    announced = os.open(announce, os.O_RDONLY | os.O_NONBLOCK)
    event = {"announce": str(announce), "write": {"path": str(scratch), "text": "kept"}, "sleep": 30}
    with ThreadPoolExecutor(1) as pool:
        timing_out = pool.submit(cloud.invoke, slow, event)
        assert select.select([announced], [], [], 60)[0], "the slow invocation never started"
        os.close(announced)
        # while one function hangs, another one runs in its own environment
        during = cloud.invoke(other, {}).json()
        result = timing_out.result(60)

    assert result.status_code == 200
    assert result.function_error == "Unhandled"
    assert result.json() == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {result.request_id} Error: Task timed out after 1.00 seconds",
    }
    record = cloud.invocations_of(slow)[-1]
    assert record.error_type == "Sandbox.Timedout"
    assert f" {result.request_id} Task timed out after 1.00 seconds\n" in record.log
    assert "\tStatus: timeout" in record.log
    assert _exits(warm["pid"])

    # the next invocation is cold: a new process, init again, fresh globals, files kept
    after = cloud.invoke(slow, {"read": str(scratch)}).json()
    assert isinstance(after, dict)
    assert after["pid"] != warm["pid"]
    assert after["count"] == 1
    assert after["read"] == "kept"
    assert cloud.invocations_of(slow)[-1].cold
    assert init_log.read_text().split() == [str(warm["pid"]), str(after["pid"])]

    # the other function kept its warm environment throughout
    assert during == {"pid": bystander["pid"], "count": 2, "init_pid": bystander["pid"]}
    assert cloud.invoke(other, {}).json() == {"pid": bystander["pid"], "count": 3, "init_pid": bystander["pid"]}


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("exit3", "Runtime exited with error: exit status 3"),
        ("os_exit0", "Runtime exited without providing a reason"),
        ("sys_exit0", "Runtime exited without providing a reason"),
        ("sigkill", "Runtime exited with error: signal: killed"),
        ("segfault", "Runtime exited with error: signal: segmentation fault"),
    ],
)
def test_crash_is_a_runtime_exit_error_and_the_environment_is_replaced(cloud: Cloud, mode: str, reason: str) -> None:
    name = unique(f"crash-{mode}")
    cloud.create_function(name, handler="app.stateful", code_dir=BASICS)
    before = cloud.invoke(name, {}).json()
    assert isinstance(before, dict)

    result = cloud.invoke(name, {"crash": mode})
    assert result.status_code == 200
    assert result.function_error == "Unhandled"
    message = f"RequestId: {result.request_id} Error: {reason}"
    assert result.json() == {"errorType": "Runtime.ExitError", "errorMessage": message}
    record = cloud.invocations_of(name)[-1]
    assert record.error_type == "Runtime.ExitError"
    assert f"{message}\nRuntime.ExitError\n" in record.log
    assert "\tStatus: error\tError Type: Runtime.ExitError" in record.log
    assert _exits(before["pid"])

    after = cloud.invoke(name, {}).json()
    assert isinstance(after, dict)
    assert after["pid"] != before["pid"]
    assert after["count"] == 1
    assert cloud.invocations_of(name)[-1].cold


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("import sys\nsys.exit(2)\n", "Runtime exited with error: exit status 2"),
        ("import os\nos._exit(0)\n", "Runtime exited without providing a reason"),
    ],
)
def test_exit_during_init_is_a_runtime_exit_error(cloud: Cloud, tmp_path: Path, source: str, reason: str) -> None:
    (tmp_path / "exits.py").write_text(source + "\n\ndef handler(event, context):\n    return 1\n")
    name = unique("init-exit")
    cloud.create_function(name, handler="exits.handler", code_dir=tmp_path)
    for _ in range(2):  # every invocation tries init again, in a new environment
        result = cloud.invoke(name, {})
        assert result.function_error == "Unhandled"
        assert result.json() == {
            "errorType": "Runtime.ExitError",
            "errorMessage": f"RequestId: {result.request_id} Error: {reason}",
        }
    assert [r.cold for r in cloud.invocations_of(name)] == [True, True]


@pytest.mark.slow
def test_init_longer_than_the_init_limit_and_the_timeout_times_out(cloud: Cloud, tmp_path: Path) -> None:
    (tmp_path / "slow_init.py").write_text(
        "import time\n\ntime.sleep(12)\n\n\ndef handler(event, context):\n    return 'initialised'\n"
    )
    name = unique("slow-init")
    cloud.create_function(name, handler="slow_init.handler", code_dir=tmp_path, timeout=1)
    result = cloud.invoke(name, {})
    assert result.function_error == "Unhandled"
    assert result.json() == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {result.request_id} Error: Task timed out after 1.00 seconds",
    }
