"""An event source mapping as a value: its settings, its state and how it is stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"
USER_INITIATED = "USER_INITIATED"


class MappingState(StrEnum):
    """The states AWS reports (spec §2.2): the ``-ing`` ones are transitions shown in API answers."""

    CREATING = "Creating"
    ENABLING = "Enabling"
    ENABLED = "Enabled"
    DISABLING = "Disabling"
    DISABLED = "Disabled"
    UPDATING = "Updating"
    DELETING = "Deleting"


@dataclass(frozen=True)
class EventSourceMapping:
    """One mapping, as stored; ``state`` is always a settled one (Enabled or Disabled) once stored."""

    uuid: str
    account: str
    region: str
    event_source_arn: str
    function_arn: str
    batch_size: int
    maximum_batching_window: int
    enabled: bool
    state: MappingState
    last_modified: float
    function_response_types: tuple[str, ...] = ()
    #: FilterCriteria.Filters[].Pattern, exactly as given
    filter_patterns: tuple[str, ...] | None = None
    maximum_concurrency: int | None = None
    state_transition_reason: str = USER_INITIATED

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def arn(self) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:event-source-mapping:{self.uuid}"

    @property
    def function_name(self) -> str:
        return self.function_arn.split(":")[6]

    @property
    def reports_item_failures(self) -> bool:
        return REPORT_BATCH_ITEM_FAILURES in self.function_response_types

    @property
    def settled_state(self) -> MappingState:
        return MappingState.ENABLED if self.enabled else MappingState.DISABLED

    def evolve(self, **changes: Any) -> EventSourceMapping:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "account": self.account,
            "region": self.region,
            "event_source_arn": self.event_source_arn,
            "function_arn": self.function_arn,
            "batch_size": self.batch_size,
            "maximum_batching_window": self.maximum_batching_window,
            "enabled": self.enabled,
            "state": self.state.value,
            "last_modified": self.last_modified,
            "function_response_types": list(self.function_response_types),
            "filter_patterns": None if self.filter_patterns is None else list(self.filter_patterns),
            "maximum_concurrency": self.maximum_concurrency,
            "state_transition_reason": self.state_transition_reason,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EventSourceMapping:
        values = dict(data)
        values["state"] = MappingState(values["state"])
        values["function_response_types"] = tuple(values.get("function_response_types") or ())
        patterns = values.get("filter_patterns")
        values["filter_patterns"] = None if patterns is None else tuple(patterns)
        return cls(**values)
