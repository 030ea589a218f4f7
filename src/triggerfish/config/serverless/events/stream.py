"""``stream`` events (DynamoDB Streams and Kinesis): one ``AWS::Lambda::EventSourceMapping`` per stream.

Follows the Serverless Framework v3 (``package/compile/events/stream.js``): logical id
``<Function>EventSourceMapping<Type><StreamName>``, ``BatchSize`` 10, ``StartingPosition`` ``TRIM_HORIZON``,
``Enabled`` true unless given; ``consumer: true`` adds an ``AWS::Kinesis::StreamConsumer``. One deliberate
difference: ``startingPositionTimestamp`` is passed (and required for ``AT_TIMESTAMP``) with or without a
consumer, where v3 only looked at it for consumers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent, compact, filter_criteria, last_joined

DEFAULT_BATCH_SIZE = 10
DEFAULT_STARTING_POSITION = "TRIM_HORIZON"
STREAM_TYPES = ("dynamodb", "kinesis")
_READ_ACTIONS = {
    "dynamodb": ("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"),
    "kinesis": ("kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListStreams"),
}
#: what the function's role needs for each kind of on-failure destination
_FAILURE_ACTIONS = {
    "sns": ("sns:Publish",),
    "sqs": ("sqs:ListQueues", "sqs:SendMessage"),
    "s3": ("s3:PutObject", "s3:ListBucket"),
}
_CONSUMER_READ_ACTIONS = (
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:DescribeStreamSummary",
    "kinesis:ListShards",
)


def compile_stream(event: FunctionEvent, value: Any) -> None:
    settings = event.settings(value, shorthand="arn")
    arn = settings.get("arn")
    if arn is None:
        raise event.error("missing 'arn' (the stream's ARN)")
    stream_type = settings.get("type") or (arn.split(":")[2] if isinstance(arn, str) and arn.count(":") >= 2 else None)
    if stream_type not in STREAM_TYPES:
        raise event.error("'type' must be 'dynamodb' or 'kinesis' (it is required when 'arn' is not an ARN)", "type")
    stream_name = _stream_name(arn, event)
    properties = compact(
        {
            "BatchSize": settings.get("batchSize") or DEFAULT_BATCH_SIZE,
            "Enabled": settings.get("enabled", True),
            "EventSourceArn": arn,
            "FunctionName": event.target,
            "ParallelizationFactor": settings.get("parallelizationFactor") or None,
            "StartingPosition": settings.get("startingPosition") or DEFAULT_STARTING_POSITION,
            "MaximumBatchingWindowInSeconds": settings.get("batchWindow"),
            "MaximumRetryAttempts": settings.get("maximumRetryAttempts"),
            "BisectBatchOnFunctionError": settings.get("bisectBatchOnFunctionError"),
        }
    )
    if settings.get("functionResponseType") is not None:
        properties["FunctionResponseTypes"] = [settings["functionResponseType"]]
    if settings.get("maximumRecordAgeInSeconds"):
        properties["MaximumRecordAgeInSeconds"] = settings["maximumRecordAgeInSeconds"]
    if settings.get("tumblingWindowInSeconds") is not None:
        properties["TumblingWindowInSeconds"] = settings["tumblingWindowInSeconds"]
    if settings.get("destinations"):
        properties["DestinationConfig"] = {"OnFailure": {"Destination": _on_failure(settings["destinations"], event)}}
    criteria = filter_criteria(settings.get("filterPatterns"), event)
    if criteria is not None:
        properties["FilterCriteria"] = criteria
    if properties["StartingPosition"] == "AT_TIMESTAMP" and not settings.get("startingPositionTimestamp"):
        raise event.error(
            f"You must specify startingPositionTimestamp for function: {event.function_key} "
            "when startingPosition is AT_TIMESTAMP",
            "startingPositionTimestamp",
        )
    if settings.get("startingPositionTimestamp"):
        properties["StartingPositionTimestamp"] = settings["startingPositionTimestamp"]
    resource: dict[str, Any] = {
        "Type": "AWS::Lambda::EventSourceMapping",
        "DependsOn": event.depends_on(),
        "Properties": properties,
    }
    consumer = settings.get("consumer")
    if consumer and stream_type == "kinesis":
        _use_consumer(event, consumer, resource, arn, stream_name)
    elif stream_type == "dynamodb":
        event.stack.allow(_READ_ACTIONS["dynamodb"], arn)
    else:
        event.stack.allow(_READ_ACTIONS["kinesis"], arn)
    event.stack.add(naming.stream_logical_id(event.function_key, stream_type, stream_name), resource)


def _use_consumer(event: FunctionEvent, consumer: Any, resource: dict[str, Any], arn: Any, stream_name: str) -> None:
    """Read through an enhanced fan-out consumer: a generated one (``consumer: true``) or a given ARN."""
    event.stack.allow(_CONSUMER_READ_ACTIONS, arn)
    if consumer is True:
        consumer_name = naming.stream_consumer_name(event.function_key, stream_name)
        consumer_id = naming.stream_consumer_logical_id(consumer_name)
        event.stack.add(
            consumer_id,
            {"Type": "AWS::Kinesis::StreamConsumer", "Properties": {"StreamARN": arn, "ConsumerName": consumer_name}},
        )
        resource["DependsOn"].append(consumer_id)
        consumer = {"Ref": consumer_id}
    resource["Properties"]["EventSourceArn"] = consumer
    event.stack.allow(("kinesis:SubscribeToShard",), consumer)


def _on_failure(destinations: Any, event: FunctionEvent) -> Any:
    on_failure = destinations.get("onFailure") if isinstance(destinations, Mapping) else None
    if on_failure is None:
        raise event.error("must name 'onFailure' (an SQS queue, SNS topic or S3 bucket ARN)", "destinations")
    target = on_failure.get("arn") if isinstance(on_failure, Mapping) else on_failure
    kind = on_failure.get("type") if isinstance(on_failure, Mapping) else None
    if kind is None:
        kind = target.split(":")[2] if isinstance(target, str) and target.count(":") >= 2 else None
    if kind not in _FAILURE_ACTIONS:
        raise event.error(
            "must be an SQS queue, SNS topic or S3 bucket ARN, or {arn, type: sqs|sns|s3}", "destinations.onFailure"
        )
    event.stack.allow(_FAILURE_ACTIONS[kind], target)
    return target


def _stream_name(arn: Any, event: FunctionEvent) -> str:
    """The name in the logical id: the table or stream name, or what the intrinsic function points at."""
    if isinstance(arn, str):
        parts = arn.split("/")
        if len(parts) > 1:
            return parts[1]
    elif isinstance(arn, Mapping):
        get_att, joined = arn.get("Fn::GetAtt"), arn.get("Fn::Join")
        if isinstance(get_att, list) and get_att and isinstance(get_att[0], str):
            return get_att[0]
        for function in ("Fn::ImportValue", "Ref"):
            if isinstance(arn.get(function), str):
                return str(arn[function])
        last = last_joined(joined)
        if last is not None:
            return last.split("/")[-1]
    raise event.error("must be a stream ARN, or an Fn::GetAtt, Fn::ImportValue, Ref or Fn::Join that makes one", "arn")
