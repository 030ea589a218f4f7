"""``AWS::SNS::Topic``, ``AWS::SNS::Subscription``, ``AWS::SNS::TopicPolicy`` and ``AWS::SNS::TopicInlinePolicy``.

A topic's ``Ref`` is its ARN (``GetAtt`` gives ``TopicArn`` and ``TopicName``); the subscriptions listed in
its ``Subscription`` property are made with it. A subscription's ``Ref`` is its ARN. A topic policy sets the
``Policy`` attribute of each topic it names.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name, require
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.sns import SnsService

#: CloudFormation property -> topic attribute (the same names)
_TOPIC_ATTRIBUTES = (
    "ArchivePolicy",
    "ContentBasedDeduplication",
    "DeliveryPolicy",
    "DisplayName",
    "FifoThroughputScope",
    "FifoTopic",
    "KmsMasterKeyId",
    "SignatureVersion",
    "TracingConfig",
)
#: CloudFormation property -> subscription attribute (the same names)
_SUBSCRIPTION_ATTRIBUTES = (
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "ReplayPolicy",
    "SubscriptionRoleArn",
)
#: what a subscription attribute is set to when a template stops giving it
_CLEARED = {"FilterPolicy": "", "RedrivePolicy": "", "DeliveryPolicy": "", "RawMessageDelivery": "false"}
#: changing these needs a new resource (CloudFormation: "Update requires: Replacement")
_TOPIC_REPLACEMENT = ("TopicName", "FifoTopic")
_SUBSCRIPTION_REPLACEMENT = ("TopicArn", "Protocol", "Endpoint", "Region")


def sns_service(context: DeployContext) -> SnsService:
    if context.services.sns is None:
        raise TemplateError("SNS is not available in this cloud")
    return context.services.sns


def attribute_text(value: Any) -> str:
    """A property as the API's attribute text: objects as JSON, booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _attributes(properties: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: attribute_text(properties[name]) for name in names if properties.get(name) is not None}


def _entries(properties: Mapping[str, Any]) -> list[tuple[str, str]]:
    listed = properties.get("Subscription") or []
    if not isinstance(listed, list):
        raise TemplateError("Value of property Subscription must be of type List")
    return [(str(entry.get("Protocol", "")), str(entry.get("Endpoint", ""))) for entry in listed]


class TopicHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        sns = sns_service(context)
        name = properties.get("TopicName")
        if not name:
            fifo = attribute_text(properties.get("FifoTopic", False)) == "true"
            # CloudFormation's generated name for a FIFO topic keeps the required .fifo suffix
            generated = generated_name(context.stack_name, logical_id, limit=251 if fifo else 256)
            name = f"{generated}.fifo" if fifo else generated
        tags = {str(tag["Key"]): str(tag["Value"]) for tag in properties.get("Tags") or []}
        arn = await sns.create_topic(str(name), _attributes(properties, _TOPIC_ATTRIBUTES), tags, scope=context.scope)
        for protocol, endpoint in _entries(properties):
            await sns.subscribe(arn, protocol, endpoint, scope=context.scope)
        return PhysicalResource(arn, {"TopicArn": arn, "TopicName": str(name)})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if any(properties.get(key) != previous_properties.get(key) for key in _TOPIC_REPLACEMENT):
            return await self.create(context, logical_id, properties)
        sns, arn = sns_service(context), previous.physical_id
        for name, value in _attributes(properties, _TOPIC_ATTRIBUTES).items():
            if name != "FifoTopic":
                await sns.set_topic_attributes(arn, name, value, scope=context.scope)
        entries = _entries(properties)
        gone = set(_entries(previous_properties)) - set(entries)
        subscriptions, _ = sns.list_subscriptions_by_topic(arn, scope=context.scope)
        for subscription in subscriptions:
            if (subscription.protocol.value, subscription.endpoint) in gone:
                await sns.unsubscribe(subscription.arn, scope=context.scope)
        for protocol, endpoint in entries:
            await sns.subscribe(arn, protocol, endpoint, scope=context.scope)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(TriggerfishError):  # already gone
            await sns_service(context).delete_topic(resource.physical_id, scope=context.scope)


class SubscriptionHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        arn = await sns_service(context).subscribe(
            str(require(properties, "TopicArn")),
            str(require(properties, "Protocol")),
            str(properties.get("Endpoint") or ""),
            _attributes(properties, _SUBSCRIPTION_ATTRIBUTES),
            return_arn=True,
            scope=context.scope,
        )
        return PhysicalResource(arn, {"Arn": arn})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if any(properties.get(key) != previous_properties.get(key) for key in _SUBSCRIPTION_REPLACEMENT):
            await self.delete(context, previous, previous_properties)
            return await self.create(context, logical_id, properties)
        sns = sns_service(context)
        wanted = _attributes(properties, _SUBSCRIPTION_ATTRIBUTES)
        for name in _attributes(previous_properties, _SUBSCRIPTION_ATTRIBUTES):
            if name not in wanted and name in _CLEARED:
                wanted[name] = _CLEARED[name]  # an attribute no longer given goes back to none, as a stack update does
        for name, value in wanted.items():
            await sns.set_subscription_attributes(previous.physical_id, name, value, scope=context.scope)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(TriggerfishError):  # already gone with its topic
            await sns_service(context).unsubscribe(resource.physical_id, scope=context.scope)


class TopicPolicyHandler:
    """``AWS::SNS::TopicPolicy`` (``Topics``, a list) and ``AWS::SNS::TopicInlinePolicy`` (``TopicArn``)."""

    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        document = require(properties, "PolicyDocument", dict)
        for arn in _policy_topics(properties):
            await sns_service(context).set_topic_attributes(
                arn, "Policy", attribute_text(document), scope=context.scope
            )
        return PhysicalResource(generated_name(context.stack_name, logical_id))

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        return await self.create(context, logical_id, properties)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        return None  # the topics keep the policy last set; a deleted topic takes it along


def _policy_topics(properties: Mapping[str, Any]) -> list[str]:
    if "TopicArn" in properties:
        return [str(properties["TopicArn"])]
    topics = require(properties, "Topics", list)
    return [str(topic) for topic in topics]
