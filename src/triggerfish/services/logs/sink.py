"""Function output into CloudWatch Logs: the runtime's :class:`~triggerfish.runtime.logs.LogSink`.

Each invocation's block (init output, START, the function's lines, END, REPORT) becomes one log event
per line in the function's group and its environment's stream, both created on first use as Lambda
creates them. A multi-line record arrives with its inner newlines written as "\\r" (the runtime keeps
one record on one line); Lambda delivers such a record as one event holding real newlines, so they
are turned back. Every message keeps its line's newline, as in Lambda's own log events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from triggerfish.runtime.logs import LogEvent, LogSink

log = logging.getLogger(__name__)

#: what the sink hands over: region, group, stream, timestamp (ms), messages
Ingest = Callable[[str, str, str, int, Sequence[str]], None]


def split_block(message: str) -> list[str]:
    """One message per line, each keeping its newline as Lambda's events do (recorded subscription
    payloads of Lambda log groups end every message with "\\n")."""
    pieces = message.split("\n")
    last = pieces.pop()
    lines = [piece.rstrip("\r").replace("\r", "\n") + "\n" for piece in pieces]
    if last:
        lines.append(last.replace("\r", "\n"))
    return lines


class FunctionLogSink:
    def __init__(self, ingest: Ingest) -> None:
        self._ingest = ingest

    def emit(self, event: LogEvent) -> None:
        messages = split_block(event.message)
        if not messages:
            return
        self._ingest(event.region, event.log_group, event.log_stream, int(event.timestamp * 1000), messages)


class FanOutSink:
    """Hands every event to several sinks (the terminal's and CloudWatch Logs'); one failing sink
    does not keep the event from the others."""

    def __init__(self, *sinks: LogSink) -> None:
        self._sinks = sinks

    def emit(self, event: LogEvent) -> None:
        for sink in self._sinks:
            try:
                sink.emit(event)
            except Exception:
                log.exception("a log sink failed")
