"""FilterLogEvents' follow mode (``aws logs tail --follow`` without its 5 s sleeps), driven with boto3:
when a repeated interleaved query earns a live token, what a live token waits for, and that plain
callers never see one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from logs_endpoint import LogsEndpoint

from triggerfish.aws.providers.logs.follow import FOLLOW_WINDOW

#: event times a minute ago, so PutLogEvents takes them as recent
BASE = int(time.time() * 1000) - 60_000


class FakeMonotonic:
    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture(scope="module")
def clock() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture(scope="module")
def endpoint(clock: FakeMonotonic) -> Iterator[LogsEndpoint]:
    # a long poll of 0.3 s keeps the "nothing arrived" answers quick
    thread = LogsEndpoint(now=clock, long_poll=0.3)
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def logs(endpoint: LogsEndpoint) -> Any:
    return endpoint.logs()


def _group(logs: Any, name: str) -> None:
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="s")


def _messages(answer: dict[str, Any]) -> list[str]:
    return [event["message"] for event in answer["events"]]


def test_a_repeated_query_from_the_newest_timestamp_gets_a_live_token(logs: Any, endpoint: LogsEndpoint) -> None:
    _group(logs, "/f/a")
    endpoint.put("/f/a", "s", "one", timestamp=BASE + 5_000)
    endpoint.put("/f/a", "s", "two", timestamp=BASE + 6_000)
    first = logs.filter_log_events(logGroupName="/f/a", interleaved=True, startTime=BASE + 1_000)
    assert _messages(first) == ["one", "two"]
    assert "nextToken" not in first

    again = logs.filter_log_events(logGroupName="/f/a", interleaved=True, startTime=BASE + 6_000)
    assert _messages(again) == ["two"]  # answered as usual: the CLI drops what it has seen by eventId
    live = again["nextToken"]

    quiet = logs.filter_log_events(logGroupName="/f/a", interleaved=True, startTime=BASE + 6_000, nextToken=live)
    assert quiet["events"] == []
    assert quiet["nextToken"]  # always a token: the follower never falls back to sleeping

    endpoint.put("/f/a", "s", "three", timestamp=BASE + 7_000)
    endpoint.put("/f/a", "s", "late but new", timestamp=BASE + 6_500)
    fresh = logs.filter_log_events(
        logGroupName="/f/a", interleaved=True, startTime=BASE + 6_000, nextToken=quiet["nextToken"]
    )
    assert _messages(fresh) == ["late but new", "three"]
    after = logs.filter_log_events(
        logGroupName="/f/a", interleaved=True, startTime=BASE + 6_000, nextToken=fresh["nextToken"]
    )
    assert after["events"] == []


def test_a_follower_that_found_nothing_repeats_its_own_start(logs: Any) -> None:
    _group(logs, "/f/empty")
    assert "nextToken" not in logs.filter_log_events(logGroupName="/f/empty", interleaved=True, startTime=BASE + 500)
    assert logs.filter_log_events(logGroupName="/f/empty", interleaved=True, startTime=BASE + 500)["nextToken"]


def test_plain_callers_never_see_a_live_token(logs: Any, endpoint: LogsEndpoint, clock: FakeMonotonic) -> None:
    _group(logs, "/f/plain")
    endpoint.put("/f/plain", "s", "x", timestamp=BASE + 2_000)
    for _ in range(2):
        assert "nextToken" not in logs.filter_log_events(logGroupName="/f/plain", startTime=BASE + 2_000)
    logs.filter_log_events(logGroupName="/f/plain", interleaved=True, startTime=BASE + 1_000)
    # another start time, an end time, or another pattern is not the follower's next question
    assert "nextToken" not in logs.filter_log_events(logGroupName="/f/plain", interleaved=True, startTime=BASE + 1_500)
    assert "nextToken" not in logs.filter_log_events(
        logGroupName="/f/plain", interleaved=True, startTime=BASE + 2_000, endTime=BASE + 9_000
    )
    assert "nextToken" not in logs.filter_log_events(
        logGroupName="/f/plain", interleaved=True, startTime=BASE + 2_000, filterPattern="x"
    )
    # the paginator of a non-follow tail ends at the first answer without a token
    pages = list(logs.get_paginator("filter_log_events").paginate(logGroupName="/f/plain", interleaved=True))
    assert len(pages) == 1
    # too late: the window after the last answer has passed
    logs.filter_log_events(logGroupName="/f/plain", interleaved=True, startTime=BASE + 1_000)
    clock.value += FOLLOW_WINDOW + 1
    assert "nextToken" not in logs.filter_log_events(logGroupName="/f/plain", interleaved=True, startTime=BASE + 2_000)


def test_a_chain_of_pages_counts_as_one_answer(logs: Any, endpoint: LogsEndpoint) -> None:
    _group(logs, "/f/pages")
    endpoint.put("/f/pages", "s", "a", "b", timestamp=BASE + 3_000)
    endpoint.put("/f/pages", "s", "c", timestamp=BASE + 4_000)
    first = logs.filter_log_events(logGroupName="/f/pages", interleaved=True, startTime=BASE, limit=2)
    assert _messages(first) == ["a", "b"]
    last = logs.filter_log_events(
        logGroupName="/f/pages", interleaved=True, startTime=BASE, limit=2, nextToken=first["nextToken"]
    )
    assert _messages(last) == ["c"]
    assert "nextToken" not in last
    again = logs.filter_log_events(logGroupName="/f/pages", interleaved=True, startTime=BASE + 4_000, limit=2)
    assert _messages(again) == ["c"]
    assert again["nextToken"]


def test_a_live_token_keeps_the_selection(logs: Any, endpoint: LogsEndpoint) -> None:
    _group(logs, "/f/sel")
    logs.create_log_stream(logGroupName="/f/sel", logStreamName="other")
    query = {"logGroupName": "/f/sel", "interleaved": True, "startTime": BASE, "filterPattern": "ERROR"}
    logs.filter_log_events(**query)
    live = logs.filter_log_events(**query)["nextToken"]
    endpoint.put("/f/sel", "s", "INFO fine")
    endpoint.put("/f/sel", "other", "ERROR elsewhere")
    endpoint.put("/f/sel", "s", "ERROR here")
    answer = logs.filter_log_events(**query, nextToken=live)
    assert _messages(answer) == ["ERROR elsewhere", "ERROR here"]
    assert {event["logStreamName"] for event in answer["events"]} == {"s", "other"}


def test_a_waiting_follower_is_answered_when_an_event_arrives() -> None:
    endpoint = LogsEndpoint(long_poll=60)  # a wait far longer than the test allows itself
    try:
        logs = endpoint.logs(read_timeout=90)
        _group(logs, "/f/wait")
        query = {"logGroupName": "/f/wait", "interleaved": True, "startTime": BASE}
        logs.filter_log_events(**query)
        live = logs.filter_log_events(**query)["nextToken"]
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(logs.filter_log_events, **query, nextToken=live)
            # give the call a moment to start waiting; had the event come first, it would be answered at once
            time.sleep(0.3)
            endpoint.put("/f/wait", "s", "woken")
            answer = pending.result(timeout=30)
        assert _messages(answer) == ["woken"]
        assert answer["nextToken"]
    finally:
        endpoint.close()
