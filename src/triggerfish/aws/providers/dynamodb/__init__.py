"""The DynamoDB provider (``dynamodb``, json protocol): the table operations and the item operations
in one table from operation name to method."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.dynamodb.items import ItemProviderOperations
from triggerfish.aws.providers.dynamodb.tables import Operation, TableProviderOperations
from triggerfish.services.dynamodb.service import DynamoDBService

# BatchWriteItem and TransactWriteItems carry up to 100 items of up to 400 KB each (DynamoDB quotas),
# and JSON with base64 binary values makes that larger still.
REQUEST_LIMIT = BodyLimit(16 * 1_048_576, "BatchWriteItem")


class DynamoDBProvider:
    def __init__(self, service: DynamoDBService) -> None:
        self._table: dict[str, Operation] = {
            **TableProviderOperations(service).table(),
            **ItemProviderOperations(service.items).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["DynamoDBProvider"]
