"""DynamoDB table operations with boto3 over real HTTP: the low-level client, its waiters, and
``boto3.resource("dynamodb")`` as applications create and inspect tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from dynamodb_endpoint import dynamodb_endpoint
from endpoint_thread import EndpointThread

FAST = {"Delay": 0.01, "MaxAttempts": 5}


@pytest.fixture(scope="module")
def endpoint() -> Iterator[EndpointThread]:
    thread = dynamodb_endpoint()
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def client(endpoint: EndpointThread) -> Any:
    return endpoint.client("dynamodb")


@pytest.fixture(scope="module")
def resource(endpoint: EndpointThread) -> Any:
    return boto3.resource(
        "dynamodb",
        endpoint_url=endpoint.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def test_create_wait_describe_delete(client: Any) -> None:
    created = client.create_table(
        TableName="wire-basic",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    client.get_waiter("table_exists").wait(TableName="wire-basic", WaiterConfig=FAST)
    table = client.describe_table(TableName="wire-basic")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    assert table["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/wire-basic"
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"].startswith(table["TableArn"] + "/stream/")
    assert table["CreationDateTime"].year >= 2024

    client.put_item(TableName="wire-basic", Item={"pk": {"S": "a"}, "n": {"N": "1"}})
    assert client.describe_table(TableName=table["TableArn"])["Table"]["ItemCount"] == 1

    deleted = client.delete_table(TableName="wire-basic")["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    client.get_waiter("table_not_exists").wait(TableName="wire-basic", WaiterConfig=FAST)
    with pytest.raises(ClientError) as caught:
        client.describe_table(TableName="wire-basic")
    assert error_of(caught) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: wire-basic not found",
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_errors_keep_aws_codes_and_words(client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        client.create_table(
            TableName="wire-errors",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PROVISIONED",
        )
    assert error_of(caught) == (
        "ValidationException",
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified "
        "when BillingMode is PROVISIONED",
    )
    with pytest.raises(ClientError) as caught:
        client.create_table(
            TableName="x",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    assert error_of(caught)[1] == (
        "1 validation error detected: Value 'x' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3"
    )
    params: dict[str, Any] = {
        "TableName": "wire-errors",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    client.create_table(**params)
    with pytest.raises(ClientError) as caught:
        client.create_table(**params)
    assert error_of(caught) == ("ResourceInUseException", "Table already exists: wire-errors")
    with pytest.raises(ClientError) as caught:
        client.put_item(TableName="wire-missing", Item={"pk": {"S": "a"}})
    assert error_of(caught) == ("ResourceNotFoundException", "Requested resource not found")


def test_list_tables_paginates(client: Any) -> None:
    names = [f"wire-list-{n}" for n in range(5)]
    for name in names:
        client.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    first = client.list_tables(Limit=2)
    assert len(first["TableNames"]) == 2 and "LastEvaluatedTableName" in first
    seen = [
        name
        for page in client.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2})
        for name in page["TableNames"]
    ]
    assert [name for name in seen if name.startswith("wire-list-")] == names
    assert seen == sorted(seen)


def test_update_global_index_and_stream(client: Any) -> None:
    client.create_table(
        TableName="wire-update",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    client.put_item(TableName="wire-update", Item={"pk": {"S": "a"}, "colour": {"S": "red"}})
    updated = client.update_table(
        TableName="wire-update",
        AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-colour",
                    "KeySchema": [{"AttributeName": "colour", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                }
            }
        ],
    )["TableDescription"]
    assert updated["TableStatus"] == "UPDATING"
    assert updated["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    index = client.describe_table(TableName="wire-update")["Table"]["GlobalSecondaryIndexes"][0]
    assert index["IndexStatus"] == "ACTIVE" and index["ItemCount"] == 1
    found = client.query(
        TableName="wire-update",
        IndexName="by-colour",
        KeyConditionExpression="colour = :c",
        ExpressionAttributeValues={":c": {"S": "red"}},
    )
    assert found["Items"] == [{"pk": {"S": "a"}, "colour": {"S": "red"}}]

    on = client.update_table(
        TableName="wire-update", StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    )["TableDescription"]
    assert on["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY"
    with pytest.raises(ClientError) as caught:
        client.update_table(
            TableName="wire-update", StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
        )
    assert error_of(caught) == ("ValidationException", "Table already has an enabled stream: TableName: wire-update")
    off = client.update_table(TableName="wire-update", StreamSpecification={"StreamEnabled": False})
    assert "StreamSpecification" not in off["TableDescription"]
    assert off["TableDescription"]["LatestStreamArn"] == on["LatestStreamArn"]


def test_time_to_live_tags_backups(client: Any) -> None:
    arn = client.create_table(
        TableName="wire-ttl",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "team", "Value": "fish"}],
    )["TableDescription"]["TableArn"]
    spec = {"Enabled": True, "AttributeName": "expires"}
    assert (
        client.update_time_to_live(TableName="wire-ttl", TimeToLiveSpecification=spec)["TimeToLiveSpecification"]
        == spec
    )
    described = client.describe_time_to_live(TableName="wire-ttl")["TimeToLiveDescription"]
    assert described == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    with pytest.raises(ClientError) as caught:
        client.update_time_to_live(TableName="wire-ttl", TimeToLiveSpecification=spec)
    assert error_of(caught) == ("ValidationException", "TimeToLive is already enabled")

    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    client.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "stage", "Value": "dev"}]

    backups = client.describe_continuous_backups(TableName="wire-ttl")["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    client.update_continuous_backups(
        TableName="wire-ttl", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    assert client.describe_limits()["AccountMaxReadCapacityUnits"] > 0
    assert client.describe_endpoints()["Endpoints"][0]["CachePeriodInMinutes"] == 1440

    client.update_table(TableName="wire-ttl", DeletionProtectionEnabled=True)
    with pytest.raises(ClientError) as caught:
        client.delete_table(TableName="wire-ttl")
    assert error_of(caught)[1] == (
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
    )


def test_resource_api(resource: Any) -> None:
    table = resource.create_table(
        TableName="wire-resource",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "alt", "AttributeType": "S"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-alt",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "alt", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    assert table.table_status == "CREATING"  # the create answer, as AWS gives it
    table.wait_until_exists()
    table.reload()
    assert table.table_status == "ACTIVE"
    assert table.key_schema == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert table.local_secondary_indexes[0]["IndexName"] == "by-alt"
    table.put_item(Item={"pk": "a", "sk": 1, "alt": "x"})
    table.reload()
    assert table.item_count == 1
    assert "wire-resource" in [t.name for t in resource.tables.all()]
    table.delete()
    table.wait_until_not_exists()
