"""DynamoDB's item API: PutItem, GetItem, UpdateItem, DeleteItem here; Query and Scan, the batch and
the transaction operations in their own modules, all behind :class:`ItemOperations`.

Each method takes the botocore input members and returns the output members. Reads and condition
checks run synchronously up to ``engine.commit``; its write is awaited before answering, so what a
client was told succeeded is durable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from triggerfish.core.clock import Clock
from triggerfish.services.dynamodb.batches import Batches
from triggerfish.services.dynamodb.capacity import (
    CapacityDetail,
    Consumed,
    capacity_detail,
    read_units,
    write_cost,
)
from triggerfish.services.dynamodb.expressions.projection import project
from triggerfish.services.dynamodb.item_checks import check_key, check_new_item
from triggerfish.services.dynamodb.item_collections import collection_metrics
from triggerfish.services.dynamodb.item_requests import parse_request
from triggerfish.services.dynamodb.item_writes import (
    changes_anything,
    check_condition,
    check_update_keys,
    delete_change,
    put_change,
    update_change,
)
from triggerfish.services.dynamodb.queries import Queries
from triggerfish.services.dynamodb.returns import old_on_failure, return_values, returned
from triggerfish.services.dynamodb.transactions import Transactions
from triggerfish.services.dynamodb.values import item_size

if TYPE_CHECKING:
    from triggerfish.services.dynamodb.engine import ItemChange, TableEngine
    from triggerfish.services.dynamodb.tables import TableRegistry

Result = dict[str, Any]


class ItemOperations:
    def __init__(self, tables: TableRegistry, engine: TableEngine, clock: Clock) -> None:
        self._tables = tables
        self._engine = engine
        self._queries = Queries(tables)
        self._batches = Batches(tables, engine)
        self._transactions = Transactions(tables, engine, clock)

    async def put_item(self, scope: str, params: Mapping[str, Any]) -> Result:
        chosen = return_values("PutItem", params)
        detail = capacity_detail(params)
        table = self._tables.table(params["TableName"], scope)
        parsed = parse_request("PutItem", params)
        item = check_new_item(table.config, params["Item"])
        change = put_change(table, item)
        check_condition(parsed.condition, change.old, return_old=old_on_failure(params))
        if changes_anything(change):
            await self._engine.commit([change])
        return self._written(params, change, returned(chosen, change.old, change.new), detail)

    async def get_item(self, scope: str, params: Mapping[str, Any]) -> Result:
        detail = capacity_detail(params)
        table = self._tables.table(params["TableName"], scope)
        parsed = parse_request("GetItem", params)
        key = check_key(table.config, params["Key"])
        item = table.get(key)
        result: Result = {}
        if item is not None:
            result["Item"] = item if parsed.projection is None else project(parsed.projection, item)
        if detail is not CapacityDetail.NONE:
            size = 0 if item is None else item_size(item)
            units = read_units(size, consistent=bool(params.get("ConsistentRead")))
            result["ConsumedCapacity"] = Consumed(table.config, read=True, table=units).shape(detail)
        return result

    async def update_item(self, scope: str, params: Mapping[str, Any]) -> Result:
        chosen = return_values("UpdateItem", params)
        detail = capacity_detail(params)
        table = self._tables.table(params["TableName"], scope)
        parsed = parse_request("UpdateItem", params)
        key = check_key(table.config, params["Key"])
        if parsed.update is not None:
            check_update_keys(table.config, parsed.update)
        old = table.get(key)
        check_condition(parsed.condition, old, return_old=old_on_failure(params))
        change = update_change(table, key, parsed.update, old)
        if changes_anything(change):
            await self._engine.commit([change])
        return self._written(params, change, returned(chosen, change.old, change.new, parsed.update), detail)

    async def delete_item(self, scope: str, params: Mapping[str, Any]) -> Result:
        chosen = return_values("DeleteItem", params)
        detail = capacity_detail(params)
        table = self._tables.table(params["TableName"], scope)
        parsed = parse_request("DeleteItem", params)
        key = check_key(table.config, params["Key"])
        old = table.get(key)
        check_condition(parsed.condition, old, return_old=old_on_failure(params))
        change = delete_change(table, key, old)
        if changes_anything(change):
            await self._engine.commit([change])
        return self._written(params, change, returned(chosen, old, None), detail)

    def _written(
        self, params: Mapping[str, Any], change: ItemChange, attributes: Any, detail: CapacityDetail
    ) -> Result:
        result: Result = {}
        if attributes is not None:
            result["Attributes"] = attributes
        if detail is not CapacityDetail.NONE:
            sizes = [item_size(item) for item in (change.old, change.new) if item is not None]
            result["ConsumedCapacity"] = write_cost(
                change.table.config, change.old, change.new, max(sizes, default=0)
            ).shape(detail)
        metrics = collection_metrics(params, change.table.config, change.key)
        if metrics is not None:
            result["ItemCollectionMetrics"] = metrics
        return result

    async def query(self, scope: str, params: Mapping[str, Any]) -> Result:
        return self._queries.query(scope, params)

    async def scan(self, scope: str, params: Mapping[str, Any]) -> Result:
        return self._queries.scan(scope, params)

    async def batch_get_item(self, scope: str, params: Mapping[str, Any]) -> Result:
        return self._batches.get(scope, params)

    async def batch_write_item(self, scope: str, params: Mapping[str, Any]) -> Result:
        return await self._batches.write(scope, params)

    async def transact_get_items(self, scope: str, params: Mapping[str, Any]) -> Result:
        return self._transactions.get(scope, params)

    async def transact_write_items(self, scope: str, params: Mapping[str, Any]) -> Result:
        return await self._transactions.write(scope, params)
