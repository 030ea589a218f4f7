"""What the runtime needs to know to start and run an execution environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class EnvironmentSpec:
    """One function version's runtime settings.

    ``revision`` changes whenever code or configuration changes; environments started for an older
    revision are never reused for a newer one. ``env`` holds every variable except the per-environment
    ones the runtime adds itself (log stream name, initialization type).
    """

    function_name: str
    version: str
    handler: str
    code_dir: str
    runtime: str
    timeout: float
    memory_mb: int
    env: Mapping[str, str]
    revision: str
    log_group: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.function_name, self.version, self.revision)


@dataclass(frozen=True)
class InvokeRequest:
    request_id: str
    payload: bytes
    invoked_function_arn: str
    client_context: dict[str, object] | None = None
    identity: dict[str, object] | None = None
    trace_id: str | None = None


class Outcome(Enum):
    SUCCESS = "success"
    ERROR = "error"  # the handler raised, or a runtime fault (import, marshal...)
    TIMEOUT = "timeout"
    CRASH = "crash"  # the process exited or was killed


@dataclass
class EnvironmentResult:
    """What one invocation in one environment produced (``log`` is filled in last)."""

    outcome: Outcome
    payload: bytes
    content_type: str
    duration_ms: float
    max_memory_mb: int
    log: str
    cold: bool
    init_ms: float | None
    error_type: str | None = None
    log_stream: str = ""

    @property
    def function_error(self) -> bool:
        return self.outcome is not Outcome.SUCCESS
