"""Function logs in the terminal: prefixes, short names, colours, multi-line records."""

from __future__ import annotations

import io

from triggerfish.cli.logview import TerminalLogSink
from triggerfish.runtime.logs import LogEvent


def _event(function: str, message: str) -> LogEvent:
    return LogEvent(function, f"/aws/lambda/{function}", "stream", 0.0, message)


def test_every_line_carries_its_function_aligned_to_the_longest_name() -> None:
    out = io.StringIO()
    sink = TerminalLogSink(out, colour=False)
    sink.display_names["orders-dev-place"] = "place"
    sink.emit(_event("orders-dev-place", "START RequestId: 1 Version: $LATEST\n"))
    sink.emit(_event("audit", "first\rsecond\n"))
    sink.emit(_event("orders-dev-place", "END RequestId: 1\n"))
    assert out.getvalue().splitlines() == [
        "place │ START RequestId: 1 Version: $LATEST",
        "audit │ first",
        "audit │ second",
        "place │ END RequestId: 1",
    ]


def test_one_colour_per_function_when_colour_is_on() -> None:
    out = io.StringIO()
    sink = TerminalLogSink(out, colour=True)
    sink.emit(_event("a", "x\n"))
    sink.emit(_event("b", "y\n"))
    sink.emit(_event("a", "z\n"))
    first, second, third = out.getvalue().splitlines()
    assert first.startswith("\x1b[36ma\x1b[0m") and third.startswith("\x1b[36ma\x1b[0m")
    assert second.startswith("\x1b[35mb\x1b[0m")


def test_no_colour_env_wins(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")
    sink = TerminalLogSink(io.StringIO())
    assert sink.paint("x", "1") == "x"
