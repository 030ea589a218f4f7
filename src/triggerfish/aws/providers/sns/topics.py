"""Topic operations: create, delete, list, attributes and tags."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.sns.service import SnsService
from triggerfish.services.sns.tags import tags_from_wire, tags_to_wire

Operation = Callable[[Call], Awaitable[Reply]]


class TopicOperations:
    def __init__(self, service: SnsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateTopic": self.create_topic,
            "DeleteTopic": self.delete_topic,
            "ListTopics": self.list_topics,
            "GetTopicAttributes": self.get_topic_attributes,
            "SetTopicAttributes": self.set_topic_attributes,
            "TagResource": self.tag_resource,
            "UntagResource": self.untag_resource,
            "ListTagsForResource": self.list_tags_for_resource,
        }

    async def create_topic(self, call: Call) -> Reply:
        p = call.params
        tags = tags_from_wire(p.get("Tags"))
        arn = await self._service.create_topic(p["Name"], p.get("Attributes"), tags, scope=call.scope)
        return Reply({"TopicArn": arn})

    async def delete_topic(self, call: Call) -> Reply:
        await self._service.delete_topic(call.params["TopicArn"], scope=call.scope)
        return Reply()

    async def list_topics(self, call: Call) -> Reply:
        arns, token = self._service.list_topics(call.params.get("NextToken"), scope=call.scope)
        shape: dict[str, object] = {"Topics": [{"TopicArn": arn} for arn in arns]}
        if token:
            shape["NextToken"] = token
        return Reply(shape)

    async def get_topic_attributes(self, call: Call) -> Reply:
        attributes = self._service.get_topic_attributes(call.params["TopicArn"], scope=call.scope)
        return Reply({"Attributes": attributes})

    async def set_topic_attributes(self, call: Call) -> Reply:
        p = call.params
        await self._service.set_topic_attributes(
            p["TopicArn"], p["AttributeName"], p.get("AttributeValue"), scope=call.scope
        )
        return Reply()

    async def tag_resource(self, call: Call) -> Reply:
        p = call.params
        await self._service.tag_resource(p["ResourceArn"], tags_from_wire(p["Tags"]), scope=call.scope)
        return Reply()

    async def untag_resource(self, call: Call) -> Reply:
        p = call.params
        await self._service.untag_resource(p["ResourceArn"], p["TagKeys"], scope=call.scope)
        return Reply()

    async def list_tags_for_resource(self, call: Call) -> Reply:
        tags = self._service.list_tags_for_resource(call.params["ResourceArn"], scope=call.scope)
        return Reply({"Tags": tags_to_wire(tags)})
