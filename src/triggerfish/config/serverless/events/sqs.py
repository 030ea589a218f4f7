"""``sqs`` events: one ``AWS::Lambda::EventSourceMapping`` per queue (the queue itself is not created).

Follows the Serverless Framework v3 (``package/compile/events/sqs.js``): logical id
``<Function>EventSourceMappingSQS<QueueName>``, ``BatchSize`` 10 unless given, ``Enabled`` true unless given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent, compact, filter_criteria, last_joined

#: what the generated role needs to poll a queue
ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
DEFAULT_BATCH_SIZE = 10


def compile_sqs(event: FunctionEvent, value: Any) -> None:
    settings = event.settings(value, shorthand="arn")
    arn = settings.get("arn")
    if arn is None:
        raise event.error("missing 'arn' (the queue's ARN)")
    properties = compact(
        {
            "BatchSize": settings.get("batchSize") or DEFAULT_BATCH_SIZE,
            "MaximumBatchingWindowInSeconds": settings.get("maximumBatchingWindow"),
            "EventSourceArn": arn,
            "FunctionName": event.target,
            "Enabled": settings.get("enabled", True),
        }
    )
    if settings.get("functionResponseType") is not None:
        properties["FunctionResponseTypes"] = [settings["functionResponseType"]]
    criteria = filter_criteria(settings.get("filterPatterns"), event)
    if criteria is not None:
        properties["FilterCriteria"] = criteria
    if settings.get("maximumConcurrency"):
        properties["ScalingConfig"] = {"MaximumConcurrency": settings["maximumConcurrency"]}
    logical_id = naming.queue_logical_id(event.function_key, _queue_name(arn, event))
    event.stack.add(
        logical_id,
        {"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": event.depends_on(), "Properties": properties},
    )
    event.stack.allow(ACTIONS, arn)


def _queue_name(arn: Any, event: FunctionEvent) -> str:
    """The name in the logical id: the ARN's last part, or what the intrinsic function points at."""
    if isinstance(arn, str):
        return arn.split(":")[-1]
    if isinstance(arn, Mapping):
        get_att, imported, joined = arn.get("Fn::GetAtt"), arn.get("Fn::ImportValue"), arn.get("Fn::Join")
        if isinstance(get_att, list) and get_att and isinstance(get_att[0], str):
            return get_att[0]
        if isinstance(imported, str):
            return imported
        last = last_joined(joined)
        if last is not None:
            return last
    raise event.error("must be a queue ARN, or an Fn::GetAtt, Fn::ImportValue or Fn::Join that makes one", "arn")
