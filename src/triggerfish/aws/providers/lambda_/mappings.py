"""CreateEventSourceMapping, GetEventSourceMapping, ListEventSourceMappings, UpdateEventSourceMapping and
DeleteEventSourceMapping for SQS queues (spec §2.2)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.core.errors import InvalidParameterValue
from triggerfish.services.lambda_.mappings import EventSourceMapping
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
            raise InvalidParameterValue("Unrecognized event source, must be an SQS queue ARN.")
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
        )
        return Reply(configuration(mapping), status=ACCEPTED)

    async def get(self, call: Call) -> Reply:
        return Reply(configuration(self._mappings.get(call.params["UUID"], scope=call.scope)))

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
        result: dict[str, Any] = {"EventSourceMappings": [configuration(m) for m in page]}
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
        mapping = await self._mappings.update(
            p["UUID"],
            scope=call.scope,
            function_name=p.get("FunctionName"),
            enabled=p.get("Enabled"),
            batch_size=p.get("BatchSize"),
            maximum_batching_window=p.get("MaximumBatchingWindowInSeconds"),
            **optional,
        )
        return Reply(configuration(mapping), status=ACCEPTED)

    async def delete(self, call: Call) -> Reply:
        mapping = await self._mappings.delete(call.params["UUID"], scope=call.scope)
        return Reply(configuration(mapping), status=ACCEPTED)


def configuration(mapping: EventSourceMapping) -> dict[str, Any]:
    """``EventSourceMappingConfiguration`` for an SQS queue, with the members AWS returns for one."""
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
    return shape


def _patterns(criteria: Mapping[str, Any]) -> list[str]:
    return [entry.get("Pattern", "") for entry in criteria.get("Filters") or ()]


def _encode_marker(uuid: str) -> str:
    return base64.urlsafe_b64encode(uuid.encode()).decode()


def _decode_marker(marker: str) -> str:
    try:
        return base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidParameterValue("Invalid ListEventSourceMappings marker.") from None
