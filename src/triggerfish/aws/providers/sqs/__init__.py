"""The SQS provider: a table from operation name to a small method of one of its parts."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.sqs.messages import MessageOperations, Operation
from triggerfish.aws.providers.sqs.queues import QueueOperations
from triggerfish.services.sqs.service import SqsService

# A batch carries up to 1 MiB of messages (spec §2.1); binary attributes travel base64-encoded in
# JSON, and the names and framing add more, so the body may be well over 1 MiB.
REQUEST_LIMIT = BodyLimit(3 * 1_048_576, "SQS")


class SqsProvider:
    def __init__(self, service: SqsService) -> None:
        self._table: dict[str, Operation] = {
            **QueueOperations(service).table(),
            **MessageOperations(service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["SqsProvider"]
