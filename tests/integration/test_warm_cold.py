"""Warm and cold starts: what an execution environment keeps between invocations (spec §8)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from invocation_harness import BASICS, FUNCTIONS, unique

from triggerfish.cloud import Cloud


def _create(cloud: Cloud, tmp_path: Path, handler: str = "app.counter") -> tuple[str, Path]:
    name = unique("warm")
    init_log = tmp_path / f"{name}.init.log"
    cloud.create_function(name, handler=handler, code_dir=BASICS, environment={"INIT_LOG": str(init_log)})
    return name, init_log


def test_globals_persist_across_warm_invocations(cloud: Cloud, tmp_path: Path) -> None:
    name, init_log = _create(cloud, tmp_path)
    results = [cloud.invoke(name, {}).json() for _ in range(4)]
    pids = {r["pid"] for r in results}  # type: ignore[index]
    assert len(pids) == 1
    assert [r["count"] for r in results] == [1, 2, 3, 4]  # type: ignore[index]
    # init ran once, in the environment that then served every invocation
    assert init_log.read_text().split() == [str(pids.pop())]


def test_first_invocation_is_cold_and_later_ones_warm(cloud: Cloud, tmp_path: Path) -> None:
    name, _ = _create(cloud, tmp_path)
    for _ in range(3):
        cloud.invoke(name, {})
    records = cloud.invocations_of(name)
    assert [r.cold for r in records] == [True, False, False]
    assert records[0].init_ms is not None
    assert [r.init_ms for r in records[1:]] == [None, None]
    reports = [line for r in records for line in r.log.splitlines() if line.startswith("REPORT ")]
    assert ["\tInit Duration: " in line for line in reports] == [True, False, False]
    assert len({r.log_stream for r in records}) == 1  # one environment, one log stream


def test_functions_never_share_an_environment(cloud: Cloud, tmp_path: Path) -> None:
    first, _ = _create(cloud, tmp_path)
    second, _ = _create(cloud, tmp_path)
    a = cloud.invoke(first, {}).json()
    b = cloud.invoke(second, {}).json()
    assert a["pid"] != b["pid"]  # type: ignore[index]
    assert a["count"] == b["count"] == 1  # type: ignore[index]


def test_after_a_crash_the_next_invocation_is_cold_with_fresh_globals(cloud: Cloud, tmp_path: Path) -> None:
    name, init_log = _create(cloud, tmp_path, "app.stateful")
    scratch = tmp_path / "scratch.txt"
    first = cloud.invoke(name, {}).json()
    assert cloud.invoke(name, {}).json()["count"] == 2  # type: ignore[index]
    crashed = cloud.invoke(
        name, {"write": {"path": str(scratch), "text": "written before the crash"}, "crash": "exit3"}
    )
    assert crashed.function_error == "Unhandled"
    after = cloud.invoke(name, {"read": str(scratch)}).json()
    assert isinstance(after, dict) and isinstance(first, dict)
    assert after["count"] == 1  # globals were lost with the process
    assert after["pid"] != first["pid"]
    assert after["read"] == "written before the crash"  # files on disk are kept, like /tmp
    assert [r.cold for r in cloud.invocations_of(name)] == [True, False, False, True]
    assert init_log.read_text().split() == [str(first["pid"]), str(after["pid"])]


def test_code_change_retires_warm_environments(cloud: Cloud, tmp_path: Path) -> None:
    code = tmp_path / "code"
    shutil.copytree(FUNCTIONS / "reload", code)
    source = code / "app.py"
    name = unique("reload")
    cloud.create_function(name, handler="app.handler", code_dir=code)
    assert cloud.invoke(name).json() == "one"
    assert cloud.invoke(name).json() == "one"

    source.write_text(source.read_text().replace('"one"', '"second"'))
    cloud.update_code(name)
    assert cloud.invoke(name).json() == "second"
    assert [r.cold for r in cloud.invocations_of(name)] == [True, False, True]


def test_code_change_of_the_same_size_and_mtime_runs_the_new_code(cloud: Cloud, tmp_path: Path) -> None:
    """An edit saved within the same second keeps the file's size and whole-second mtime; the new
    code must run all the same (a cached bytecode file would hide it)."""
    code = tmp_path / "code"
    shutil.copytree(FUNCTIONS / "reload", code)
    source = code / "app.py"
    stat = source.stat()
    name = unique("reload")
    cloud.create_function(name, handler="app.handler", code_dir=code)
    assert cloud.invoke(name).json() == "one"

    source.write_text(source.read_text().replace('"one"', '"two"'))
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert source.stat().st_size == stat.st_size
    cloud.update_code(name)
    assert cloud.invoke(name).json() == "two"


def test_new_code_from_another_folder(cloud: Cloud, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(FUNCTIONS / "reload", first)
    shutil.copytree(FUNCTIONS / "reload", second)
    (second / "app.py").write_text((second / "app.py").read_text().replace('"one"', '"from the second folder"'))
    name = unique("reload")
    cloud.create_function(name, handler="app.handler", code_dir=first)
    assert cloud.invoke(name).json() == "one"
    cloud.update_code(name, second)
    assert cloud.invoke(name).json() == "from the second folder"
    assert cloud.get_function(name).code_dir == str(second.resolve())
