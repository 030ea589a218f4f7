"""BatchGetItem and BatchWriteItem.

DynamoDB API reference: BatchGetItem reads up to 100 keys ("Too many items requested for the
BatchGetItem call") and answers at most 16 MB, handing back the rest as ``UnprocessedKeys``;
BatchWriteItem puts or deletes up to 25 items. Neither may name one item twice ("Provided list of
item keys contains duplicates"). Nothing is throttled locally, so a batch write is whole: its
changes are committed together and ``UnprocessedItems`` is always empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from triggerfish.services.dynamodb.capacity import (
    CapacityDetail,
    Consumed,
    capacity_detail,
    merged,
    read_units,
    write_cost,
)
from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.projection import project
from triggerfish.services.dynamodb.item_checks import check_key, check_new_item
from triggerfish.services.dynamodb.item_collections import metrics_for, wants_metrics
from triggerfish.services.dynamodb.item_requests import parse_request
from triggerfish.services.dynamodb.item_writes import changes_anything, delete_change, put_change
from triggerfish.services.dynamodb.values import item_size, key_text

if TYPE_CHECKING:
    from triggerfish.services.dynamodb.engine import ItemChange, TableEngine
    from triggerfish.services.dynamodb.tables import TableRegistry

Result = dict[str, Any]

MAX_GET_KEYS = 100
MAX_WRITES = 25
#: DynamoDB API reference: a BatchGetItem answer holds at most 16 MB of items
MAX_GET_BYTES = 16 * 1_048_576
DUPLICATES = "Provided list of item keys contains duplicates"


class Batches:
    def __init__(self, tables: TableRegistry, engine: TableEngine) -> None:
        self._tables = tables
        self._engine = engine

    def get(self, scope: str, params: Mapping[str, Any]) -> Result:
        detail = capacity_detail(params)
        requests: Mapping[str, Any] = params["RequestItems"]
        if sum(len(request.get("Keys") or ()) for request in requests.values()) > MAX_GET_KEYS:
            raise ValidationError("Too many items requested for the BatchGetItem call")
        planned = []
        for name, request in requests.items():
            table = self._tables.table(name, scope)
            parsed = parse_request("BatchGet", request)
            keys = [check_key(table.config, key) for key in request.get("Keys") or ()]
            if len({key_text(key) for key in keys}) != len(keys):
                raise ValidationError(DUPLICATES)
            planned.append((name, request, table, parsed.projection, keys))
        responses: dict[str, list[Any]] = {}
        unprocessed: dict[str, Any] = {}
        costs: list[Consumed] = []
        total = 0
        for name, request, table, projection, keys in planned:
            found = responses.setdefault(name, [])
            consistent = bool(request.get("ConsistentRead"))
            cost = Consumed(table.config, read=True)
            for position, key in enumerate(keys):
                item = table.get(key)
                size = 0 if item is None else item_size(item)
                if total + size > MAX_GET_BYTES:
                    unprocessed[name] = {**request, "Keys": keys[position:]}
                    break
                total += size
                cost.table += read_units(size, consistent=consistent)
                if item is not None:
                    found.append(item if projection is None else project(projection, item))
            costs.append(cost)
        result: Result = {"Responses": responses, "UnprocessedKeys": unprocessed}
        if detail is not CapacityDetail.NONE:
            result["ConsumedCapacity"] = merged(costs, detail)
        return result

    async def write(self, scope: str, params: Mapping[str, Any]) -> Result:
        detail = capacity_detail(params)
        metrics = wants_metrics(params)
        requests: Mapping[str, Any] = params["RequestItems"]
        if sum(len(writes) for writes in requests.values()) > MAX_WRITES:
            raise ValidationError("Too many items requested for the BatchWriteItem call")
        changes: list[ItemChange] = []
        for name, writes in requests.items():
            table = self._tables.table(name, scope)
            seen: set[str] = set()
            for write in writes:
                put, delete = write.get("PutRequest"), write.get("DeleteRequest")
                if (put is None) == (delete is None):
                    raise ValidationError(
                        "One or more parameter values were invalid: A write request must contain exactly one of "
                        "PutRequest or DeleteRequest"
                    )
                if put is not None:
                    change = put_change(table, check_new_item(table.config, put["Item"]))
                else:
                    key = check_key(table.config, delete["Key"])
                    change = delete_change(table, key, table.get(key))
                text = key_text(change.key)
                if text in seen:
                    raise ValidationError(DUPLICATES)
                seen.add(text)
                changes.append(change)
        committed = [change for change in changes if changes_anything(change)]
        if committed:
            await self._engine.commit(committed)
        result: Result = {"UnprocessedItems": {}}
        if detail is not CapacityDetail.NONE:
            result["ConsumedCapacity"] = merged((_cost(change) for change in changes), detail)
        if metrics:
            collected: dict[str, list[Any]] = {}
            for change in changes:
                found = metrics_for(change.table.config, change.key)
                if found is not None:
                    collected.setdefault(change.table.config.name, []).append(found)
            result["ItemCollectionMetrics"] = collected
        return result


def _cost(change: ItemChange) -> Consumed:
    size = max((item_size(item) for item in (change.old, change.new) if item is not None), default=0)
    return write_cost(change.table.config, change.old, change.new, size)
