"""CreateEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings, UpdateEventSourceMapping and
DeleteEventSourceMapping for SQS queues (spec §2.2) and Kinesis and DynamoDB streams (spec §7.1)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.core.errors import InvalidParameterValue
from triggerfish.services.lambda_.mappings import EventSourceMapping
from triggerfish.services.lambda_.mappings.manager import NO_RECORDS_PROCESSED
from triggerfish.services.lambda_.mappings.sources import unrecognized
from triggerfish.services.lambda_.service import LambdaService

Operation = Callable[[Call], Awaitable[Reply]]
DEFAULT_MAX_ITEMS = 100
# Create, update and delete answer 202 Accepted: the change settles after the answer (botocore model).
ACCEPTED = 202


class MappingOperations:
    def __init__(self, service: LambdaService) -> None:
        self._mappings = service.mappings

    def table(self) -> dict[str, Operation]:
        return {
            "CreateEventSourceMapping": self.create,
            "GetEventSourceMapping": self.get,
            "ListEventSourceMappings": self.list,
            "UpdateEventSourceMapping": self.update,
            "DeleteEventSourceMapping": self.delete,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        if not p.get("EventSourceArn"):
            raise unrecognized()
        destinations = p.get("DestinationConfig") or {}
        timestamp = p.get("StartingPositionTimestamp")
        mapping = await self._mappings.create(
            p["FunctionName"],
            p["EventSourceArn"],
            scope=call.scope,
            enabled=p.get("Enabled", True),
            batch_size=p.get("BatchSize"),
            maximum_batching_window=p.get("MaximumBatchingWindowInSeconds"),
            filter_patterns=_patterns(p["FilterCriteria"]) if "FilterCriteria" in p else None,
            function_response_types=p.get("FunctionResponseTypes", ()),
            maximum_concurrency=p.get("ScalingConfig", {}).get("MaximumConcurrency"),
            starting_position=p.get("StartingPosition"),
            starting_position_timestamp=_epoch(timestamp) if timestamp is not None else None,
            parallelization_factor=p.get("ParallelizationFactor"),
            bisect_batch_on_function_error=p.get("BisectBatchOnFunctionError"),
            maximum_retry_attempts=p.get("MaximumRetryAttempts"),
            maximum_record_age=p.get("MaximumRecordAgeInSeconds"),
            tumbling_window=p.get("TumblingWindowInSeconds"),
            on_failure_destination=_on_failure(destinations) or None,
            on_success_destination=_on_success(destinations),
        )
        return Reply(self._configuration(mapping), status=ACCEPTED)

    async def get(self, call: Call) -> Reply:
        return Reply(self._configuration(self._mappings.get(call.params["UUID"], scope=call.scope)))

    async def list(self, call: Call) -> Reply:
        p = call.params
        mappings = self._mappings.list(
            scope=call.scope, function_name=p.get("FunctionName"), event_source_arn=p.get("EventSourceArn")
        )
        max_items = p.get("MaxItems", DEFAULT_MAX_ITEMS)
        start = 0
        if marker := p.get("Marker"):
            after = _decode_marker(marker)
            start = next((i for i, m in enumerate(mappings) if m.uuid >= after), len(mappings))
        page = mappings[start : start + max_items]
        result: dict[str, Any] = {"EventSourceMappings": [self._configuration(m) for m in page]}
        if start + max_items < len(mappings):
            result["NextMarker"] = _encode_marker(mappings[start + max_items].uuid)
        return Reply(result)

    async def update(self, call: Call) -> Reply:
        p = call.params
        optional: dict[str, Any] = {}
        if "FilterCriteria" in p:  # an empty FilterCriteria removes the filters
            optional["filter_patterns"] = _patterns(p["FilterCriteria"]) or None
        if "ScalingConfig" in p:  # an empty ScalingConfig removes MaximumConcurrency (spec §2.2)
            optional["maximum_concurrency"] = p["ScalingConfig"].get("MaximumConcurrency")
        if "FunctionResponseTypes" in p:
            optional["function_response_types"] = p["FunctionResponseTypes"]
        destinations = p.get("DestinationConfig") or {}
        if "OnFailure" in destinations:  # an empty Destination removes it
            optional["on_failure_destination"] = _on_failure(destinations) or None
        mapping = await self._mappings.update(
            p["UUID"],
            scope=call.scope,
            function_name=p.get("FunctionName"),
            enabled=p.get("Enabled"),
            batch_size=p.get("BatchSize"),
            maximum_batching_window=p.get("MaximumBatchingWindowInSeconds"),
            parallelization_factor=p.get("ParallelizationFactor"),
            bisect_batch_on_function_error=p.get("BisectBatchOnFunctionError"),
            maximum_retry_attempts=p.get("MaximumRetryAttempts"),
            maximum_record_age=p.get("MaximumRecordAgeInSeconds"),
            tumbling_window=p.get("TumblingWindowInSeconds"),
            on_success_destination=_on_success(destinations),
            **optional,
        )
        return Reply(self._configuration(mapping), status=ACCEPTED)

    async def delete(self, call: Call) -> Reply:
        current = self._mappings.get(call.params["UUID"], scope=call.scope)
        last_result = self._mappings.last_processing_result(current)
        mapping = await self._mappings.delete(current.uuid, scope=call.scope)
        return Reply(configuration(mapping, last_result), status=ACCEPTED)

    def _configuration(self, mapping: EventSourceMapping) -> dict[str, Any]:
        return configuration(mapping, self._mappings.last_processing_result(mapping))


def configuration(mapping: EventSourceMapping, last_processing_result: str | None = None) -> dict[str, Any]:
    """``EventSourceMappingConfiguration`` with the members AWS returns for the mapping's kind of source;
    a stream mapping's come with ``last_processing_result`` (observed, spec §7.1)."""
    shape: dict[str, Any] = {
        "UUID": mapping.uuid,
        "BatchSize": mapping.batch_size,
        "MaximumBatchingWindowInSeconds": mapping.maximum_batching_window,
        "EventSourceArn": mapping.event_source_arn,
        "FunctionArn": mapping.function_arn,
        "LastModified": mapping.last_modified,
        "State": mapping.state.value,
        "StateTransitionReason": mapping.state_transition_reason,
        "FunctionResponseTypes": list(mapping.function_response_types),
        "EventSourceMappingArn": mapping.arn,
    }
    if mapping.filter_patterns:
        shape["FilterCriteria"] = {"Filters": [{"Pattern": p} for p in mapping.filter_patterns]}
    if mapping.maximum_concurrency is not None:
        shape["ScalingConfig"] = {"MaximumConcurrency": mapping.maximum_concurrency}
    if mapping.starting_position is not None:
        shape.update(_stream_members(mapping))
        shape["LastProcessingResult"] = last_processing_result or NO_RECORDS_PROCESSED
    return shape


def _stream_members(mapping: EventSourceMapping) -> dict[str, Any]:
    # an unset OnFailure is echoed as an empty object (observed)
    on_failure = {"Destination": mapping.on_failure_destination} if mapping.on_failure_destination else {}
    members: dict[str, Any] = {
        "StartingPosition": mapping.starting_position,
        "ParallelizationFactor": mapping.parallelization_factor,
        "BisectBatchOnFunctionError": mapping.bisect_batch_on_function_error,
        "MaximumRetryAttempts": mapping.maximum_retry_attempts,
        "MaximumRecordAgeInSeconds": mapping.maximum_record_age,
        "TumblingWindowInSeconds": mapping.tumbling_window,
        "DestinationConfig": {"OnFailure": on_failure},
    }
    if mapping.starting_position_timestamp is not None:
        members["StartingPositionTimestamp"] = mapping.starting_position_timestamp
    return members


def _patterns(criteria: Mapping[str, Any]) -> list[str]:
    return [entry.get("Pattern", "") for entry in criteria.get("Filters") or ()]


def _on_failure(destinations: Mapping[str, Any]) -> str | None:
    if "OnFailure" not in destinations:
        return None
    entry = destinations["OnFailure"] or {}
    if "Destination" not in entry:
        raise InvalidParameterValue("The Destination field is required for an OnFailure configuration.")
    return str(entry["Destination"])


def _on_success(destinations: Mapping[str, Any]) -> str | None:
    """Whatever OnSuccess names (``""`` for an empty one): mappings refuse any (botocore model)."""
    if "OnSuccess" not in destinations:
        return None
    return str((destinations["OnSuccess"] or {}).get("Destination") or "")


def _epoch(value: datetime | float) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def _encode_marker(uuid: str) -> str:
    return base64.urlsafe_b64encode(uuid.encode()).decode()


def _decode_marker(marker: str) -> str:
    try:
        return base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameterValue("Invalid ListEventSourceMappings marker.") from None
