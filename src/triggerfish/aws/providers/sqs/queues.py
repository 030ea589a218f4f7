"""Queue operations: create, find, list, attributes, tags, purge and delete, dead-letter sources."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.sqs.service import SqsService

Operation = Callable[[Call], Awaitable[Reply]]


class QueueOperations:
    def __init__(self, service: SqsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateQueue": self.create_queue,
            "GetQueueUrl": self.get_queue_url,
            "ListQueues": self.list_queues,
            "GetQueueAttributes": self.get_queue_attributes,
            "SetQueueAttributes": self.set_queue_attributes,
            "DeleteQueue": self.delete_queue,
            "PurgeQueue": self.purge_queue,
            "TagQueue": self.tag_queue,
            "UntagQueue": self.untag_queue,
            "ListQueueTags": self.list_queue_tags,
            "ListDeadLetterSourceQueues": self.list_dead_letter_source_queues,
        }

    async def create_queue(self, call: Call) -> Reply:
        p = call.params
        url = await self._service.create_queue(p["QueueName"], p.get("Attributes"), p.get("tags"), scope=call.scope)
        return Reply({"QueueUrl": url})

    async def get_queue_url(self, call: Call) -> Reply:
        p = call.params
        url = self._service.get_queue_url(p["QueueName"], owner=p.get("QueueOwnerAWSAccountId"), scope=call.scope)
        return Reply({"QueueUrl": url})

    async def list_queues(self, call: Call) -> Reply:
        p = call.params
        urls, token = self._service.list_queues(
            p.get("QueueNamePrefix"), max_results=p.get("MaxResults"), next_token=p.get("NextToken"), scope=call.scope
        )
        return Reply(_page("QueueUrls", urls, token))

    async def get_queue_attributes(self, call: Call) -> Reply:
        p = call.params
        attributes = self._service.get_queue_attributes(p["QueueUrl"], p.get("AttributeNames"), scope=call.scope)
        return Reply({"Attributes": attributes} if attributes else {})

    async def set_queue_attributes(self, call: Call) -> Reply:
        p = call.params
        await self._service.set_queue_attributes(p["QueueUrl"], p["Attributes"], scope=call.scope)
        return Reply()

    async def delete_queue(self, call: Call) -> Reply:
        await self._service.delete_queue(call.params["QueueUrl"], scope=call.scope)
        return Reply()

    async def purge_queue(self, call: Call) -> Reply:
        await self._service.purge_queue(call.params["QueueUrl"], scope=call.scope)
        return Reply()

    async def tag_queue(self, call: Call) -> Reply:
        await self._service.tag_queue(call.params["QueueUrl"], call.params["Tags"], scope=call.scope)
        return Reply()

    async def untag_queue(self, call: Call) -> Reply:
        await self._service.untag_queue(call.params["QueueUrl"], call.params["TagKeys"], scope=call.scope)
        return Reply()

    async def list_queue_tags(self, call: Call) -> Reply:
        tags = self._service.list_queue_tags(call.params["QueueUrl"], scope=call.scope)
        return Reply({"Tags": tags} if tags else {})

    async def list_dead_letter_source_queues(self, call: Call) -> Reply:
        p = call.params
        urls, token = self._service.list_dead_letter_source_queues(
            p["QueueUrl"], max_results=p.get("MaxResults"), next_token=p.get("NextToken"), scope=call.scope
        )
        # this one output member is lower-case in the model
        return Reply({"queueUrls": urls, **({"NextToken": token} if token else {})})


def _page(member: str, urls: list[str], token: str | None) -> dict[str, object]:
    shape: dict[str, object] = {member: urls} if urls else {}
    if token:
        shape["NextToken"] = token
    return shape
