"""Function output through the sink: one event per line, group and stream created on first use,
stored in the background, heard by listeners."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.core.clock import VirtualClock
from triggerfish.runtime.logs import LogEvent
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.sink import FanOutSink, split_block

GROUP = "/aws/lambda/orders"
STREAM = "2024/05/01/[$LATEST]0123456789abcdef0123456789abcdef"
BLOCK = (
    "START RequestId: r1 Version: $LATEST\n"
    "hello\n"
    "\n"
    "[ERROR]\tTraceback\rline two\n"
    "END RequestId: r1\n"
    "REPORT RequestId: r1\tDuration: 1.00 ms\t\n"
)


def test_a_block_splits_into_lines_that_keep_their_newline() -> None:
    assert split_block(BLOCK) == [
        "START RequestId: r1 Version: $LATEST\n",
        "hello\n",
        "\n",
        "[ERROR]\tTraceback\nline two\n",
        "END RequestId: r1\n",
        "REPORT RequestId: r1\tDuration: 1.00 ms\t\n",
    ]
    assert split_block("no newline") == ["no newline"]
    assert split_block("") == []


async def test_function_output_lands_in_its_group_and_stream(
    logs: LogsService, clock: VirtualClock, settle: Callable[[], Awaitable[None]]
) -> None:
    heard: list[int] = []
    logs.sink.emit(LogEvent("orders", GROUP, STREAM, 1_700_000_000.5, BLOCK))
    # the group exists at once; storing happens in the background
    assert [g.name for g in logs.describe_log_groups("us-east-1")] == [GROUP]
    logs.listen("us-east-1", [GROUP], lambda batch: heard.append(len(batch)))
    await settle()
    events, _, _ = logs.get_log_events("us-east-1", GROUP, STREAM, start_from_head=True)
    assert [e.message for e in events] == split_block(BLOCK)
    assert {e.timestamp for e in events} == {1_700_000_000_500}
    assert [e.position for e in events] == [1, 2, 3, 4, 5, 6]
    assert heard == [6]
    second = "START RequestId: r2 Version: $LATEST\nEND RequestId: r2\n"
    logs.sink.emit(LogEvent("orders", GROUP, STREAM, 1_700_000_001.0, second))
    await settle()
    assert len(logs.get_log_events("us-east-1", GROUP, STREAM)[0]) == 8
    assert heard == [6, 2]


async def test_function_output_goes_to_its_region(logs: LogsService, settle: Callable[[], Awaitable[None]]) -> None:
    logs.sink.emit(LogEvent("orders", GROUP, STREAM, 1_700_000_000.0, "x\n", region="eu-west-1"))
    await settle()
    assert logs.describe_log_groups("us-east-1") == []
    assert [s.name for s in logs.describe_log_streams("eu-west-1", GROUP)] == [STREAM]


async def test_output_joins_a_group_created_before(logs: LogsService, settle: Callable[[], Awaitable[None]]) -> None:
    await logs.create_log_group("us-east-1", GROUP)
    await logs.put_retention_policy("us-east-1", GROUP, 7)
    logs.sink.emit(LogEvent("orders", GROUP, STREAM, 1_700_000_000.0, "a\nb\n"))
    await settle()
    assert logs.log_group("us-east-1", GROUP).retention_days == 7
    page = logs.filter_log_events("us-east-1", [GROUP])
    assert [e.message for e in page.events] == ["a\n", "b\n"]


class _Broken:
    def emit(self, event: LogEvent) -> None:
        raise RuntimeError("terminal gone")


async def test_a_fan_out_sink_feeds_every_sink(logs: LogsService, settle: Callable[[], Awaitable[None]]) -> None:
    seen: list[LogEvent] = []

    class _Recorder:
        def emit(self, event: LogEvent) -> None:
            seen.append(event)

    event = LogEvent("orders", GROUP, STREAM, 1_700_000_000.0, "x\n")
    FanOutSink(_Broken(), _Recorder(), logs.sink).emit(event)
    await settle()
    assert seen == [event]
    assert [e.message for e in logs.get_log_events("us-east-1", GROUP, STREAM)[0]] == ["x\n"]
