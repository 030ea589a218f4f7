"""The platform's log lines around each invocation (START, END, REPORT) and where they go."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LogEvent:
    function_name: str
    log_group: str
    log_stream: str
    timestamp: float
    message: str
    #: the function's region, so its log group lands in the right one
    region: str = "us-east-1"


class LogSink(Protocol):
    def emit(self, event: LogEvent) -> None: ...


class NullSink:
    def emit(self, event: LogEvent) -> None:
        pass


def start_line(request_id: str, version: str) -> str:
    return f"START RequestId: {request_id} Version: {version}\n"


def end_line(request_id: str) -> str:
    return f"END RequestId: {request_id}\n"


def report_line(
    request_id: str,
    duration_ms: float,
    memory_mb: int,
    max_memory_mb: int,
    init_ms: float | None,
    status: str | None = None,
    error_type: str | None = None,
) -> str:
    # Since 2025 the init phase of on-demand functions is billed with the invocation.
    billed = math.ceil(duration_ms + (init_ms or 0.0))
    parts = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {billed} ms",
        f"Memory Size: {memory_mb} MB",
        f"Max Memory Used: {max_memory_mb} MB",
    ]
    if init_ms is not None:
        parts.append(f"Init Duration: {init_ms:.2f} ms")
    if status:
        parts.append(f"Status: {status}")
    if error_type:
        parts.append(f"Error Type: {error_type}")
    return "\t".join(parts) + "\t\n"


def timeout_line(request_id: str, timeout: float) -> str:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    return f"{stamp}.{int(time.time() * 1000) % 1000:03d}Z {request_id} Task timed out after {timeout:.2f} seconds\n"


def stream_name(version: str, hex_suffix: str) -> str:
    """``YYYY/MM/DD/[$LATEST]<32 hex>``, the name AWS gives an environment's log stream."""
    return time.strftime("%Y/%m/%d", time.gmtime()) + f"/[{version}]{hex_suffix}"
