"""StartLiveTail through boto3 (the event stream framing, the initial-response botocore reads first,
sessionStart then sessionUpdate events, the session limit), and the real ``aws logs tail --follow``
(aws CLI v2) showing new events through the follow mode of FilterLogEvents."""

from __future__ import annotations

import os
import queue
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError, EventStreamError
from logs_endpoint import FilterCall, LogsEndpoint

ARN = "arn:aws:logs:us-east-1:000000000000:log-group:"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[LogsEndpoint]:
    thread = LogsEndpoint()
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def logs(endpoint: LogsEndpoint) -> Any:
    # the operation's host prefix would otherwise be put in front of 127.0.0.1
    return endpoint.logs(inject_host_prefix=False)


def _group(logs: Any, name: str, *streams: str) -> None:
    logs.create_log_group(logGroupName=name)
    for stream in streams:
        logs.create_log_stream(logGroupName=name, logStreamName=stream)


def _next_results(events: Iterator[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results of the next sessionUpdate that carries any (empty heartbeats are skipped)."""
    for event in events:
        results = event["sessionUpdate"]["sessionResults"]
        assert event["sessionUpdate"]["sessionMetadata"] == {"sampled": False}
        if results:
            return list(results)
    raise AssertionError("the stream ended")


def test_live_tail_streams_matching_events(logs: Any, endpoint: LogsEndpoint) -> None:
    _group(logs, "/tail/a", "s1", "s2")
    _group(logs, "/tail/b", "s1")
    answer = logs.start_live_tail(logGroupIdentifiers=[f"{ARN}/tail/a", f"{ARN}/tail/b"], logEventFilterPattern="ERROR")
    assert answer["ResponseMetadata"]["HTTPHeaders"]["content-type"] == "application/vnd.amazon.eventstream"
    stream = answer["responseStream"]
    events = iter(stream)
    start = next(events)["sessionStart"]
    assert start["logGroupIdentifiers"] == [f"{ARN}/tail/a", f"{ARN}/tail/b"]
    assert start["logEventFilterPattern"] == "ERROR"
    assert start["sessionId"] and start["requestId"]

    endpoint.put("/tail/a", "s1", "INFO skip", "ERROR first")
    endpoint.put("/tail/b", "s1", "ERROR second")
    seen: list[dict[str, Any]] = []
    while len(seen) < 2:
        seen.extend(_next_results(events))
    assert [(r["logGroupIdentifier"], r["logStreamName"], r["message"]) for r in seen] == [
        (f"{ARN}/tail/a", "s1", "ERROR first"),
        (f"{ARN}/tail/b", "s1", "ERROR second"),
    ]
    assert all(isinstance(r["timestamp"], int) and isinstance(r["ingestionTime"], int) for r in seen)
    stream.close()


def test_live_tail_by_name_and_stream_prefix(logs: Any, endpoint: LogsEndpoint) -> None:
    _group(logs, "/tail/c", "app-1", "other")
    answer = logs.start_live_tail(logGroupIdentifiers=["/tail/c"], logStreamNamePrefixes=["app-"])
    events = iter(answer["responseStream"])
    assert next(events)["sessionStart"]["logStreamNamePrefixes"] == ["app-"]
    endpoint.put("/tail/c", "other", "not this")
    endpoint.put("/tail/c", "app-1", "this")
    assert [r["message"] for r in _next_results(events)] == ["this"]
    answer["responseStream"].close()


def test_live_tail_refusals(logs: Any) -> None:
    _group(logs, "/tail/d", "s")
    refused: list[dict[str, Any]] = [
        {"logGroupIdentifiers": [f"{ARN}/tail/missing"]},
        {"logGroupIdentifiers": ["/tail/d"], "logStreamNames": ["s"], "logStreamNamePrefixes": ["s"]},
        {"logGroupIdentifiers": ["/tail/d", "/tail/c"], "logStreamNames": ["s"]},
        {"logGroupIdentifiers": ["/tail/d"], "logEventFilterPattern": '{ $.a = "x" '},
    ]
    codes = []
    for params in refused:
        with pytest.raises(ClientError) as excinfo:
            logs.start_live_tail(**params)
        codes.append(excinfo.value.response["Error"]["Code"])
    assert codes == [
        "ResourceNotFoundException",
        "InvalidParameterException",
        "InvalidParameterException",
        "InvalidParameterException",
    ]


def test_live_tail_session_ends_at_its_limit() -> None:
    endpoint = LogsEndpoint(session_limit=0.5)
    try:
        logs = endpoint.logs(inject_host_prefix=False)
        _group(logs, "/tail/short", "s")
        stream = logs.start_live_tail(logGroupIdentifiers=["/tail/short"])["responseStream"]
        events = iter(stream)
        assert "sessionStart" in next(events)
        with pytest.raises(EventStreamError) as excinfo:
            for event in events:
                assert "sessionUpdate" in event
        assert excinfo.value.response["Error"]["Code"] == "SessionTimeoutException"
        stream.close()
    finally:
        endpoint.close()


def _read_lines(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert process.stdout is not None
    try:
        for line in process.stdout:
            lines.put(line)
    except (ValueError, OSError):
        pass  # closed when the test ends


def _calls(endpoint: LogsEndpoint) -> list[FilterCall]:
    return [call for call in list(endpoint.filter_calls) if call.params.get("logGroupName") == "/aws/lambda/tailed"]


def test_aws_logs_tail_follow_shows_new_events_through_live_tokens(
    logs: Any, endpoint: LogsEndpoint, tmp_path: Path, aws_cli_v2: str
) -> None:
    _group(logs, "/aws/lambda/tailed", "2024/01/01/[$LATEST]0123")
    endpoint.put("/aws/lambda/tailed", "2024/01/01/[$LATEST]0123", "before the tail")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_PAGER": "",
        "PYTHONUNBUFFERED": "1",
    }
    command = [aws_cli_v2, "logs", "tail", "/aws/lambda/tailed", "--follow", "--since", "1h"]
    command += ["--format", "short", "--endpoint-url", endpoint.url]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_lines, args=(process, lines), daemon=True).start()
    try:
        assert lines.get(timeout=60).rstrip().endswith(" before the tail")
        # the CLI sleeps once after its first answer, then asks again from the newest timestamp and is
        # handed a live token
        deadline = time.monotonic() + 60
        while not any(call.next_token for call in _calls(endpoint)):
            assert time.monotonic() < deadline, "the aws CLI never came back for more"
            time.sleep(0.05)
        for word in ("first", "second", "third"):
            endpoint.put("/aws/lambda/tailed", "2024/01/01/[$LATEST]0123", f"live {word}")
            assert lines.get(timeout=30).rstrip().endswith(f" live {word}")
        # each new event was the answer to a call carrying a live token (a long poll), never one the CLI
        # makes after its 5 s sleep
        for word in ("first", "second", "third"):
            (call,) = [call for call in _calls(endpoint) if f"live {word}" in call.messages]
            assert call.params.get("nextToken")
    finally:
        process.terminate()
        process.wait(10)
        assert process.stdout is not None
        process.stdout.close()
