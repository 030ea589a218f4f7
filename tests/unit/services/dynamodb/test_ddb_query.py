"""Query and Scan: key conditions, filters, Select, indexes, paging by Limit and by ExclusiveStartKey."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.items import ItemOperations
from triggerfish.services.dynamodb.service import DynamoDBService
from triggerfish.store.factory import open_store

SCOPE = "000000000000/us-east-1"


@pytest.fixture
async def items() -> AsyncIterator[ItemOperations]:
    store = open_store(None)
    await store.open()
    service = DynamoDBService(store, VirtualClock(), WorkTracker())
    await service.start()
    await service.create_table(
        SCOPE,
        {
            "TableName": "tbl",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "g", "AttributeType": "S"},
                {"AttributeName": "l", "AttributeType": "S"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-g",
                    "KeySchema": [
                        {"AttributeName": "g", "KeyType": "HASH"},
                        {"AttributeName": "sk", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            "LocalSecondaryIndexes": [
                {
                    "IndexName": "by-l",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "l", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
        },
    )
    for number in range(1, 11):
        item = {
            "pk": {"S": "p"},
            "sk": {"N": str(number)},
            "v": {"N": str(number % 3)},
            "l": {"S": f"l{11 - number:02}"},
        }
        if number % 2 == 0:
            item["g"] = {"S": "even"}
        await service.items.put_item(SCOPE, {"TableName": "tbl", "Item": item})
    await service.items.put_item(SCOPE, {"TableName": "tbl", "Item": {"pk": {"S": "q"}, "sk": {"N": "1"}}})
    yield service.items
    await service.close()
    await store.close()


def _query(**params: Any) -> dict[str, Any]:
    return {
        "TableName": "tbl",
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "p"}, **params.pop("values", {})},
        **params,
    }


def _sks(answer: dict[str, Any]) -> list[int]:
    return [int(item["sk"]["N"]) for item in answer["Items"]]


async def test_query_orders_and_filters(items: ItemOperations) -> None:
    answer = await items.query(SCOPE, _query())
    assert _sks(answer) == list(range(1, 11))
    assert answer["Count"] == answer["ScannedCount"] == 10
    assert "LastEvaluatedKey" not in answer
    backwards = await items.query(
        SCOPE, _query(ScanIndexForward=False, KeyConditionExpression="pk = :p AND sk > :s", values={":s": {"N": "7"}})
    )
    assert _sks(backwards) == [10, 9, 8]
    filtered = await items.query(SCOPE, _query(FilterExpression="v = :zero", values={":zero": {"N": "0"}}))
    assert _sks(filtered) == [3, 6, 9]
    assert filtered["Count"] == 3 and filtered["ScannedCount"] == 10


async def test_limit_counts_items_read_before_the_filter_and_pages(items: ItemOperations) -> None:
    page = await items.query(SCOPE, _query(Limit=4, FilterExpression="v = :zero", values={":zero": {"N": "0"}}))
    assert _sks(page) == [3]
    assert page["ScannedCount"] == 4
    assert page["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "4"}}
    seen: list[int] = []
    start = None
    while True:
        params = _query(Limit=3)
        if start is not None:
            params["ExclusiveStartKey"] = start
        answer = await items.query(SCOPE, params)
        seen.extend(_sks(answer))
        start = answer.get("LastEvaluatedKey")
        if start is None:
            break
    assert seen == list(range(1, 11))


async def test_select_count_and_projection(items: ItemOperations) -> None:
    counted = await items.query(SCOPE, _query(Select="COUNT"))
    assert counted == {"Count": 10, "ScannedCount": 10}
    projected = await items.query(SCOPE, _query(ProjectionExpression="v", Limit=1))
    assert projected["Items"] == [{"v": {"N": "1"}}]
    with pytest.raises(
        ValidationError, match=r"^Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES$"
    ):
        await items.query(SCOPE, _query(ProjectionExpression="v", Select="ALL_ATTRIBUTES"))
    with pytest.raises(ValidationError, match=r"^Must specify the AttributesToGet or ProjectionExpression"):
        await items.query(SCOPE, _query(Select="SPECIFIC_ATTRIBUTES"))
    with pytest.raises(
        ValidationError, match=r"^ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName$"
    ):
        await items.scan(SCOPE, {"TableName": "tbl", "Select": "ALL_PROJECTED_ATTRIBUTES"})


async def test_query_filter_may_not_name_the_key(items: ItemOperations) -> None:
    with pytest.raises(ValidationError) as caught:
        await items.query(SCOPE, _query(FilterExpression="sk > :s", values={":s": {"N": "1"}}))
    assert (
        caught.value.message
        == "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"
    )


async def test_global_index_query(items: ItemOperations) -> None:
    params = {
        "TableName": "tbl",
        "IndexName": "by-g",
        "KeyConditionExpression": "g = :g",
        "ExpressionAttributeValues": {":g": {"S": "even"}},
        "Limit": 2,
    }
    answer = await items.query(SCOPE, params)
    assert answer["Items"][0] == {"pk": {"S": "p"}, "sk": {"N": "2"}, "g": {"S": "even"}}
    assert answer["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "4"}, "g": {"S": "even"}}
    rest = await items.query(SCOPE, {**params, "Limit": 10, "ExclusiveStartKey": answer["LastEvaluatedKey"]})
    assert _sks(rest) == [6, 8, 10]
    with pytest.raises(ValidationError, match=r"^Consistent reads are not supported on global secondary indexes$"):
        await items.query(SCOPE, {**params, "ConsistentRead": True})
    with pytest.raises(
        ValidationError, match="Select type ALL_ATTRIBUTES is not supported for global secondary index by-g"
    ):
        await items.query(SCOPE, {**params, "Select": "ALL_ATTRIBUTES"})
    with pytest.raises(ValidationError, match=r"^The table does not have the specified index: nope$"):
        await items.query(SCOPE, {**params, "IndexName": "nope"})
    with pytest.raises(ValidationError, match=r"^The provided starting key is invalid$"):
        await items.query(SCOPE, {**params, "ExclusiveStartKey": {"pk": {"S": "p"}, "sk": {"N": "4"}}})


async def test_local_index_fetches_unprojected_attributes_from_the_table(items: ItemOperations) -> None:
    answer = await items.query(
        SCOPE,
        _query(IndexName="by-l", Select="ALL_ATTRIBUTES", Limit=1),
    )
    assert answer["Items"] == [
        {"pk": {"S": "p"}, "sk": {"N": "10"}, "v": {"N": "1"}, "l": {"S": "l01"}, "g": {"S": "even"}}
    ]
    projected = await items.query(SCOPE, _query(IndexName="by-l", Limit=1))
    assert projected["Items"] == [{"pk": {"S": "p"}, "sk": {"N": "10"}, "l": {"S": "l01"}}]


async def test_scan_segments_cover_the_table_once(items: ItemOperations) -> None:
    whole = await items.scan(SCOPE, {"TableName": "tbl"})
    assert whole["Count"] == 11
    parts = [await items.scan(SCOPE, {"TableName": "tbl", "Segment": n, "TotalSegments": 3}) for n in range(3)]
    assert sorted(str(item) for part in parts for item in part["Items"]) == sorted(str(item) for item in whole["Items"])
    with pytest.raises(ValidationError) as caught:
        await items.scan(SCOPE, {"TableName": "tbl", "Segment": 3, "TotalSegments": 3})
    assert caught.value.message == (
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 3 is not less than TotalSegments: 3"
    )
    with pytest.raises(ValidationError, match="The Segment parameter is required"):
        await items.scan(SCOPE, {"TableName": "tbl", "TotalSegments": 3})


async def test_scan_filter_and_paging(items: ItemOperations) -> None:
    answer = await items.scan(
        SCOPE, {"TableName": "tbl", "FilterExpression": "attribute_not_exists(v)", "ReturnConsumedCapacity": "TOTAL"}
    )
    assert answer["Items"] == [{"pk": {"S": "q"}, "sk": {"N": "1"}}]
    assert answer["ScannedCount"] == 11
    assert answer["ConsumedCapacity"]["TableName"] == "tbl"
    seen = 0
    start = None
    while True:
        params: dict[str, Any] = {"TableName": "tbl", "Limit": 4}
        if start is not None:
            params["ExclusiveStartKey"] = start
        page = await items.scan(SCOPE, params)
        seen += page["Count"]
        start = page.get("LastEvaluatedKey")
        if start is None:
            break
    assert seen == 11
    with pytest.raises(ValidationError, match=r"^The provided starting key is invalid: The provided key element"):
        await items.scan(SCOPE, {"TableName": "tbl", "ExclusiveStartKey": {"pk": {"S": "p"}}})


async def test_a_page_stops_after_one_megabyte_read(items: ItemOperations) -> None:
    for number in range(1, 5):
        item = {"pk": {"S": "big"}, "sk": {"N": str(number)}, "blob": {"S": "x" * 400_000}}
        await items.put_item(SCOPE, {"TableName": "tbl", "Item": item})
    params = {
        "TableName": "tbl",
        "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "big"}},
        "Select": "COUNT",
    }
    first = await items.query(SCOPE, params)
    assert first["ScannedCount"] == 3
    assert first["LastEvaluatedKey"] == {"pk": {"S": "big"}, "sk": {"N": "3"}}
    second = await items.query(SCOPE, {**params, "ExclusiveStartKey": first["LastEvaluatedKey"]})
    assert second == {"Count": 1, "ScannedCount": 1}
