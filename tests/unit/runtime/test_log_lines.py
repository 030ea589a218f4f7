"""The platform's log lines: START, END, REPORT, the timeout line, stream names and the log tail."""

from __future__ import annotations

import base64
import re

import pytest

from triggerfish.runtime import logs
from triggerfish.services.lambda_.records import log_tail

RID = "8f5e7d2a-1111-4222-8333-944455556666"


def test_start_and_end_lines() -> None:
    assert logs.start_line(RID, "$LATEST") == f"START RequestId: {RID} Version: $LATEST\n"
    assert logs.end_line(RID) == f"END RequestId: {RID}\n"


def test_warm_report_line() -> None:
    line = logs.report_line(RID, 12.345, 128, 40, None)
    assert line == (
        f"REPORT RequestId: {RID}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t"
        "Max Memory Used: 40 MB\t\n"
    )


def test_cold_report_line_has_init_duration_and_bills_it() -> None:
    line = logs.report_line(RID, 2.5, 512, 60, 100.25)
    assert line == (
        f"REPORT RequestId: {RID}\tDuration: 2.50 ms\tBilled Duration: 103 ms\tMemory Size: 512 MB\t"
        "Max Memory Used: 60 MB\tInit Duration: 100.25 ms\t\n"
    )


def test_report_line_of_a_timeout_and_a_crash() -> None:
    timeout = logs.report_line(RID, 1000.5, 128, 30, None, "timeout")
    assert timeout.endswith("\tMax Memory Used: 30 MB\tStatus: timeout\t\n")
    crash = logs.report_line(RID, 3.0, 128, 30, None, "error", "Runtime.ExitError")
    assert crash.endswith("\tStatus: error\tError Type: Runtime.ExitError\t\n")


@pytest.mark.parametrize(("duration", "billed"), [(0.0, 0), (0.01, 1), (1.0, 1), (1.001, 2), (999.9, 1000)])
def test_billed_duration_rounds_up_to_the_millisecond(duration: float, billed: int) -> None:
    assert f"\tBilled Duration: {billed} ms\t" in logs.report_line(RID, duration, 128, 1, None)


def test_timeout_line() -> None:
    line = logs.timeout_line(RID, 3.0)
    assert re.fullmatch(rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z {RID} Task timed out after 3\.00 seconds\n", line)


def test_stream_name() -> None:
    name = logs.stream_name("$LATEST", "0123456789abcdef0123456789abcdef")
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\]0123456789abcdef0123456789abcdef", name)


def test_log_tail_is_base64_of_the_last_4_kb() -> None:
    short = "START\nshort\n"
    assert base64.b64decode(log_tail(short)).decode() == short
    long = "".join(f"{n:05d}\n" for n in range(2000))
    tail = base64.b64decode(log_tail(long))
    assert len(tail) == 4096
    assert tail == long.encode()[-4096:]


def test_log_tail_counts_bytes_not_characters() -> None:
    text = "é" * 3000  # 6000 bytes
    assert len(base64.b64decode(log_tail(text))) == 4096


def test_null_sink_takes_anything() -> None:
    logs.NullSink().emit(logs.LogEvent("f", "/aws/lambda/f", "s", 0.0, "line\n"))
