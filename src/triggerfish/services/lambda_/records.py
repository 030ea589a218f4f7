"""What an invocation returns, and the record kept of every invocation."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import orjson


@dataclass(frozen=True)
class Invocation:
    """The record of one attempt to run a function, kept for tests, the CLI and the dashboard."""

    request_id: str
    function_name: str
    function_arn: str
    invocation_type: str
    event: bytes
    payload: bytes
    function_error: str | None
    error_type: str | None
    duration_ms: float
    cold: bool
    init_ms: float | None
    log: str
    started_at: float
    log_stream: str = ""

    @property
    def ok(self) -> bool:
        return self.function_error is None

    def event_json(self) -> object:
        return orjson.loads(self.event) if self.event else None

    def result_json(self) -> object:
        return orjson.loads(self.payload) if self.payload else None


@dataclass(frozen=True)
class InvokeResult:
    """The Invoke API's answer: status 200 (RequestResponse), 202 (Event) or 204 (DryRun)."""

    status_code: int
    request_id: str
    payload: bytes = b""
    function_error: str | None = None
    executed_version: str | None = None
    log_result: str | None = None

    def json(self) -> object:
        return orjson.loads(self.payload) if self.payload else None


def log_tail(log: str, limit: int = 4096) -> str:
    """``LogType=Tail``: the last 4 KB of the invocation's log, base64-encoded."""
    return base64.b64encode(log.encode()[-limit:]).decode()
