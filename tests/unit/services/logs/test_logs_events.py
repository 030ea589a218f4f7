"""PutLogEvents' constraints and rejections, GetLogEvents' tokens, FilterLogEvents' merging and paging."""

from __future__ import annotations

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import InvalidParameter, ResourceNotFound
from triggerfish.services.logs.models import RejectedInfo

REGION = "us-east-1"
HOUR = 3600 * 1000
DAY = 24 * HOUR


@pytest.fixture
async def now(logs: LogsService, clock: VirtualClock) -> int:
    await logs.create_log_group(REGION, "g")
    for stream in ("a", "b"):
        await logs.create_log_stream(REGION, "g", stream)
    return round(clock.now() * 1000)


async def test_put_then_get_in_timestamp_order(logs: LogsService, now: int) -> None:
    assert await logs.put_log_events(REGION, "g", "a", [(now - 30, "one"), (now - 20, "two")]) is None
    await logs.put_log_events(REGION, "g", "a", [(now - 25, "between")])
    events, _, _ = logs.get_log_events(REGION, "g", "a", start_from_head=True)
    assert [e.message for e in events] == ["one", "between", "two"]
    assert all(e.ingestion == now for e in events)
    assert [e.position for e in events] == [1, 3, 2]
    assert len({e.event_id for e in events}) == 3
    assert all(len(e.event_id) == 56 and e.event_id.isdigit() for e in events)


async def test_equal_timestamps_keep_arrival_order(logs: LogsService, now: int) -> None:
    await logs.put_log_events(REGION, "g", "a", [(now, "first"), (now, "second")])
    await logs.put_log_events(REGION, "g", "a", [(now, "third")])
    events, _, _ = logs.get_log_events(REGION, "g", "a")
    assert [e.message for e in events] == ["first", "second", "third"]


async def test_missing_group_or_stream(logs: LogsService, now: int) -> None:
    with pytest.raises(ResourceNotFound, match="log group does not exist"):
        await logs.put_log_events(REGION, "nope", "a", [(now, "x")])
    with pytest.raises(ResourceNotFound, match="log stream does not exist"):
        await logs.put_log_events(REGION, "g", "nope", [(now, "x")])
    with pytest.raises(ResourceNotFound):
        logs.get_log_events(REGION, "g", "nope")


async def test_the_batch_must_be_chronological(logs: LogsService, now: int) -> None:
    with pytest.raises(InvalidParameter) as caught:
        await logs.put_log_events(REGION, "g", "a", [(now, "later"), (now - 1, "earlier")])
    assert caught.value.message == "Log events in a single PutLogEvents request must be in chronological order."
    assert logs.get_log_events(REGION, "g", "a")[0] == []


async def test_the_batch_may_not_span_more_than_a_day(logs: LogsService, now: int) -> None:
    await logs.put_log_events(REGION, "g", "a", [(now - DAY, "x"), (now, "y")])
    with pytest.raises(InvalidParameter) as caught:
        await logs.put_log_events(REGION, "g", "a", [(now - DAY - 1, "x"), (now, "y")])
    assert "cannot span more than 24 hours" in caught.value.message


async def test_size_and_count_limits(logs: LogsService, now: int) -> None:
    with pytest.raises(InvalidParameter, match="Upload too large: 1048603 bytes exceeds limit of 1048576"):
        await logs.put_log_events(REGION, "g", "a", [(now, "x" * (1_048_576 - 26)), (now, "y")])
    await logs.put_log_events(REGION, "g", "a", [(now, "x" * (1_048_576 - 26))])
    with pytest.raises(InvalidParameter, match="less than or equal to 10000"):
        await logs.put_log_events(REGION, "g", "a", [(now, "m")] * 10_001)
    assert await logs.put_log_events(REGION, "g", "b", [(now, "m")] * 10_000) is None
    with pytest.raises(InvalidParameter):
        await logs.put_log_events(REGION, "g", "a", [])
    with pytest.raises(InvalidParameter):
        await logs.put_log_events(REGION, "g", "a", [(now, "")])


async def test_too_old_and_too_new_events_are_rejected_and_the_rest_stored(logs: LogsService, now: int) -> None:
    batch = [(now - 14 * DAY - 1, "too old"), (now - 1, "ok"), (now + 2 * HOUR, "edge"), (now + 2 * HOUR + 1, "new")]
    info = await logs.put_log_events(REGION, "g", "a", batch)
    assert info == RejectedInfo(too_new_start=3, too_old_end=1, expired_end=None)
    events, _, _ = logs.get_log_events(REGION, "g", "a")
    assert [e.message for e in events] == ["ok", "edge"]


async def test_events_older_than_the_retention_are_expired(logs: LogsService, now: int) -> None:
    await logs.put_retention_policy(REGION, "g", 1)
    info = await logs.put_log_events(REGION, "g", "a", [(now - DAY - 5, "expired"), (now - DAY + 5, "kept")])
    assert info == RejectedInfo(expired_end=1)
    assert [e.message for e in logs.get_log_events(REGION, "g", "a")[0]] == ["kept"]


async def test_get_pages_forward_and_backward(logs: LogsService, now: int) -> None:
    await logs.put_log_events(REGION, "g", "a", [(now - 10 + i, f"m{i}") for i in range(10)])
    latest, forward, backward = logs.get_log_events(REGION, "g", "a", limit=3)
    assert [e.message for e in latest] == ["m7", "m8", "m9"]
    earlier, _, backward2 = logs.get_log_events(REGION, "g", "a", limit=3, token=backward)
    assert [e.message for e in earlier] == ["m4", "m5", "m6"]
    assert [e.message for e in logs.get_log_events(REGION, "g", "a", limit=5, token=backward2)[0]] == [
        "m0",
        "m1",
        "m2",
        "m3",
    ]
    # at the end, the forward token comes back unchanged; new events then follow it
    nothing, same, _ = logs.get_log_events(REGION, "g", "a", token=forward)
    assert nothing == [] and same == forward
    await logs.put_log_events(REGION, "g", "a", [(now, "m10")])
    assert [e.message for e in logs.get_log_events(REGION, "g", "a", token=forward)[0]] == ["m10"]


async def test_get_from_head_with_a_time_range(logs: LogsService, now: int) -> None:
    await logs.put_log_events(REGION, "g", "a", [(now - 10 + i, f"m{i}") for i in range(10)])
    first, forward, _ = logs.get_log_events(REGION, "g", "a", start_from_head=True, limit=2)
    assert [e.message for e in first] == ["m0", "m1"]
    assert forward.startswith("f/")
    assert [e.message for e in logs.get_log_events(REGION, "g", "a", token=forward, limit=2)[0]] == ["m2", "m3"]
    # startTime inclusive, endTime exclusive (GetLogEvents)
    ranged, _, _ = logs.get_log_events(REGION, "g", "a", start=now - 8, end=now - 5, start_from_head=True)
    assert [e.message for e in ranged] == ["m2", "m3", "m4"]


async def test_an_empty_stream_gives_tokens_that_later_find_events(logs: LogsService, now: int) -> None:
    events, forward, backward = logs.get_log_events(REGION, "g", "a")
    assert events == [] and forward.startswith("f/") and backward.startswith("b/")
    await logs.put_log_events(REGION, "g", "a", [(now, "late")])
    assert [e.message for e in logs.get_log_events(REGION, "g", "a", token=forward)[0]] == ["late"]


async def test_a_bad_token(logs: LogsService, now: int) -> None:
    with pytest.raises(InvalidParameter, match="nextToken"):
        logs.get_log_events(REGION, "g", "a", token="x/12")
    with pytest.raises(InvalidParameter, match="nextToken"):
        logs.filter_log_events(REGION, ["g"], token="%%%")


async def test_filter_merges_streams_in_time_order(logs: LogsService, now: int) -> None:
    await logs.put_log_events(REGION, "g", "a", [(now - 3, "a ERROR 1"), (now - 1, "a info")])
    await logs.put_log_events(REGION, "g", "b", [(now - 2, "b ERROR 2")])
    page = logs.filter_log_events(REGION, ["g"])
    assert [(e.stream, e.message) for e in page.events] == [("a", "a ERROR 1"), ("b", "b ERROR 2"), ("a", "a info")]
    assert page.next_token is None
    assert page.searched_streams == ["a", "b"]
    errors = logs.filter_log_events(REGION, ["g"], pattern="ERROR")
    assert [e.message for e in errors.events] == ["a ERROR 1", "b ERROR 2"]
    only_b = logs.filter_log_events(REGION, ["g"], streams=["b"])
    assert [e.message for e in only_b.events] == ["b ERROR 2"] and only_b.searched_streams == ["b"]
    prefixed = logs.filter_log_events(REGION, ["g"], stream_prefix="a")
    assert [e.stream for e in prefixed.events] == ["a", "a"]
    with pytest.raises(InvalidParameter):
        logs.filter_log_events(REGION, ["g"], streams=["a"], stream_prefix="a")


async def test_filter_time_range_is_inclusive(logs: LogsService, now: int) -> None:
    await logs.put_log_events(REGION, "g", "a", [(now - 3, "x"), (now - 2, "y"), (now - 1, "z")])
    page = logs.filter_log_events(REGION, ["g"], start=now - 2, end=now - 1)
    assert [e.message for e in page.events] == ["y", "z"]


async def test_filter_pages_with_next_token(logs: LogsService, now: int) -> None:
    await logs.put_log_events(REGION, "g", "a", [(now - 10 + i, f"a{i}") for i in range(0, 10, 2)])
    await logs.put_log_events(REGION, "g", "b", [(now - 10 + i, f"b{i}") for i in range(1, 10, 2)])
    seen: list[str] = []
    token: str | None = None
    for _ in range(10):
        page = logs.filter_log_events(REGION, ["g"], limit=3, token=token)
        seen += [e.message for e in page.events]
        token = page.next_token
        if token is None:
            break
    assert seen == ["a0", "b1", "a2", "b3", "a4", "b5", "a6", "b7", "a8", "b9"]


async def test_filter_across_groups_and_listeners(logs: LogsService, now: int) -> None:
    await logs.create_log_group(REGION, "h")
    await logs.create_log_stream(REGION, "h", "a")
    heard: list[list[str]] = []
    stop = logs.listen(REGION, ["g", "h"], lambda batch: heard.append([e.message for e in batch]))
    await logs.put_log_events(REGION, "g", "a", [(now - 2, "g1"), (now, "g2")])
    await logs.put_log_events(REGION, "h", "a", [(now - 1, "h1")])
    assert heard == [["g1", "g2"], ["h1"]]
    page = logs.filter_log_events(REGION, ["g", "h"])
    assert [(e.group, e.message) for e in page.events] == [("g", "g1"), ("h", "h1"), ("g", "g2")]
    stop()
    await logs.put_log_events(REGION, "g", "a", [(now, "unheard")])
    assert len(heard) == 2


async def test_latest_position_grows_per_group(logs: LogsService, now: int) -> None:
    assert logs.latest_position(REGION, "g") == 0
    await logs.put_log_events(REGION, "g", "a", [(now, "x"), (now, "y")])
    await logs.put_log_events(REGION, "g", "b", [(now, "z")])
    assert logs.latest_position(REGION, "g") == 3
