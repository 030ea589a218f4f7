"""DynamoDB item operations with boto3 over real HTTP: the low-level client and ``boto3.resource``
with ``Key``/``Attr`` conditions, as Lambda handlers use them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError
from dynamodb_endpoint import dynamodb_endpoint
from endpoint_thread import EndpointThread


@pytest.fixture(scope="module")
def endpoint() -> Iterator[EndpointThread]:
    thread = dynamodb_endpoint()
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def client(endpoint: EndpointThread) -> Any:
    client = endpoint.client("dynamodb")
    client.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


@pytest.fixture(scope="module")
def table(endpoint: EndpointThread, client: Any) -> Any:
    resource = boto3.resource(
        "dynamodb",
        endpoint_url=endpoint.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    return resource.Table("orders")


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"]


def test_client_put_get_update_delete(client: Any) -> None:
    key = {"pk": {"S": "c1"}, "sk": {"N": "1"}}
    client.put_item(TableName="orders", Item={**key, "blob": {"B": b"\x00\xff"}, "tags": {"SS": ["a", "b"]}})
    item = client.get_item(TableName="orders", Key=key, ConsistentRead=True)["Item"]
    assert item["blob"] == {"B": b"\x00\xff"}
    assert sorted(item["tags"]["SS"]) == ["a", "b"]
    answer = client.update_item(
        TableName="orders",
        Key=key,
        UpdateExpression="SET #n = :n ADD tags :t",
        ExpressionAttributeNames={"#n": "name"},
        ExpressionAttributeValues={":n": {"S": "x"}, ":t": {"SS": ["c"]}},
        ReturnValues="UPDATED_NEW",
    )
    assert answer["Attributes"]["name"] == {"S": "x"}
    assert sorted(answer["Attributes"]["tags"]["SS"]) == ["a", "b", "c"]
    old = client.delete_item(TableName="orders", Key=key, ReturnValues="ALL_OLD")["Attributes"]
    assert old["name"] == {"S": "x"}
    assert "Item" not in client.get_item(TableName="orders", Key=key)


def test_client_errors(client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        client.get_item(TableName="orders", Key={"pk": {"S": "c1"}})
    assert _error(caught) == ("ValidationException", "The provided key element does not match the schema")
    with pytest.raises(ClientError) as caught:
        client.get_item(TableName="missing", Key={"pk": {"S": "c1"}})
    assert _error(caught) == ("ResourceNotFoundException", "Requested resource not found")
    client.put_item(TableName="orders", Item={"pk": {"S": "c2"}, "sk": {"N": "1"}})
    with pytest.raises(ClientError) as caught:
        client.put_item(
            TableName="orders",
            Item={"pk": {"S": "c2"}, "sk": {"N": "1"}, "v": {"N": "2"}},
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert _error(caught) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert caught.value.response["Item"] == {"pk": {"S": "c2"}, "sk": {"N": "1"}}


def test_transaction_cancellation_reasons(client: Any) -> None:
    client.put_item(TableName="orders", Item={"pk": {"S": "t"}, "sk": {"N": "1"}})
    with pytest.raises(ClientError) as caught:
        client.transact_write_items(
            TransactItems=[
                {
                    "ConditionCheck": {
                        "TableName": "orders",
                        "Key": {"pk": {"S": "t"}, "sk": {"N": "1"}},
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {"Put": {"TableName": "orders", "Item": {"pk": {"S": "t"}, "sk": {"N": "2"}}}},
            ]
        )
    code, message = _error(caught)
    assert code == "TransactionCanceledException"
    assert message.endswith("[ConditionalCheckFailed, None]")
    reasons = caught.value.response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["ConditionalCheckFailed", "None"]
    assert "Item" not in client.get_item(TableName="orders", Key={"pk": {"S": "t"}, "sk": {"N": "2"}})


def test_resource_with_conditions(table: Any) -> None:
    with table.batch_writer() as batch:
        for number in range(30):
            batch.put_item(
                Item={"pk": "r", "sk": number, "status": "open" if number % 3 else "done", "price": Decimal("1.5")}
            )
    answer = table.query(KeyConditionExpression=Key("pk").eq("r") & Key("sk").between(5, 9))
    assert [item["sk"] for item in answer["Items"]] == [5, 6, 7, 8, 9]
    filtered = table.query(
        KeyConditionExpression=Key("pk").eq("r"), FilterExpression=Attr("status").eq("done") & Attr("price").gt(1)
    )
    assert filtered["Count"] == 10 and filtered["ScannedCount"] == 30
    done = table.query(IndexName="by-status", KeyConditionExpression=Key("status").eq("done"))
    assert len(done["Items"]) == 10
    table.update_item(
        Key={"pk": "r", "sk": 0},
        UpdateExpression="SET price = price + :d",
        ConditionExpression=Attr("status").eq("done"),
        ExpressionAttributeValues={":d": Decimal("0.25")},
    )
    assert table.get_item(Key={"pk": "r", "sk": 0})["Item"]["price"] == Decimal("1.75")
    pages = 0
    seen = 0
    kwargs: dict[str, Any] = {"Limit": 7, "FilterExpression": Attr("pk").eq("r")}
    while True:
        page = table.scan(**kwargs)
        pages += 1
        seen += page["Count"]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    assert seen == 30 and pages >= 5
    got = table.meta.client.batch_get_item(
        RequestItems={"orders": {"Keys": [{"pk": "r", "sk": 1}, {"pk": "r", "sk": 2}]}}
    )
    assert len(got["Responses"]["orders"]) == 2
