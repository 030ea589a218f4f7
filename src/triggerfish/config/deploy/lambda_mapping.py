"""``AWS::Lambda::EventSourceMapping``: a queue or a stream consumed for a function; ``Ref`` is its UUID."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, require
from triggerfish.core.errors import ResourceNotFound

#: sources whose service is here; the others (Kafka, MQ, DocumentDB) are skipped with a warning
SUPPORTED_SOURCES = ("sqs", "kinesis", "dynamodb")
#: changing these needs a new mapping (CloudFormation: "Update requires: Replacement")
_REPLACEMENT = ("EventSourceArn", "StartingPosition", "StartingPositionTimestamp")
#: a mapping given a Kinesis enhanced fan-out consumer reads its stream: ``<stream arn>/consumer/<name>:<time>``
_CONSUMER = "/consumer/"
#: stream settings: template property -> (manager keyword, kind)
_STREAM_SETTINGS = {
    "StartingPosition": ("starting_position", str),
    "ParallelizationFactor": ("parallelization_factor", int),
    "BisectBatchOnFunctionError": ("bisect_batch_on_function_error", bool),
    "MaximumRetryAttempts": ("maximum_retry_attempts", int),
    "MaximumRecordAgeInSeconds": ("maximum_record_age", int),
    "TumblingWindowInSeconds": ("tumbling_window", int),
}


class EventSourceMappingHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        source = str(require(properties, "EventSourceArn")).split(_CONSUMER)[0]
        service = source.split(":")[2] if source.count(":") >= 5 else ""
        if service not in SUPPORTED_SOURCES:
            context.warnings.append(
                f"Resources.{logical_id}: {service or source} event sources are not supported yet; skipped"
            )
            return PhysicalResource(f"skipped-{logical_id}")
        settings = _settings(properties)
        mapping = await context.services.lambda_.mappings.create(
            str(require(properties, "FunctionName")), source, scope=context.scope, **settings
        )
        return PhysicalResource(
            mapping.uuid, {"Id": mapping.uuid, "EventSourceMappingArn": _arn(context, mapping.uuid)}
        )

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if previous.physical_id.startswith("skipped-") or any(
            properties.get(key) != previous_properties.get(key) for key in _REPLACEMENT
        ):
            # a new event source or starting position means a new mapping (CloudFormation: replacement)
            return await self.create(context, logical_id, properties)
        settings = _settings(properties)
        # fixed when the mapping is made: UpdateEventSourceMapping takes neither
        settings.pop("starting_position", None)
        settings.pop("starting_position_timestamp", None)
        settings.setdefault("filter_patterns", None)
        if previous_properties.get("DestinationConfig") and "on_failure_destination" not in settings:
            settings["on_failure_destination"] = None  # the template no longer names one
        settings.setdefault("maximum_concurrency", None)
        await context.services.lambda_.mappings.update(
            previous.physical_id,
            scope=context.scope,
            function_name=str(require(properties, "FunctionName")),
            **settings,
        )
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        if resource.physical_id.startswith("skipped-"):
            return
        with contextlib.suppress(ResourceNotFound):
            await context.services.lambda_.mappings.delete(resource.physical_id, scope=context.scope)


def _settings(properties: Mapping[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {"enabled": properties.get("Enabled", True) not in (False, "false", "False")}
    if (size := properties.get("BatchSize")) is not None:
        settings["batch_size"] = as_int(size, "BatchSize")
    if (window := properties.get("MaximumBatchingWindowInSeconds")) is not None:
        settings["maximum_batching_window"] = as_int(window, "MaximumBatchingWindowInSeconds")
    filters = (properties.get("FilterCriteria") or {}).get("Filters") or []
    if filters:
        settings["filter_patterns"] = [str(item.get("Pattern", "")) for item in filters]
    if types := properties.get("FunctionResponseTypes"):
        settings["function_response_types"] = [str(value) for value in types]
    concurrency = (properties.get("ScalingConfig") or {}).get("MaximumConcurrency")
    if concurrency is not None:
        settings["maximum_concurrency"] = as_int(concurrency, "MaximumConcurrency")
    for key, (keyword, kind) in _STREAM_SETTINGS.items():
        value = properties.get(key)
        if value is None:
            continue
        if kind is int:
            settings[keyword] = as_int(value, key)
        elif kind is bool:
            settings[keyword] = value in (True, "true", "True")
        else:
            settings[keyword] = str(value)
    if (timestamp := properties.get("StartingPositionTimestamp")) is not None:
        settings["starting_position_timestamp"] = float(timestamp)
    destination = ((properties.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    if destination:
        settings["on_failure_destination"] = str(destination)
    return settings


def _arn(context: DeployContext, uuid: str) -> str:
    return f"arn:aws:lambda:{context.scope.region}:{context.scope.account}:event-source-mapping:{uuid}"
