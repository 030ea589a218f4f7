"""PutItem, GetItem, UpdateItem and DeleteItem on the real service over the in-memory store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.errors import ConditionalCheckFailed, ResourceNotFound, ValidationError
from triggerfish.services.dynamodb.items import ItemOperations
from triggerfish.services.dynamodb.service import DynamoDBService
from triggerfish.store.factory import open_store

SCOPE = "000000000000/us-east-1"


@pytest.fixture
async def service() -> AsyncIterator[DynamoDBService]:
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
                {"AttributeName": "gpk", "AttributeType": "S"},
            ],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-g",
                    "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        },
    )
    yield service
    await service.close()
    await store.close()


@pytest.fixture
def items(service: DynamoDBService) -> ItemOperations:
    return service.items


def _key(pk: str = "a", sk: str = "1") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": sk}}


async def _put(items: ItemOperations, **attributes: Any) -> None:
    await items.put_item(SCOPE, {"TableName": "tbl", "Item": {**_key(), **attributes}})


async def _get(items: ItemOperations, key: dict[str, Any] | None = None) -> Any:
    return (await items.get_item(SCOPE, {"TableName": "tbl", "Key": key or _key()})).get("Item")


async def test_put_then_get_round_trips_every_type(items: ItemOperations) -> None:
    attributes = {
        "s": {"S": ""},
        "n": {"N": "1.50"},
        "b": {"B": b"\x00\x01"},
        "m": {"M": {"x": {"L": [{"BOOL": True}, {"NULL": True}]}}},
        "ss": {"SS": ["x", "y"]},
    }
    await _put(items, **attributes)
    item = await _get(items)
    assert item["n"] == {"N": "1.5"}
    assert item["b"] == {"B": b"\x00\x01"} and item["s"] == {"S": ""}
    assert item["m"] == attributes["m"]
    assert await _get(items, _key("missing")) is None


async def test_get_projection_and_attributes_to_get(items: ItemOperations) -> None:
    await _put(items, a={"S": "x"}, m={"M": {"b": {"N": "2"}, "c": {"N": "3"}}})
    found = await items.get_item(
        SCOPE,
        {"TableName": "tbl", "Key": _key(), "ProjectionExpression": "#m.b, a", "ExpressionAttributeNames": {"#m": "m"}},
    )
    assert found["Item"] == {"a": {"S": "x"}, "m": {"M": {"b": {"N": "2"}}}}
    legacy = await items.get_item(SCOPE, {"TableName": "tbl", "Key": _key(), "AttributesToGet": ["a"]})
    assert legacy["Item"] == {"a": {"S": "x"}}
    with pytest.raises(ValidationError, match="Can not use both expression and non-expression parameters"):
        await items.get_item(
            SCOPE, {"TableName": "tbl", "Key": _key(), "AttributesToGet": ["a"], "ProjectionExpression": "a"}
        )


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ({"pk": {"S": "a"}}, "The provided key element does not match the schema"),
        ({"pk": {"S": "a"}, "sk": {"S": "1"}}, "The provided key element does not match the schema"),
        ({**_key(), "x": {"S": "1"}}, "The provided key element does not match the schema"),
        (
            {"pk": {"S": ""}, "sk": {"N": "1"}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
            "empty string value. Key: pk",
        ),
    ],
)
async def test_key_checks(items: ItemOperations, key: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await items.get_item(SCOPE, {"TableName": "tbl", "Key": key})
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"pk": {"S": "a"}}, "One or more parameter values were invalid: Missing the key sk in the item"),
        (
            {"pk": {"N": "1"}, "sk": {"N": "1"}},
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
        ),
        (
            {**_key(), "gpk": {"N": "1"}},
            "One or more parameter values were invalid: Type mismatch for Index Key gpk Expected: S Actual: N "
            "IndexName: by-g",
        ),
        ({**_key(), "big": {"S": "x" * 409_600}}, "Item size has exceeded the maximum allowed size"),
    ],
)
async def test_put_item_checks(items: ItemOperations, item: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await items.put_item(SCOPE, {"TableName": "tbl", "Item": item})
    assert caught.value.message == message


async def test_missing_table(items: ItemOperations) -> None:
    with pytest.raises(ResourceNotFound, match="Requested resource not found"):
        await items.get_item(SCOPE, {"TableName": "nope", "Key": _key()})


async def test_put_condition_and_return_values(items: ItemOperations) -> None:
    await _put(items, v={"N": "1"})
    params = {
        "TableName": "tbl",
        "Item": {**_key(), "v": {"N": "2"}},
        "ConditionExpression": "attribute_not_exists(pk)",
    }
    with pytest.raises(ConditionalCheckFailed) as caught:
        await items.put_item(SCOPE, {**params, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert caught.value.message == "The conditional request failed"
    assert caught.value.fields == {"Item": {**_key(), "v": {"N": "1"}}}
    with pytest.raises(ConditionalCheckFailed) as caught:
        await items.put_item(SCOPE, params)
    assert caught.value.fields == {}
    answer = await items.put_item(
        SCOPE, {"TableName": "tbl", "Item": {**_key(), "v": {"N": "3"}}, "ReturnValues": "ALL_OLD"}
    )
    assert answer == {"Attributes": {**_key(), "v": {"N": "1"}}}
    with pytest.raises(ValidationError, match=r"^Return values set to invalid value$"):
        await items.put_item(SCOPE, {"TableName": "tbl", "Item": _key(), "ReturnValues": "ALL_NEW"})


async def test_update_creates_missing_item_and_returns_values(items: ItemOperations) -> None:
    answer = await items.update_item(
        SCOPE,
        {
            "TableName": "tbl",
            "Key": _key(),
            "UpdateExpression": "SET c = if_not_exists(c, :zero) + :one",
            "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}},
            "ReturnValues": "ALL_NEW",
        },
    )
    assert answer["Attributes"] == {**_key(), "c": {"N": "1"}}
    answer = await items.update_item(
        SCOPE,
        {
            "TableName": "tbl",
            "Key": _key(),
            "UpdateExpression": "ADD c :one SET d = :d",
            "ExpressionAttributeValues": {":one": {"N": "1"}, ":d": {"S": "x"}},
            "ReturnValues": "UPDATED_OLD",
        },
    )
    assert answer["Attributes"] == {"c": {"N": "1"}}
    answer = await items.update_item(
        SCOPE,
        {
            "TableName": "tbl",
            "Key": _key(),
            "UpdateExpression": "REMOVE d",
            "ReturnValues": "UPDATED_NEW",
        },
    )
    assert "Attributes" not in answer
    assert await _get(items) == {**_key(), "c": {"N": "2"}}


async def test_update_refuses_key_attributes_and_checks_condition(items: ItemOperations) -> None:
    with pytest.raises(ValidationError) as caught:
        await items.update_item(
            SCOPE,
            {
                "TableName": "tbl",
                "Key": _key(),
                "UpdateExpression": "SET pk = :v",
                "ExpressionAttributeValues": {":v": {"S": "b"}},
            },
        )
    assert caught.value.message == (
        "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"
    )
    with pytest.raises(ConditionalCheckFailed):
        await items.update_item(
            SCOPE,
            {
                "TableName": "tbl",
                "Key": _key(),
                "UpdateExpression": "SET v = :v",
                "ConditionExpression": "attribute_exists(pk)",
                "ExpressionAttributeValues": {":v": {"S": "b"}},
            },
        )
    assert await _get(items) is None


async def test_update_checks_index_key_types(items: ItemOperations) -> None:
    with pytest.raises(ValidationError, match="Type mismatch for Index Key gpk Expected: S Actual: N IndexName: by-g"):
        await items.update_item(
            SCOPE,
            {
                "TableName": "tbl",
                "Key": _key(),
                "UpdateExpression": "SET gpk = :v",
                "ExpressionAttributeValues": {":v": {"N": "1"}},
            },
        )


async def test_delete_with_condition_and_old_values(items: ItemOperations) -> None:
    await _put(items, v={"N": "1"})
    with pytest.raises(ConditionalCheckFailed):
        await items.delete_item(
            SCOPE,
            {
                "TableName": "tbl",
                "Key": _key(),
                "ConditionExpression": "v = :two",
                "ExpressionAttributeValues": {":two": {"N": "2"}},
            },
        )
    answer = await items.delete_item(SCOPE, {"TableName": "tbl", "Key": _key(), "ReturnValues": "ALL_OLD"})
    assert answer["Attributes"] == {**_key(), "v": {"N": "1"}}
    assert await _get(items) is None
    assert await items.delete_item(SCOPE, {"TableName": "tbl", "Key": _key(), "ReturnValues": "ALL_OLD"}) == {}


async def test_expression_parameter_rules(items: ItemOperations) -> None:
    with pytest.raises(ValidationError) as caught:
        await items.put_item(
            SCOPE, {"TableName": "tbl", "Item": _key(), "ExpressionAttributeValues": {":v": {"S": "x"}}}
        )
    assert (
        caught.value.message
        == "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"
    )
    with pytest.raises(
        ValidationError, match=r"^ExpressionAttributeNames can only be specified when using expressions$"
    ):
        await items.put_item(SCOPE, {"TableName": "tbl", "Item": _key(), "ExpressionAttributeNames": {"#a": "a"}})
    with pytest.raises(ValidationError) as caught:
        await items.update_item(
            SCOPE,
            {
                "TableName": "tbl",
                "Key": _key(),
                "AttributeUpdates": {"a": {"Action": "PUT", "Value": {"S": "x"}}},
                "ConditionExpression": "attribute_exists(pk)",
            },
        )
    assert caught.value.message == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributeUpdates} Expression parameters: {ConditionExpression}"
    )


async def test_consumed_capacity(items: ItemOperations) -> None:
    answer = await items.put_item(
        SCOPE,
        {
            "TableName": "tbl",
            "Item": {**_key(), "gpk": {"S": "g"}, "big": {"S": "x" * 1500}},
            "ReturnConsumedCapacity": "INDEXES",
        },
    )
    consumed = answer["ConsumedCapacity"]
    assert consumed["TableName"] == "tbl"
    assert consumed["CapacityUnits"] == 4.0
    assert consumed["Table"]["CapacityUnits"] == 2.0
    assert consumed["GlobalSecondaryIndexes"] == {"by-g": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}}
    read = await items.get_item(SCOPE, {"TableName": "tbl", "Key": _key(), "ReturnConsumedCapacity": "TOTAL"})
    assert read["ConsumedCapacity"] == {"TableName": "tbl", "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}
    strong = await items.get_item(
        SCOPE, {"TableName": "tbl", "Key": _key(), "ReturnConsumedCapacity": "TOTAL", "ConsistentRead": True}
    )
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0


async def test_concurrent_conditional_puts_let_exactly_one_win(items: ItemOperations) -> None:
    async def claim(owner: str) -> bool:
        try:
            await items.put_item(
                SCOPE,
                {
                    "TableName": "tbl",
                    "Item": {**_key("lock"), "owner": {"S": owner}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                },
            )
        except ConditionalCheckFailed:
            return False
        return True

    results = await asyncio.gather(*(claim(f"o{n}") for n in range(10)))
    assert results.count(True) == 1
    winner = f"o{results.index(True)}"
    assert (await _get(items, _key("lock")))["owner"] == {"S": winner}


async def test_rewriting_an_item_unchanged_writes_nothing(service: DynamoDBService, items: ItemOperations) -> None:
    await _put(items, v={"N": "1"})
    writes: list[object] = []
    commit = service.engine.commit

    def counting(changes: Any, **kwargs: Any) -> Any:
        writes.append(changes)
        return commit(changes, **kwargs)

    service.engine.commit = counting  # type: ignore[method-assign]
    await _put(items, v={"N": "1.0"})
    await items.update_item(
        SCOPE,
        {
            "TableName": "tbl",
            "Key": _key(),
            "UpdateExpression": "SET v = :v",
            "ExpressionAttributeValues": {":v": {"N": "1"}},
        },
    )
    assert writes == []
    await _put(items, v={"N": "2"})
    assert len(writes) == 1
