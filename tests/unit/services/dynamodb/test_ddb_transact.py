"""TransactWriteItems, TransactGetItems, BatchWriteItem and BatchGetItem."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.errors import IdempotentParameterMismatch, TransactionCanceled, ValidationError
from triggerfish.services.dynamodb.items import ItemOperations
from triggerfish.services.dynamodb.service import DynamoDBService
from triggerfish.store.factory import open_store

SCOPE = "000000000000/us-east-1"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def items(clock: VirtualClock) -> AsyncIterator[ItemOperations]:
    store = open_store(None)
    await store.open()
    service = DynamoDBService(store, clock, WorkTracker())
    await service.start()
    for name in ("aaa", "bbb"):
        await service.create_table(
            SCOPE,
            {
                "TableName": name,
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST",
            },
        )
    yield service.items
    await service.close()
    await store.close()


def _id(value: str) -> dict[str, Any]:
    return {"id": {"S": value}}


async def _get(items: ItemOperations, table: str, key: str) -> Any:
    return (await items.get_item(SCOPE, {"TableName": table, "Key": _id(key)})).get("Item")


def _put(table: str, key: str, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": {**_id(key), **extra}}}


async def test_transaction_applies_every_action(items: ItemOperations) -> None:
    await items.put_item(SCOPE, {"TableName": "aaa", "Item": {**_id("gone"), "n": {"N": "1"}}})
    await items.put_item(SCOPE, {"TableName": "aaa", "Item": {**_id("count"), "n": {"N": "1"}}})
    await items.transact_write_items(
        SCOPE,
        {
            "TransactItems": [
                _put("bbb", "new", v={"S": "x"}),
                {"Delete": {"TableName": "aaa", "Key": _id("gone")}},
                {
                    "Update": {
                        "TableName": "aaa",
                        "Key": _id("count"),
                        "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {
                    "ConditionCheck": {
                        "TableName": "bbb",
                        "Key": _id("other"),
                        "ConditionExpression": "attribute_not_exists(id)",
                    }
                },
            ]
        },
    )
    assert await _get(items, "bbb", "new") == {**_id("new"), "v": {"S": "x"}}
    assert await _get(items, "aaa", "gone") is None
    assert await _get(items, "aaa", "count") == {**_id("count"), "n": {"N": "2"}}


async def test_failed_condition_cancels_everything(items: ItemOperations) -> None:
    await items.put_item(SCOPE, {"TableName": "aaa", "Item": {**_id("x"), "v": {"N": "1"}}})
    with pytest.raises(TransactionCanceled) as caught:
        await items.transact_write_items(
            SCOPE,
            {
                "TransactItems": [
                    {
                        "Put": {
                            "TableName": "aaa",
                            "Item": {**_id("x"), "v": {"N": "2"}},
                            "ConditionExpression": "attribute_not_exists(id)",
                            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                        }
                    },
                    _put("bbb", "y"),
                ]
            },
        )
    assert caught.value.message == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]"
    )
    assert caught.value.fields["CancellationReasons"] == [
        {
            "Code": "ConditionalCheckFailed",
            "Message": "The conditional request failed",
            "Item": {**_id("x"), "v": {"N": "1"}},
        },
        {"Code": "None"},
    ]
    assert await _get(items, "bbb", "y") is None
    assert await _get(items, "aaa", "x") == {**_id("x"), "v": {"N": "1"}}


async def test_update_type_error_is_a_cancellation_reason(items: ItemOperations) -> None:
    await items.put_item(SCOPE, {"TableName": "aaa", "Item": {**_id("x"), "v": {"S": "text"}}})
    with pytest.raises(TransactionCanceled) as caught:
        await items.transact_write_items(
            SCOPE,
            {
                "TransactItems": [
                    _put("bbb", "y"),
                    {
                        "Update": {
                            "TableName": "aaa",
                            "Key": _id("x"),
                            "UpdateExpression": "ADD v :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}},
                        }
                    },
                ]
            },
        )
    reasons: Any = caught.value.fields["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "ValidationError"]


async def test_one_item_twice_is_refused(items: ItemOperations) -> None:
    with pytest.raises(ValidationError, match=r"^Transaction request cannot include multiple operations on one item$"):
        await items.transact_write_items(
            SCOPE,
            {
                "TransactItems": [
                    _put("aaa", "x"),
                    {
                        "ConditionCheck": {
                            "TableName": "aaa",
                            "Key": _id("x"),
                            "ConditionExpression": "attribute_exists(id)",
                        }
                    },
                ]
            },
        )


async def test_client_request_token_is_idempotent_for_ten_minutes(items: ItemOperations, clock: VirtualClock) -> None:
    update = {
        "Update": {
            "TableName": "aaa",
            "Key": _id("c"),
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    params = {"TransactItems": [update], "ClientRequestToken": "tok"}
    await items.transact_write_items(SCOPE, params)
    await items.transact_write_items(SCOPE, params)
    assert await _get(items, "aaa", "c") == {**_id("c"), "n": {"N": "1"}}
    with pytest.raises(IdempotentParameterMismatch):
        await items.transact_write_items(SCOPE, {"TransactItems": [_put("aaa", "c")], "ClientRequestToken": "tok"})
    await clock.advance(601)
    await items.transact_write_items(SCOPE, params)
    assert await _get(items, "aaa", "c") == {**_id("c"), "n": {"N": "2"}}


async def test_transact_get_items(items: ItemOperations) -> None:
    await items.put_item(SCOPE, {"TableName": "aaa", "Item": {**_id("x"), "v": {"N": "1"}, "w": {"N": "2"}}})
    answer = await items.transact_get_items(
        SCOPE,
        {
            "TransactItems": [
                {"Get": {"TableName": "aaa", "Key": _id("x"), "ProjectionExpression": "v"}},
                {"Get": {"TableName": "bbb", "Key": _id("x")}},
            ],
            "ReturnConsumedCapacity": "TOTAL",
        },
    )
    assert answer["Responses"] == [{"Item": {"v": {"N": "1"}}}, {}]
    assert [entry["CapacityUnits"] for entry in answer["ConsumedCapacity"]] == [2.0, 2.0]


async def test_batch_write_and_get(items: ItemOperations) -> None:
    answer = await items.batch_write_item(
        SCOPE,
        {
            "RequestItems": {
                "aaa": [{"PutRequest": {"Item": _id(str(n))}} for n in range(20)],
                "bbb": [{"PutRequest": {"Item": _id("0")}}],
            }
        },
    )
    assert answer == {"UnprocessedItems": {}}
    await items.batch_write_item(SCOPE, {"RequestItems": {"aaa": [{"DeleteRequest": {"Key": _id("19")}}]}})
    got = await items.batch_get_item(
        SCOPE,
        {
            "RequestItems": {
                "aaa": {"Keys": [_id("0"), _id("19")]},
                "bbb": {"Keys": [_id("0")], "ProjectionExpression": "id"},
            }
        },
    )
    assert got == {"Responses": {"aaa": [_id("0")], "bbb": [_id("0")]}, "UnprocessedKeys": {}}


async def test_batch_limits_and_duplicates(items: ItemOperations) -> None:
    with pytest.raises(ValidationError, match=r"^Too many items requested for the BatchGetItem call$"):
        await items.batch_get_item(SCOPE, {"RequestItems": {"aaa": {"Keys": [_id(str(n)) for n in range(101)]}}})
    with pytest.raises(ValidationError, match=r"^Provided list of item keys contains duplicates$"):
        await items.batch_get_item(SCOPE, {"RequestItems": {"aaa": {"Keys": [_id("1"), _id("1")]}}})
    with pytest.raises(ValidationError, match=r"^Provided list of item keys contains duplicates$"):
        await items.batch_write_item(
            SCOPE,
            {"RequestItems": {"aaa": [{"PutRequest": {"Item": _id("1")}}, {"DeleteRequest": {"Key": _id("1")}}]}},
        )
    with pytest.raises(ValidationError, match=r"^Too many items requested for the BatchWriteItem call$"):
        await items.batch_write_item(
            SCOPE, {"RequestItems": {"aaa": [{"PutRequest": {"Item": _id(str(n))}} for n in range(26)]}}
        )
    assert await _get(items, "aaa", "1") is None


async def test_batch_get_hands_back_what_passes_sixteen_megabytes(items: ItemOperations) -> None:
    blob = {"S": "x" * 400_000}
    for start in range(0, 45, 15):
        writes = [{"PutRequest": {"Item": {**_id(str(n)), "blob": blob}}} for n in range(start, start + 15)]
        await items.batch_write_item(SCOPE, {"RequestItems": {"aaa": writes}})
    keys = [_id(str(n)) for n in range(45)]
    answer = await items.batch_get_item(SCOPE, {"RequestItems": {"aaa": {"Keys": keys, "ConsistentRead": True}}})
    returned = len(answer["Responses"]["aaa"])
    assert returned < 45
    assert answer["UnprocessedKeys"]["aaa"]["Keys"] == keys[returned:]
    assert answer["UnprocessedKeys"]["aaa"]["ConsistentRead"] is True
