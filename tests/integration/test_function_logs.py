"""The function log: platform lines, captured output, the logging format and LogType=Tail."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator

import pytest
from invocation_harness import BASICS, FUNCTIONS, unique

import triggerfish
from triggerfish.cloud import Cloud
from triggerfish.runtime.logs import LogEvent

TIMESTAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"


class _Collector:
    def __init__(self) -> None:
        self.events: list[LogEvent] = []

    def emit(self, event: LogEvent) -> None:
        self.events.append(event)


@pytest.fixture(scope="module")
def collector() -> _Collector:
    return _Collector()


@pytest.fixture(scope="module")
def cloud(collector: _Collector) -> Iterator[Cloud]:
    with triggerfish.local(sink=collector, port=None) as local_cloud:
        yield local_cloud


@pytest.fixture(scope="module")
def logging_function(cloud: Cloud) -> str:
    name = unique("logs")
    cloud.create_function(name, handler="app.log_lines", code_dir=BASICS)
    return name


def _report_pattern(request_id: str, memory: int, cold: bool) -> re.Pattern[str]:
    init = r"Init Duration: \d+\.\d{2} ms\t" if cold else ""
    return re.compile(
        rf"REPORT RequestId: {request_id}\tDuration: \d+\.\d{{2}} ms\tBilled Duration: \d+ ms\t"
        rf"Memory Size: {memory} MB\tMax Memory Used: \d+ MB\t{init}$"
    )


def test_start_end_and_report_lines(cloud: Cloud) -> None:
    name = unique("logs")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS, memory_size=256)
    first = cloud.invoke(name, {"n": 1})
    second = cloud.invoke(name, {"n": 2})
    for result, cold in ((first, True), (second, False)):
        [record] = [r for r in cloud.invocations_of(name) if r.request_id == result.request_id]
        lines = record.log.splitlines()
        assert lines[0] == f"START RequestId: {result.request_id} Version: $LATEST"
        assert lines[-2] == f"END RequestId: {result.request_id}"
        assert _report_pattern(result.request_id, 256, cold).match(lines[-1]), lines[-1]
        assert record.log.endswith("\n")


def test_output_is_captured_per_invocation(cloud: Cloud, logging_function: str) -> None:
    first = cloud.invoke(logging_function, {"tag": "first"})
    second = cloud.invoke(logging_function, {"tag": "second"})
    logs = {r.request_id: r.log for r in cloud.invocations_of(logging_function)}
    assert "logged at info: first" in logs[first.request_id]
    assert "logged at info: second" not in logs[first.request_id]
    assert "logged at info: second" in logs[second.request_id]
    assert "logged at info: first" not in logs[second.request_id]
    for result in (first, second):
        lines = logs[result.request_id].splitlines()
        start = lines.index(f"START RequestId: {result.request_id} Version: $LATEST")
        end = lines.index(f"END RequestId: {result.request_id}")
        body = lines[start + 1 : end]
        assert body[:2] == ["printed to stdout", "printed to stderr"]


def test_logging_uses_the_runtime_format(cloud: Cloud, logging_function: str) -> None:
    result = cloud.invoke(logging_function, {"tag": "formatted"})
    log = cloud.invocations_of(logging_function)[-1].log
    rid = re.escape(result.request_id)
    assert re.search(rf"^\[INFO\]\t{TIMESTAMP}\t{rid}\tlogged at info: formatted$", log, re.M), log
    assert re.search(rf"^\[WARNING\]\t{TIMESTAMP}\t{rid}\tlogged at warning$", log, re.M), log


def test_init_output_comes_before_the_first_start_line(cloud: Cloud) -> None:
    name = unique("logs")
    cloud.create_function(name, handler="app.handler", code_dir=FUNCTIONS / "init_output")
    first = cloud.invoke(name, {})
    cloud.invoke(name, {})
    cold, warm = cloud.invocations_of(name)
    assert cold.log.startswith(f"printed during init\nSTART RequestId: {first.request_id} ")
    assert "printed during the invocation\nEND RequestId: " in cold.log
    assert "printed during init" not in warm.log


def test_log_tail_is_the_base64_of_the_whole_short_log(cloud: Cloud, logging_function: str) -> None:
    result = cloud.invoke(logging_function, {"tag": "tail"}, log_type="Tail")
    assert result.log_result is not None
    assert base64.b64decode(result.log_result).decode() == cloud.invocations_of(logging_function)[-1].log


def test_log_tail_keeps_the_last_4_kb(cloud: Cloud) -> None:
    name = unique("logs")
    cloud.create_function(name, handler="app.noisy", code_dir=BASICS)
    result = cloud.invoke(name, {"lines": 200}, log_type="Tail")
    log = cloud.invocations_of(name)[-1].log.encode()
    assert len(log) > 4096
    assert result.log_result is not None
    tail = base64.b64decode(result.log_result)
    assert len(tail) == 4096
    assert tail == log[-4096:]
    assert tail.decode().endswith("\t\n")  # the REPORT line is always in the tail


def test_no_log_result_without_tail(cloud: Cloud, logging_function: str) -> None:
    assert cloud.invoke(logging_function, {"tag": "none"}).log_result is None


def test_sink_receives_each_invocation_log(cloud: Cloud, collector: _Collector) -> None:
    name = unique("logs")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    result = cloud.invoke(name, {"x": 1})
    record = cloud.invocations_of(name)[-1]
    [event] = [e for e in collector.events if e.function_name == name]
    assert event.log_group == f"/aws/lambda/{name}"
    assert event.log_stream == record.log_stream
    assert event.message == record.log
    assert f"START RequestId: {result.request_id}" in event.message
