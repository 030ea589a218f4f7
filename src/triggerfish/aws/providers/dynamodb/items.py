"""DynamoDB's item operations (``dynamodb``, json protocol): each unpacks nothing, the service takes
the input members as they are and answers the output members."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.dynamodb.items import ItemOperations

Operation = Callable[[Call], Awaitable[Reply]]
_Method = Callable[[str, Mapping[str, Any]], Awaitable[dict[str, Any]]]


class ItemProviderOperations:
    def __init__(self, items: ItemOperations) -> None:
        self._items = items

    def table(self) -> dict[str, Operation]:
        items = self._items
        methods: dict[str, _Method] = {
            "PutItem": items.put_item,
            "GetItem": items.get_item,
            "UpdateItem": items.update_item,
            "DeleteItem": items.delete_item,
            "Query": items.query,
            "Scan": items.scan,
            "BatchGetItem": items.batch_get_item,
            "BatchWriteItem": items.batch_write_item,
            "TransactWriteItems": items.transact_write_items,
            "TransactGetItems": items.transact_get_items,
        }
        return {name: _operation(method) for name, method in methods.items()}


def _operation(method: _Method) -> Operation:
    async def operation(call: Call) -> Reply:
        scope = call.scope
        return Reply(await method(f"{scope.account}/{scope.region}", call.params))

    return operation
