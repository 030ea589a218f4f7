"""Lambda's resources as values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

LATEST = "$LATEST"


class FunctionState(StrEnum):
    PENDING = "Pending"
    ACTIVE = "Active"
    INACTIVE = "Inactive"
    FAILED = "Failed"


class UpdateStatus(StrEnum):
    SUCCESSFUL = "Successful"
    IN_PROGRESS = "InProgress"
    FAILED = "Failed"


class InvocationType(StrEnum):
    REQUEST_RESPONSE = "RequestResponse"
    EVENT = "Event"
    DRY_RUN = "DryRun"


@dataclass(frozen=True)
class EventInvokeConfig:
    """Per-function settings for asynchronous invocation (spec §1.3)."""

    maximum_retry_attempts: int = 2
    maximum_event_age: int = 21_600
    on_success: str | None = None
    on_failure: str | None = None
    last_modified: float = 0.0


@dataclass(frozen=True)
class FunctionConfig:
    """A function's configuration at ``$LATEST``. Versions and aliases will be snapshots of it."""

    name: str
    account: str
    region: str
    runtime: str
    handler: str
    code_dir: str
    role: str = ""
    description: str = ""
    timeout: int = 3
    memory_size: int = 128
    environment: Mapping[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    event_invoke_config: EventInvokeConfig | None = None
    dead_letter_target: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    code_sha256: str = ""
    code_size: int = 0
    revision_id: str = ""
    last_modified: float = 0.0
    state: FunctionState = FunctionState.ACTIVE
    last_update_status: UpdateStatus = UpdateStatus.SUCCESSFUL
    log_group: str = ""
    ephemeral_storage: int = 512
    architectures: tuple[str, ...] = ("x86_64",)
    #: whether triggerfish owns ``code_dir`` (unpacked from a zip) or it is the user's own folder
    managed_code: bool = False
    #: the resource-based policy document (JSON) that AddPermission builds, if any
    resource_policy: str | None = None

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{self.name}"

    def qualified_arn(self, qualifier: str = LATEST) -> str:
        return f"{self.arn}:{qualifier}"

    @property
    def async_config(self) -> EventInvokeConfig:
        return self.event_invoke_config or EventInvokeConfig()

    def evolve(self, **changes: Any) -> FunctionConfig:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["state"] = self.state.value
        data["last_update_status"] = self.last_update_status.value
        data["architectures"] = list(self.architectures)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FunctionConfig:
        values = dict(data)
        values["state"] = FunctionState(values["state"])
        values["last_update_status"] = UpdateStatus(values["last_update_status"])
        values["architectures"] = tuple(values.get("architectures", ("x86_64",)))
        if values.get("event_invoke_config") is not None:
            values["event_invoke_config"] = EventInvokeConfig(**values["event_invoke_config"])
        return cls(**values)
