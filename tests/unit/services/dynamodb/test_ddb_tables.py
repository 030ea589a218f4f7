"""CreateTable, DescribeTable, ListTables and DeleteTable through the table operations, and the
registry's documents surviving a restart (engine stand-in: the real TableData, no item store)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.errors import ResourceInUse, ResourceNotFound, ValidationError
from triggerfish.services.dynamodb.models import TABLE_KIND, TableConfig
from triggerfish.services.dynamodb.service import DynamoDBService
from triggerfish.services.dynamodb.table_api import TableOperations
from triggerfish.services.dynamodb.table_data import TableData
from triggerfish.services.dynamodb.tables import TableRegistry
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

SCOPE = "000000000000/us-east-1"


class FakeEngine:
    """What the registry asks of the engine: open, reconfigure, drop."""

    def __init__(self) -> None:
        self.opened: list[tuple[str, bool]] = []
        self.dropped: list[str] = []

    async def open(self, config: TableConfig, *, load: bool) -> TableData:
        self.opened.append((config.name, load))
        return TableData(config)

    def reconfigure(self, data: TableData, config: TableConfig) -> None:
        data.reconfigure(config)

    async def drop(self, data: TableData) -> None:
        self.dropped.append(data.config.name)


class Tables:
    def __init__(self, store: Store, clock: VirtualClock) -> None:
        self.engine = FakeEngine()
        self.registry = TableRegistry(store.documents, self.engine, clock)  # type: ignore[arg-type]
        self.api = TableOperations(self.registry, clock)


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    store = open_store(None)
    await store.open()
    yield store
    await store.close()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(1_700_000_000.0)


@pytest.fixture
def tables(store: Store, clock: VirtualClock) -> Tables:
    return Tables(store, clock)


def simple(name: str = "things", **extra: Any) -> dict[str, Any]:
    return {
        "TableName": name,
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }


def with_indexes() -> dict[str, Any]:
    return {
        "TableName": "orders",
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "gpk", "AttributeType": "S"},
            {"AttributeName": "lsk", "AttributeType": "B"},
        ],
        "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 6},
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "by-gpk",
                "KeySchema": [{"AttributeName": "gpk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 2},
            }
        ],
        "LocalSecondaryIndexes": [
            {
                "IndexName": "by-lsk",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "lsk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    }


async def refused(tables: Tables, params: Mapping[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        await tables.api.create_table(SCOPE, params)
    return caught.value.message


# --- CreateTable / DescribeTable -------------------------------------------------------------------


async def test_create_answers_creating_and_describe_answers_active(tables: Tables) -> None:
    created = (await tables.api.create_table(SCOPE, simple()))["TableDescription"]
    assert created["TableStatus"] == "CREATING"
    assert created["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/things"
    assert created["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert created["ProvisionedThroughput"] == {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 0,
        "WriteCapacityUnits": 0,
    }
    assert created["DeletionProtectionEnabled"] is False
    assert created["ItemCount"] == 0 and created["TableSizeBytes"] == 0
    assert "StreamSpecification" not in created and "LatestStreamArn" not in created
    described = tables.api.describe_table(SCOPE, {"TableName": "things"})["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert described["TableId"] == created["TableId"]
    assert described["CreationDateTime"] == 1_700_000_000.0


async def test_describe_accepts_the_table_arn(tables: Tables) -> None:
    await tables.api.create_table(SCOPE, simple())
    arn = "arn:aws:dynamodb:us-east-1:000000000000:table/things"
    assert tables.api.describe_table(SCOPE, {"TableName": arn})["Table"]["TableName"] == "things"
    assert tables.registry.table(arn, SCOPE).config.name == "things"


async def test_indexes_are_described(tables: Tables) -> None:
    created = (await tables.api.create_table(SCOPE, with_indexes()))["TableDescription"]
    assert "BillingModeSummary" not in created
    assert created["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    (gsi,) = created["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "by-gpk"
    assert gsi["IndexStatus"] == "ACTIVE"
    assert gsi["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]}
    assert gsi["ProvisionedThroughput"]["WriteCapacityUnits"] == 2
    assert gsi["IndexArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/orders/index/by-gpk"
    (lsi,) = created["LocalSecondaryIndexes"]
    assert lsi["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert "IndexStatus" not in lsi
    config = tables.registry.table("orders", SCOPE).config
    assert config.key.sort == "sk"
    assert config.attribute_type("lsk") is not None and config.attribute_type("lsk").value == "B"  # type: ignore[union-attr]


async def test_stream_on_create_gets_a_label_from_the_clock(tables: Tables) -> None:
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    created = (await tables.api.create_table(SCOPE, simple(StreamSpecification=spec)))["TableDescription"]
    assert created["StreamSpecification"] == spec
    assert created["LatestStreamLabel"] == "2023-11-14T22:13:20.000"
    arn = created["LatestStreamArn"]
    assert arn == "arn:aws:dynamodb:us-east-1:000000000000:table/things/stream/2023-11-14T22:13:20.000"
    data = tables.registry.by_stream_arn(arn)
    assert data is not None and data.config.name == "things"


async def test_optional_members_are_kept(tables: Tables) -> None:
    params = simple(
        TableClass="STANDARD_INFREQUENT_ACCESS",
        DeletionProtectionEnabled=True,
        SSESpecification={"Enabled": True},
        Tags=[{"Key": "team", "Value": "fish"}],
    )
    created = (await tables.api.create_table(SCOPE, params))["TableDescription"]
    assert created["TableClassSummary"] == {"TableClass": "STANDARD_INFREQUENT_ACCESS"}
    assert created["DeletionProtectionEnabled"] is True
    assert created["SSEDescription"]["Status"] == "ENABLED"
    assert created["SSEDescription"]["KMSMasterKeyArn"].startswith("arn:aws:kms:us-east-1:000000000000:key/")
    arn = created["TableArn"]
    assert tables.api.list_tags_of_resource(SCOPE, {"ResourceArn": arn}) == {"Tags": [{"Key": "team", "Value": "fish"}]}


async def test_create_twice_is_refused(tables: Tables) -> None:
    await tables.api.create_table(SCOPE, simple())
    with pytest.raises(ResourceInUse) as caught:
        await tables.api.create_table(SCOPE, simple())
    assert caught.value.message == "Table already exists: things"


async def test_same_name_in_another_region_is_another_table(tables: Tables) -> None:
    await tables.api.create_table(SCOPE, simple())
    await tables.api.create_table("000000000000/eu-west-1", simple())
    assert tables.api.list_tables("000000000000/eu-west-1", {}) == {"TableNames": ["things"]}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ab", "Member must have length greater than or equal to 3"),
        ("bad name", "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
        ("x" * 256, "Member must have length less than or equal to 255"),
    ],
)
async def test_table_names_are_checked(tables: Tables, name: str, rule: str) -> None:
    message = await refused(tables, simple(name))
    assert message == f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy constraint: {rule}"


async def test_missing_key_schema_is_refused(tables: Tables) -> None:
    params = simple()
    del params["KeySchema"]
    assert await refused(tables, params) == (
        "1 validation error detected: Value null at 'keySchema' failed to satisfy constraint: Member must not be null"
    )


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (
            [{"AttributeName": "pk", "KeyType": "RANGE"}],
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "HASH"}],
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ),
        (
            [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}],
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ),
    ],
)
async def test_key_schemas_are_checked(tables: Tables, schema: list[dict[str, str]], message: str) -> None:
    assert await refused(tables, simple(KeySchema=schema)) == message


async def test_definitions_must_match_the_keys_without_indexes(tables: Tables) -> None:
    extra = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "other", "AttributeType": "S"}]
    assert await refused(tables, simple(AttributeDefinitions=extra)) == (
        "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
        "number of attributes defined in AttributeDefinitions"
    )
    two_keys = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert await refused(tables, simple(KeySchema=two_keys)) == (
        "Invalid KeySchema: Some index key attribute have no definition"
    )
    wrong = [{"AttributeName": "other", "AttributeType": "S"}]
    assert await refused(tables, simple(AttributeDefinitions=wrong)) == (
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]"
    )


async def test_definitions_must_match_the_keys_with_indexes(tables: Tables) -> None:
    params = with_indexes()
    params["AttributeDefinitions"].append({"AttributeName": "unused", "AttributeType": "S"})
    assert await refused(tables, params) == (
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. "
        "AttributeDefinitions: [pk, sk, gpk, lsk, unused], keys used: [pk, sk, gpk, lsk]"
    )
    params = with_indexes()
    params["AttributeDefinitions"].pop()
    assert await refused(tables, params) == (
        "One or more parameter values were invalid: Some index key attributes are not defined in "
        "AttributeDefinitions. Keys: [lsk], AttributeDefinitions: [pk, sk, gpk]"
    )


async def test_billing_mode_and_throughput_must_agree(tables: Tables) -> None:
    provisioned = simple(BillingMode="PROVISIONED")
    assert await refused(tables, provisioned) == (
        "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
        "specified when BillingMode is PROVISIONED"
    )
    on_demand = simple(ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert await refused(tables, on_demand) == (
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
        "specified when BillingMode is PAY_PER_REQUEST"
    )
    params = with_indexes()
    del params["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
    assert await refused(tables, params) == (
        "One or more parameter values were invalid: ProvisionedThroughput is not specified for index: by-gpk"
    )


async def test_index_rules(tables: Tables) -> None:
    params = with_indexes()
    params["LocalSecondaryIndexes"][0]["IndexName"] = "by-gpk"
    assert await refused(tables, params) == "One or more parameter values were invalid: Duplicate index name: by-gpk"
    params = with_indexes()
    params["LocalSecondaryIndexes"][0]["KeySchema"][0]["AttributeName"] = "gpk"
    assert await refused(tables, params) == (
        "One or more parameter values were invalid: Index KeySchema does not have the same leading hash key as "
        "table KeySchema for index: by-lsk. index hash key: gpk, table hash key: pk"
    )
    params = with_indexes()
    params["GlobalSecondaryIndexes"][0]["Projection"] = {"ProjectionType": "INCLUDE"}
    assert await refused(tables, params) == (
        "One or more parameter values were invalid: ProjectionType is INCLUDE, but NonKeyAttributes is not specified"
    )
    params = with_indexes()
    params["GlobalSecondaryIndexes"][0]["Projection"] = {"ProjectionType": "ALL", "NonKeyAttributes": ["a"]}
    assert await refused(tables, params) == (
        "One or more parameter values were invalid: ProjectionType is ALL, but NonKeyAttributes is specified"
    )
    params = with_indexes()
    params["GlobalSecondaryIndexes"] = []
    assert await refused(tables, params) == (
        "One or more parameter values were invalid: List of GlobalSecondaryIndexes is empty"
    )


async def test_local_index_needs_a_table_sort_key(tables: Tables) -> None:
    params = simple(
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "x", "AttributeType": "S"},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-x",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "x", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    assert await refused(tables, params) == (
        "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required "
        "when specifying a LocalSecondaryIndex"
    )


async def test_stream_specification_rules_on_create(tables: Tables) -> None:
    assert await refused(tables, simple(StreamSpecification={"StreamEnabled": True})) == (
        "One or more parameter values were invalid: Table is being created with a stream enabled, "
        "UpdateViewType is required"
    )
    spec = {"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"}
    assert await refused(tables, simple(StreamSpecification=spec)) == (
        "One or more parameter values were invalid: Table is being created with a stream disabled, "
        "UpdateViewType should not be specified"
    )
    created = await tables.api.create_table(SCOPE, simple(StreamSpecification={"StreamEnabled": False}))
    assert "LatestStreamArn" not in created["TableDescription"]


async def test_wrong_types_from_the_deployer_are_refused_in_aws_words(tables: Tables) -> None:
    message = await refused(tables, simple(KeySchema="pk"))
    assert message.startswith("1 validation error detected: Value 'pk' at 'keySchema' failed to satisfy constraint")
    message = await refused(tables, simple(TableClass="CHEAP"))
    assert message.startswith("Invalid table-class parameter provided.")


# --- ListTables / DeleteTable / not found ----------------------------------------------------------


async def test_list_tables_pages_by_name(tables: Tables) -> None:
    for name in ("ccc", "aaa", "bbb", "ddd"):
        await tables.api.create_table(SCOPE, simple(name))
    assert tables.api.list_tables(SCOPE, {}) == {"TableNames": ["aaa", "bbb", "ccc", "ddd"]}
    first = tables.api.list_tables(SCOPE, {"Limit": 2})
    assert first == {"TableNames": ["aaa", "bbb"], "LastEvaluatedTableName": "bbb"}
    rest = tables.api.list_tables(SCOPE, {"Limit": 2, "ExclusiveStartTableName": "bbb"})
    assert rest == {"TableNames": ["ccc", "ddd"]}
    with pytest.raises(ValidationError):
        tables.api.list_tables(SCOPE, {"Limit": 101})


async def test_delete_answers_deleting_and_forgets_the_table(tables: Tables, store: Store) -> None:
    await tables.api.create_table(SCOPE, simple())
    deleted = (await tables.api.delete_table(SCOPE, {"TableName": "things"}))["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    assert tables.engine.dropped == ["things"]
    assert await store.documents.get(TABLE_KIND, SCOPE, "things") is None
    assert tables.api.list_tables(SCOPE, {}) == {"TableNames": []}
    with pytest.raises(ResourceNotFound) as caught:
        tables.api.describe_table(SCOPE, {"TableName": "things"})
    assert caught.value.message == "Requested resource not found: Table: things not found"
    with pytest.raises(ResourceNotFound) as item_caught:
        tables.registry.table("things", SCOPE)
    assert item_caught.value.message == "Requested resource not found"
    recreated = (await tables.api.create_table(SCOPE, simple()))["TableDescription"]
    assert recreated["TableId"] != deleted["TableId"]


async def test_deletion_protection_refuses_delete(tables: Tables) -> None:
    await tables.api.create_table(SCOPE, simple(DeletionProtectionEnabled=True))
    with pytest.raises(ValidationError) as caught:
        await tables.api.delete_table(SCOPE, {"TableName": "things"})
    assert caught.value.message == (
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first."
    )
    await tables.api.update_table(SCOPE, {"TableName": "things", "DeletionProtectionEnabled": False})
    await tables.api.delete_table(SCOPE, {"TableName": "things"})


@pytest.mark.parametrize("operation", ["describe_table", "describe_time_to_live", "describe_continuous_backups"])
async def test_table_operations_on_a_missing_table(tables: Tables, operation: str) -> None:
    with pytest.raises(ResourceNotFound) as caught:
        getattr(tables.api, operation)(SCOPE, {"TableName": "nope"})
    assert caught.value.message == "Requested resource not found: Table: nope not found"


# --- the registry across a restart -----------------------------------------------------------------


async def test_tables_are_loaded_again_at_start(store: Store, clock: VirtualClock) -> None:
    first = Tables(store, clock)
    spec = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    await first.api.create_table(SCOPE, simple("one", StreamSpecification=spec))
    await first.api.create_table(SCOPE, with_indexes())
    document = await store.documents.get(TABLE_KIND, SCOPE, "one")
    assert document is not None and json.loads(document.body)["stream_view_type"] == "KEYS_ONLY"

    second = Tables(store, clock)
    await second.registry.load()
    assert sorted(second.engine.opened) == [("one", True), ("orders", True)]
    assert [c.name for c in second.registry.configs(SCOPE)] == ["one", "orders"]
    assert (
        second.api.describe_table(SCOPE, {"TableName": "orders"})["Table"]
        == (first.api.describe_table(SCOPE, {"TableName": "orders"})["Table"])
    )
    arn = first.registry.table("one", SCOPE).config.stream_arn
    assert arn is not None and second.registry.by_stream_arn(arn) is not None
    assert len(second.registry.all()) == 2


async def test_the_service_keeps_tables_and_items_across_a_restart(tmp_path: Path) -> None:
    clock = VirtualClock(1_700_000_000.0)
    spec = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    store = open_store(tmp_path)
    await store.open()
    service = DynamoDBService(store, clock, WorkTracker())
    await service.start()
    created = await service.create_table(SCOPE, simple(StreamSpecification=spec))
    await service.items.put_item(SCOPE, {"TableName": "things", "Item": {"pk": {"S": "a"}}})
    await service.update_time_to_live(
        SCOPE, {"TableName": "things", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "ttl"}}
    )
    await service.close()
    await store.close()

    store = open_store(tmp_path)
    await store.open()
    service = DynamoDBService(store, clock, WorkTracker())
    await service.start()
    try:
        table = (await service.describe_table(SCOPE, {"TableName": "things"}))["Table"]
        assert table["ItemCount"] == 1
        assert table["TableId"] == created["TableDescription"]["TableId"]
        assert table["LatestStreamArn"] == created["TableDescription"]["LatestStreamArn"]
        ttl = await service.describe_time_to_live(SCOPE, {"TableName": "things"})
        assert ttl["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"
        assert service.source.stream(table["LatestStreamArn"]) is not None
    finally:
        await service.close()
        await store.close()
