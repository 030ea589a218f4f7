"""Publish and PublishBatch."""

from __future__ import annotations

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.sns.shapes import batch_entry, message, publish_result
from triggerfish.aws.providers.sns.topics import Operation
from triggerfish.services.sns.service import SnsService


class PublishOperations:
    def __init__(self, service: SnsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {"Publish": self.publish, "PublishBatch": self.publish_batch}

    async def publish(self, call: Call) -> Reply:
        p = call.params
        published = await self._service.publish(
            message(p),
            topic_arn=p.get("TopicArn"),
            target_arn=p.get("TargetArn"),
            phone_number=p.get("PhoneNumber"),
            scope=call.scope,
        )
        return Reply(publish_result(published))

    async def publish_batch(self, call: Call) -> Reply:
        p = call.params
        entries = [(entry["Id"], message(entry)) for entry in p["PublishBatchRequestEntries"]]
        results = await self._service.publish_batch(p["TopicArn"], entries, scope=call.scope)
        successful = [batch_entry(entry_id, published) for entry_id, published in results]
        return Reply({"Successful": successful, "Failed": []})
