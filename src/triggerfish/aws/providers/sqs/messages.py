"""Message operations: send, receive, delete, change visibility (and their batches), move tasks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.sqs import shapes
from triggerfish.services.sqs.models import OutgoingMessage
from triggerfish.services.sqs.service import SqsService

Operation = Callable[[Call], Awaitable[Reply]]


class MessageOperations:
    def __init__(self, service: SqsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "SendMessage": self.send_message,
            "SendMessageBatch": self.send_message_batch,
            "ReceiveMessage": self.receive_message,
            "DeleteMessage": self.delete_message,
            "DeleteMessageBatch": self.delete_message_batch,
            "ChangeMessageVisibility": self.change_message_visibility,
            "ChangeMessageVisibilityBatch": self.change_message_visibility_batch,
            "StartMessageMoveTask": self.start_message_move_task,
            "ListMessageMoveTasks": self.list_message_move_tasks,
            "CancelMessageMoveTask": self.cancel_message_move_task,
        }

    async def send_message(self, call: Call) -> Reply:
        p = call.params
        result = await self._service.send_message(p["QueueUrl"], _outgoing(p), scope=call.scope)
        return Reply(shapes.send_result(result))

    async def send_message_batch(self, call: Call) -> Reply:
        p = call.params
        entries = [(entry["Id"], _outgoing(entry)) for entry in p["Entries"]]
        outcome = await self._service.send_message_batch(p["QueueUrl"], entries, scope=call.scope)
        return Reply(shapes.batch_result(outcome))

    async def receive_message(self, call: Call) -> Reply:
        p = call.params
        received = await self._service.receive_message(
            p["QueueUrl"],
            max_messages=p.get("MaxNumberOfMessages", 1),
            visibility_timeout=p.get("VisibilityTimeout"),
            wait_time=p.get("WaitTimeSeconds"),
            attempt_id=p.get("ReceiveRequestAttemptId"),
            scope=call.scope,
        )
        # AttributeNames is the older name of MessageSystemAttributeNames; both count
        system = [*p.get("AttributeNames", []), *p.get("MessageSystemAttributeNames", [])]
        selection = shapes.Selection(system, p.get("MessageAttributeNames", []))
        return Reply({"Messages": [selection.shape(message) for message in received]} if received else {})

    async def delete_message(self, call: Call) -> Reply:
        await self._service.delete_message(call.params["QueueUrl"], call.params["ReceiptHandle"], scope=call.scope)
        return Reply()

    async def delete_message_batch(self, call: Call) -> Reply:
        p = call.params
        entries = [(entry["Id"], entry["ReceiptHandle"]) for entry in p["Entries"]]
        outcome = await self._service.delete_message_batch(p["QueueUrl"], entries, scope=call.scope)
        return Reply(shapes.batch_result(outcome))

    async def change_message_visibility(self, call: Call) -> Reply:
        p = call.params
        await self._service.change_message_visibility(
            p["QueueUrl"], p["ReceiptHandle"], p["VisibilityTimeout"], scope=call.scope
        )
        return Reply()

    async def change_message_visibility_batch(self, call: Call) -> Reply:
        p = call.params
        entries = [(e["Id"], e["ReceiptHandle"], e.get("VisibilityTimeout", 0)) for e in p["Entries"]]
        outcome = await self._service.change_message_visibility_batch(p["QueueUrl"], entries, scope=call.scope)
        return Reply(shapes.batch_result(outcome))

    async def start_message_move_task(self, call: Call) -> Reply:
        p = call.params
        handle = await self._service.start_message_move_task(
            p["SourceArn"], p.get("DestinationArn"), p.get("MaxNumberOfMessagesPerSecond")
        )
        return Reply({"TaskHandle": handle})

    async def list_message_move_tasks(self, call: Call) -> Reply:
        p = call.params
        views = self._service.list_message_move_tasks(p["SourceArn"], p.get("MaxResults"))
        return Reply({"Results": [shapes.move_task(view) for view in views]})

    async def cancel_message_move_task(self, call: Call) -> Reply:
        moved = await self._service.cancel_message_move_task(call.params["TaskHandle"])
        return Reply({"ApproximateNumberOfMessagesMoved": moved})


def _outgoing(p: Mapping[str, Any]) -> OutgoingMessage:
    return OutgoingMessage(
        body=p.get("MessageBody", ""),
        delay_seconds=p.get("DelaySeconds"),
        attributes=shapes.message_attributes(p.get("MessageAttributes")),
        system_attributes=shapes.message_attributes(p.get("MessageSystemAttributes")),
        group_id=p.get("MessageGroupId"),
        deduplication_id=p.get("MessageDeduplicationId"),
    )
