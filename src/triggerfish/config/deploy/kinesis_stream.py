"""``AWS::Kinesis::Stream`` (``Ref`` is the stream name, ``GetAtt Arn`` its ARN) and
``AWS::Kinesis::StreamConsumer`` (an enhanced fan-out consumer: recorded with the ARN AWS would give it;
a mapping that reads through it reads its stream)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, generated_name, require
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.kinesis.service import KinesisService

#: changing this needs a new stream (CloudFormation: "Update requires: Replacement")
_REPLACEMENT = ("Name",)


def kinesis_service(context: DeployContext) -> KinesisService:
    if context.services.kinesis is None:
        raise TemplateError("Kinesis is not available in this cloud")
    return context.services.kinesis


def _scope(context: DeployContext) -> str:
    return f"{context.scope.account}/{context.scope.region}"


def _arn(context: DeployContext, name: str) -> str:
    return f"arn:aws:kinesis:{context.scope.region}:{context.scope.account}:stream/{name}"


def _tags(properties: Mapping[str, Any]) -> dict[str, str]:
    return {str(tag["Key"]): str(tag["Value"]) for tag in properties.get("Tags") or []}


def _mode(properties: Mapping[str, Any]) -> str:
    return str((properties.get("StreamModeDetails") or {}).get("StreamMode") or "PROVISIONED")


class StreamHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        name = str(properties.get("Name") or generated_name(context.stack_name, logical_id, limit=128))
        mode = _mode(properties)
        count = properties.get("ShardCount")
        # CloudFormation's ShardCount defaults to 1 for provisioned streams
        shards = as_int(count, "ShardCount") if count is not None else (1 if mode == "PROVISIONED" else None)
        retention = properties.get("RetentionPeriodHours")
        tags = _tags(properties)
        try:
            await kinesis_service(context).create_stream(
                _scope(context),
                name,
                shard_count=shards,
                mode=mode,
                retention_hours=None if retention is None else as_int(retention, "RetentionPeriodHours"),
                tags=tags,
            )
        except TriggerfishError as exc:
            raise TemplateError(f"{exc.code}: {exc.message}") from None
        return PhysicalResource(name, {"Arn": _arn(context, name)})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if any(properties.get(key) != previous_properties.get(key) for key in _REPLACEMENT):
            return await self.create(context, logical_id, properties)
        # shard count, mode, retention and tags change in place: the stream keeps its records
        service, scope, name = kinesis_service(context), _scope(context), previous.physical_id
        try:
            if _mode(properties) != _mode(previous_properties):
                await service.set_mode(scope, _arn(context, name), _mode(properties))
            count = properties.get("ShardCount")
            if count is not None and count != previous_properties.get("ShardCount"):
                await service.update_shard_count(scope, name, as_int(count, "ShardCount"))
            retention = properties.get("RetentionPeriodHours")
            if retention != previous_properties.get("RetentionPeriodHours"):
                # a retention no longer given goes back to the default 24 hours
                hours = 24 if retention is None else as_int(retention, "RetentionPeriodHours")
                await service.set_retention(scope, name, hours)
            before, after = _tags(previous_properties), _tags(properties)
            if gone := [key for key in before if key not in after]:
                await service.untag_stream(scope, name, gone)
            if after != before and after:
                await service.tag_stream(scope, name, after)
        except TriggerfishError as exc:
            raise TemplateError(f"{exc.code}: {exc.message}") from None
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(TriggerfishError):  # already gone
            await kinesis_service(context).delete_stream(_scope(context), resource.physical_id)


class StreamConsumerHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        stream = str(require(properties, "StreamARN"))
        name = str(require(properties, "ConsumerName"))
        # ConsumerARN: <stream arn>/consumer/<name>:<creation epoch seconds> (Kinesis API reference)
        arn = f"{stream}/consumer/{name}:{int(context.services.lambda_.clock.now())}"
        return PhysicalResource(
            arn, {"ConsumerARN": arn, "ConsumerName": name, "StreamARN": stream, "ConsumerStatus": "ACTIVE"}
        )

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if properties != previous_properties:
            return await self.create(context, logical_id, properties)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        return None
