"""``sns`` events: a topic named here is created (``SNSTopic<Name>``), a topic given by ARN is subscribed to.

Follows the Serverless Framework v3 (``package/compile/events/sns.js``): on a created topic a plain
subscription is listed in the topic's ``Subscription`` property, one with ``filterPolicy`` or ``redrivePolicy``
is an ``AWS::SNS::Subscription`` (``<Function>SnsSubscription<Topic>``); each event adds an
``AWS::Lambda::Permission`` (``<Function>LambdaPermission<Topic>SNS``) for ``sns.amazonaws.com``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent, compact

_ARN_SEPARATOR = re.compile(r"(?<!:):(?!:)")  # ':' but not '::' (an ARN's empty fields stay together)


def compile_sns(event: FunctionEvent, value: Any) -> None:
    if isinstance(value, str):
        settings: dict[str, Any] = {"arn": value} if value.startswith("arn:") else {"topicName": value}
    else:
        settings = event.settings(value, shorthand="topicName")
    topic_arn, topic_name, region = settings.get("arn"), settings.get("topicName"), None
    if isinstance(topic_arn, str):
        pieces = _ARN_SEPARATOR.split(topic_arn) if isinstance(value, Mapping) else topic_arn.split(":")
        topic_name = topic_name or pieces[-1]
        if isinstance(value, Mapping) and len(pieces) > 3 and pieces[3] != event.stack.region:
            region = pieces[3]  # a topic in another region is subscribed to in that region
    elif topic_arn is not None and not topic_name:
        problem = 'Missing "sns.topicName" setting (it needs to be provided if "sns.arn" is not provided as plain ARN'
        raise event.error(f"{problem} string)", "topicName")
    if not isinstance(topic_name, str) or not topic_name:
        raise event.error("needs a topic name or an 'arn'")
    source_arn = topic_arn if topic_arn is not None else _topic_arn(topic_name)
    redrive = _redrive_policy(event, settings.get("redrivePolicy"), source_arn, topic_name)
    subscription_id = naming.sns_subscription_logical_id(event.function_key, topic_name)
    filters = {"FilterPolicy": settings.get("filterPolicy"), "FilterPolicyScope": settings.get("filterPolicyScope")}
    if topic_arn is not None:
        properties = {"TopicArn": topic_arn, "Protocol": "lambda", "Endpoint": event.target, **filters}
        properties.update(RedrivePolicy=redrive, Region=region)
        event.stack.add(subscription_id, {"Type": "AWS::SNS::Subscription", "Properties": compact(properties)})
    else:
        _topic(event, topic_name, settings, subscription_id, filters, redrive)
    event.stack.add(
        naming.sns_permission_logical_id(event.function_key, topic_name),
        {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": event.target,
                "Action": "lambda:InvokeFunction",
                "Principal": "sns.amazonaws.com",
                "SourceArn": source_arn,
            },
        },
    )


def _topic(
    event: FunctionEvent,
    topic_name: str,
    settings: Mapping[str, Any],
    subscription_id: str,
    filters: dict[str, Any],
    redrive: Any,
) -> None:
    """Create the topic (once per name) and subscribe the function to it."""
    topic_id = naming.topic_logical_id(topic_name)
    topic = event.stack.resources.get(topic_id)
    if topic is None:
        properties = compact({"TopicName": topic_name, "DisplayName": settings.get("displayName") or None})
        topic = {"Type": "AWS::SNS::Topic", "Properties": properties}
        event.stack.add(topic_id, topic)
    subscription = {"Endpoint": event.target, "Protocol": "lambda"}
    if filters["FilterPolicy"] or redrive:
        properties = {**subscription, "TopicArn": {"Ref": topic_id}, **filters, "RedrivePolicy": redrive}
        event.stack.add(subscription_id, {"Type": "AWS::SNS::Subscription", "Properties": compact(properties)})
    else:
        topic["Properties"].setdefault("Subscription", []).append(subscription)


def _topic_arn(topic_name: str) -> dict[str, Any]:
    parts = ["arn:", {"Ref": "AWS::Partition"}, ":sns:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}]
    return {"Fn::Join": ["", [*parts, ":", topic_name]]}


def _redrive_policy(event: FunctionEvent, policy: Any, topic_arn: Any, topic_name: str) -> dict[str, Any] | None:
    """``redrivePolicy``: the dead-letter queue for undeliverable messages, and the queue policy letting SNS in."""
    if policy is None:
        return None
    if not isinstance(policy, Mapping):
        raise event.error("must be an object", "redrivePolicy")
    if isinstance(policy.get("deadLetterTargetArn"), str):
        target_arn: Any = policy["deadLetterTargetArn"]
        queue, account, queue_region = [*target_arn.split(":")[::-1], "", "", ""][:3]
        url: Any = {
            "Fn::Join": ["", [f"https://sqs.{queue_region}.", {"Ref": "AWS::URLSuffix"}, f"/{account}/{queue}"]]
        }
    elif isinstance(policy.get("deadLetterTargetRef"), str):
        target_arn = {"Fn::GetAtt": [policy["deadLetterTargetRef"], "Arn"]}
        url = {"Ref": policy["deadLetterTargetRef"]}
    elif isinstance(policy.get("deadLetterTargetImport"), Mapping):
        imported = policy["deadLetterTargetImport"]
        target_arn, url = {"Fn::ImportValue": imported.get("arn")}, {"Fn::ImportValue": imported.get("url")}
    else:
        raise event.error(
            "needs one of deadLetterTargetArn, deadLetterTargetRef or deadLetterTargetImport", "redrivePolicy"
        )
    policy_id = naming.topic_dlq_policy_logical_id(event.function_key, topic_name)
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": target_arn,
        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
    }
    document = {"Version": "2012-10-17", "Id": policy_id, "Statement": [statement]}
    event.stack.add(
        policy_id, {"Type": "AWS::SQS::QueuePolicy", "Properties": {"PolicyDocument": document, "Queues": [url]}}
    )
    return {"deadLetterTargetArn": target_arn}
