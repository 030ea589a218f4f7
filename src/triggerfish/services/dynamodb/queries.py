"""Query and Scan: one page of a table or index, in index order, with paging by key.

DynamoDB developer guide, "Query" and "Scan": ``Limit`` counts the items *evaluated* (read), before
the filter; the filter runs after the page is read, so ``Count`` (matched) can be less than
``ScannedCount`` (read); a page stops at ``Limit`` items or 1 MB of data read, and then answers
``LastEvaluatedKey`` (table key, plus the index key for an index) to start the next page after.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from triggerfish.services.dynamodb.capacity import CapacityDetail, Consumed, capacity_detail, read_units
from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import Condition, Path
from triggerfish.services.dynamodb.expressions.evaluate import matches
from triggerfish.services.dynamodb.expressions.keys import key_condition
from triggerfish.services.dynamodb.expressions.projection import project
from triggerfish.services.dynamodb.item_requests import parse_request
from triggerfish.services.dynamodb.item_selects import Select, Shape, choose_shape
from triggerfish.services.dynamodb.models import Item, KeySchema, SecondaryIndex, TableConfig
from triggerfish.services.dynamodb.values import check_value

if TYPE_CHECKING:
    from triggerfish.services.dynamodb.table_data import TableData
    from triggerfish.services.dynamodb.tables import TableRegistry

Result = dict[str, Any]

#: DynamoDB developer guide: a Query or Scan page reads at most 1 MB of data
PAGE_BYTES = 1_048_576


class Queries:
    def __init__(self, tables: TableRegistry) -> None:
        self._tables = tables

    def query(self, scope: str, params: Mapping[str, Any]) -> Result:
        detail = capacity_detail(params)
        table = self._tables.table(params["TableName"], scope)
        config = table.config
        index = _index(config, params)
        parsed = parse_request("Query", params)
        if parsed.key is None:
            raise ValidationError(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
            )
        schema = index.key if index is not None else config.key
        condition = key_condition(parsed.key, schema, dict(config.attribute_types))
        if parsed.filter is not None:
            _no_keys_in_filter(parsed.filter, schema)
        shape = choose_shape(params, parsed.projection, config, index)
        start = _start_key(config, index, params.get("ExclusiveStartKey"), query=True)
        if start is not None and start[schema.partition] != condition.partition_value:
            raise ValidationError("The provided starting key is outside query boundaries based on provided conditions")
        forward = params.get("ScanIndexForward", True) is not False
        name = None if index is None else index.name
        items = table.sized_query(condition, index=name, forward=forward, start_key=start)
        return _page(table, index, items, params, parsed.filter, shape, detail)

    def scan(self, scope: str, params: Mapping[str, Any]) -> Result:
        detail = capacity_detail(params)
        table = self._tables.table(params["TableName"], scope)
        config = table.config
        index = _index(config, params)
        parsed = parse_request("Scan", params)
        segment, total = _segments(params)
        shape = choose_shape(params, parsed.projection, config, index)
        start = _start_key(config, index, params.get("ExclusiveStartKey"), query=False)
        if start is not None and index is None and total > 1 and table.segment_of(start, total) != segment:
            raise ValidationError(
                "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey "
                f"with correct Segment. TotalSegments: {total} Segment: {segment}"
            )
        items = table.sized_scan(
            index=None if index is None else index.name, start_key=start, segment=segment, total_segments=total
        )
        return _page(table, index, items, params, parsed.filter, shape, detail)


def _index(config: TableConfig, params: Mapping[str, Any]) -> SecondaryIndex | None:
    name = params.get("IndexName")
    if name is None:
        return None
    index = config.index(name)
    if index is None:
        raise ValidationError(f"The table does not have the specified index: {name}")
    if index.is_global and params.get("ConsistentRead"):
        # DynamoDB developer guide: GSIs are eventually consistent only
        raise ValidationError("Consistent reads are not supported on global secondary indexes")
    return index


def _segments(params: Mapping[str, Any]) -> tuple[int, int]:
    segment, total = params.get("Segment"), params.get("TotalSegments")
    if segment is None and total is None:
        return 0, 1
    if segment is None:
        raise ValidationError(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments "
            "is present"
        )
    if total is None:
        raise ValidationError(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter "
            "is present"
        )
    if not 1 <= total <= 1_000_000:
        raise ValidationError(
            f"1 validation error detected: Value '{total}' at 'totalSegments' failed to satisfy constraint: "
            "Member must have value " + ("greater than or equal to 1" if total < 1 else "less than or equal to 1000000")
        )
    if segment < 0 or segment >= total:
        raise ValidationError(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {segment} is not less than TotalSegments: {total}"
        )
    return segment, total


def _no_keys_in_filter(condition: Condition, schema: KeySchema) -> None:
    """DynamoDB refuses a Query filter on the key being queried (the key condition does that job)."""
    for name in _names_in(condition):
        if name in schema.names:
            raise ValidationError(
                f"Filter Expression can only contain non-primary key attributes: Primary key attribute: {name}"
            )


def _names_in(node: Any) -> Iterator[str]:
    if isinstance(node, Path):
        yield node.top
        return
    if isinstance(node, tuple):
        for element in node:
            yield from _names_in(element)
        return
    for field in getattr(node, "__dataclass_fields__", ()):
        value = getattr(node, field)
        if not isinstance(value, str | dict):
            yield from _names_in(value)


def _start_key(config: TableConfig, index: SecondaryIndex | None, start: Any, *, query: bool) -> Item | None:
    if start is None:
        return None
    invalid = (
        "The provided starting key is invalid"
        if query
        else "The provided starting key is invalid: The provided key element does not match the schema"
    )
    names = set(config.key.names) | (set(index.key.names) if index is not None else set())
    if not isinstance(start, Mapping) or set(start) != names:
        raise ValidationError(invalid)
    checked: Item = {}
    for name in names:
        value = check_value(start[name])
        if next(iter(value)) != config.attribute_type(name):
            raise ValidationError(invalid)
        checked[name] = value
    return checked


def _page(
    table: TableData,
    index: SecondaryIndex | None,
    items: Iterator[tuple[Item, int]],
    params: Mapping[str, Any],
    condition: Condition | None,
    shape: Shape,
    detail: CapacityDetail,
) -> Result:
    limit = params.get("Limit")
    if limit is not None and limit < 1:
        raise ValidationError(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1"
        )
    key_names = table.config.key.names + (() if index is None else index.key.names)
    found: list[Item] = []
    scanned = count = size = 0
    last: Item | None = None
    for entry, entry_size in items:
        scanned += 1
        size += entry_size
        item = entry
        if shape.from_table:
            item = table.get(table.key_of(entry)) or entry
        if condition is None or matches(condition, item):
            count += 1
            if shape.select is not Select.COUNT:
                found.append(item if shape.projection is None else project(shape.projection, item))
        if (limit is not None and scanned >= limit) or size >= PAGE_BYTES:
            last = {name: entry[name] for name in key_names}
            break
    result: Result = {"Count": count, "ScannedCount": scanned}
    if shape.select is not Select.COUNT:
        result["Items"] = found
    if last is not None:
        result["LastEvaluatedKey"] = last
    if detail is not CapacityDetail.NONE:
        units = read_units(size, consistent=bool(params.get("ConsistentRead")))
        consumed = Consumed(table.config, read=True)
        if index is None:
            consumed.table = units
        else:
            consumed.add_index(index.name, units)
        result["ConsumedCapacity"] = consumed.shape(detail)
    return result
