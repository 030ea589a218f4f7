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
    # -- stream sources only (Kinesis, DynamoDB Streams; spec §7.1) --
    #: TRIM_HORIZON, LATEST or AT_TIMESTAMP; ``None`` for queues
    starting_position: str | None = None
    starting_position_timestamp: float | None = None
    parallelization_factor: int = 1
    bisect_batch_on_function_error: bool = False
    #: -1 is "until the record expires"
    maximum_retry_attempts: int = -1
    maximum_record_age: int = -1
    tumbling_window: int = 0
    #: DestinationConfig.OnFailure.Destination: an SQS queue, SNS topic or S3 bucket ARN
    on_failure_destination: str | None = None

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
            "starting_position": self.starting_position,
            "starting_position_timestamp": self.starting_position_timestamp,
            "parallelization_factor": self.parallelization_factor,
            "bisect_batch_on_function_error": self.bisect_batch_on_function_error,
            "maximum_retry_attempts": self.maximum_retry_attempts,
            "maximum_record_age": self.maximum_record_age,
            "tumbling_window": self.tumbling_window,
            "on_failure_destination": self.on_failure_destination,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> EventSourceMapping:
        values = dict(data)
        values["state"] = MappingState(values["state"])
        values["function_response_types"] = tuple(values.get("function_response_types") or ())
        patterns = values.get("filter_patterns")
        values["filter_patterns"] = None if patterns is None else tuple(patterns)
        return cls(**values)
