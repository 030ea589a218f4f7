"""``AWS::SQS::Queue``: a queue in the SQS service; ``Ref`` is its URL."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.sqs import SqsService

#: CloudFormation property -> SQS attribute (the same names, except the policies' JSON objects)
_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoQueue",
    "FifoThroughputLimit",
    "KmsDataKeyReusePeriodSeconds",
    "KmsMasterKeyId",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)
#: changing these needs a new queue (CloudFormation: "Update requires: Replacement")
_REPLACEMENT = ("QueueName", "FifoQueue")


class SqsQueueHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        sqs = _sqs(context)
        name = _queue_name(context, logical_id, properties)
        tags = {str(tag["Key"]): str(tag["Value"]) for tag in properties.get("Tags") or []}
        url = await sqs.create_queue(name, _attributes(properties), tags, scope=context.scope)
        return _physical(sqs, url, name, context)

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
        sqs = _sqs(context)
        attributes = _attributes(properties)
        # attributes no longer given go back to their defaults, as a stack update does
        defaults = {"DelaySeconds": "0", "MaximumMessageSize": "1048576", "MessageRetentionPeriod": "345600"}
        defaults |= {"ReceiveMessageWaitTimeSeconds": "0", "VisibilityTimeout": "30", "RedrivePolicy": ""}
        for key in _attributes(previous_properties):
            if key not in attributes and key in defaults:
                attributes[key] = defaults[key]
        attributes.pop("FifoQueue", None)
        if attributes:
            await sqs.set_queue_attributes(previous.physical_id, attributes, scope=context.scope)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(TriggerfishError):  # already gone
            await _sqs(context).delete_queue(resource.physical_id, scope=context.scope)


def _sqs(context: DeployContext) -> SqsService:
    if context.services.sqs is None:
        raise TemplateError("SQS is not available in this cloud")
    return context.services.sqs


def _queue_name(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> str:
    given = properties.get("QueueName")
    if given:
        return str(given)
    fifo = _flag(properties.get("FifoQueue"))
    # CloudFormation's generated name for a FIFO queue keeps the required .fifo suffix
    name = generated_name(context.stack_name, logical_id, limit=75 if fifo else 80)
    return f"{name}.fifo" if fifo else name


def _attributes(properties: Mapping[str, Any]) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for key in _ATTRIBUTES:
        value = properties.get(key)
        if value is None:
            continue
        if isinstance(value, Mapping | list):
            attributes[key] = json.dumps(value, separators=(",", ":"))
        elif isinstance(value, bool):
            attributes[key] = "true" if value else "false"
        else:
            attributes[key] = str(value)
    return attributes


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _physical(sqs: SqsService, url: str, name: str, context: DeployContext) -> PhysicalResource:
    arn = f"arn:aws:sqs:{context.scope.region}:{context.scope.account}:{name}"
    return PhysicalResource(url, {"Arn": arn, "QueueName": name, "QueueUrl": url})
