"""UpdateTable, time to live, tags, continuous backups, limits and endpoints through the table
operations (engine stand-in: the real TableData, no item store)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.dynamodb.errors import LimitExceeded, ResourceNotFound, ValidationError
from triggerfish.services.dynamodb.models import TableConfig
from triggerfish.services.dynamodb.table_api import TableOperations
from triggerfish.services.dynamodb.table_data import TableData
from triggerfish.services.dynamodb.tables import TableRegistry
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

SCOPE = "000000000000/us-east-1"
ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/things"


class FakeEngine:
    def __init__(self) -> None:
        self.reconfigured: list[TableConfig] = []

    async def open(self, config: TableConfig, *, load: bool) -> TableData:
        return TableData(config)

    def reconfigure(self, data: TableData, config: TableConfig) -> None:
        self.reconfigured.append(config)
        data.reconfigure(config)

    async def drop(self, data: TableData) -> None:
        return None


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
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def registry(store: Store, engine: FakeEngine, clock: VirtualClock) -> TableRegistry:
    return TableRegistry(store.documents, engine, clock)  # type: ignore[arg-type]


@pytest.fixture
async def api(registry: TableRegistry, clock: VirtualClock) -> TableOperations:
    api = TableOperations(registry, clock, endpoint_address=lambda: "127.0.0.1:4566")
    await api.create_table(
        SCOPE,
        {
            "TableName": "things",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
        },
    )
    return api


async def update(api: TableOperations, **params: Any) -> dict[str, Any]:
    result = await api.update_table(SCOPE, {"TableName": "things", **params})
    description: dict[str, Any] = result["TableDescription"]
    return description


async def update_refused(api: TableOperations, **params: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        await update(api, **params)
    return caught.value.message


def new_index(name: str = "by-g", **extra: Any) -> dict[str, Any]:
    return {
        "Create": {
            "IndexName": name,
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
            **extra,
        }
    }


# --- UpdateTable ------------------------------------------------------------------------------------


async def test_nothing_to_update_is_refused(api: TableOperations) -> None:
    assert (await update_refused(api)).startswith("At least one of ProvisionedThroughput, BillingMode,")


async def test_throughput_and_billing_mode(api: TableOperations, registry: TableRegistry) -> None:
    shape = await update(api, ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 8})
    assert shape["TableStatus"] == "UPDATING"
    assert shape["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
    assert (
        await update_refused(api, ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 8})
    ).startswith(
        "The provisioned throughput for the table will not change. The requested value equals the current value. "
        "Current ReadCapacityUnits provisioned for the table: 7."
    )
    shape = await update(api, BillingMode="PAY_PER_REQUEST")
    assert shape["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert shape["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert await update_refused(api, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}) == (
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
        "specified when BillingMode is PAY_PER_REQUEST"
    )
    assert await update_refused(api, BillingMode="PROVISIONED") == (
        "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is "
        "PROVISIONED"
    )
    assert api.describe_table(SCOPE, {"TableName": "things"})["Table"]["TableStatus"] == "ACTIVE"


async def test_create_update_and_delete_a_global_index(api: TableOperations, registry: TableRegistry) -> None:
    definitions = [{"AttributeName": "g", "AttributeType": "N"}]
    throughput = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    shape = await update(
        api, AttributeDefinitions=definitions, GlobalSecondaryIndexUpdates=[new_index(ProvisionedThroughput=throughput)]
    )
    (index,) = shape["GlobalSecondaryIndexes"]
    assert index["IndexStatus"] == "CREATING"
    assert {"AttributeName": "g", "AttributeType": "N"} in shape["AttributeDefinitions"]
    described = api.describe_table(SCOPE, {"TableName": "things"})["Table"]
    assert described["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
    assert registry.table("things", SCOPE).config.index("by-g") is not None

    changed = {
        "Update": {"IndexName": "by-g", "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}}
    }
    shape = await update(api, GlobalSecondaryIndexUpdates=[changed])
    assert shape["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["WriteCapacityUnits"] == 4

    assert await update_refused(api, GlobalSecondaryIndexUpdates=[new_index(ProvisionedThroughput=throughput)]) == (
        "Attempting to create an index which already exists"
    )
    shape = await update(api, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}])
    assert "GlobalSecondaryIndexes" not in shape
    assert await update_refused(api, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}]) == (
        "Cannot delete an index that is not a GlobalSecondaryIndex: by-g"
    )


async def test_global_index_update_rules(api: TableOperations) -> None:
    throughput = {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}
    assert await update_refused(api, GlobalSecondaryIndexUpdates=[new_index(ProvisionedThroughput=throughput)]) == (
        "One or more parameter values were invalid: AttributeDefinitions is not specified for index: by-g"
    )
    definitions = [{"AttributeName": "g", "AttributeType": "S"}]
    assert await update_refused(api, AttributeDefinitions=definitions, GlobalSecondaryIndexUpdates=[new_index()]) == (
        "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: by-g"
    )
    assert await update_refused(api, GlobalSecondaryIndexUpdates=[{}]) == (
        "One or more parameter values were invalid: One of GlobalSecondaryIndexUpdate.Update, "
        "GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null"
    )
    twice = [{"Delete": {"IndexName": "abc"}}, {"Delete": {"IndexName": "abc"}}]
    assert await update_refused(api, GlobalSecondaryIndexUpdates=twice) == (
        "One or more parameter values were invalid: Only one global secondary index update per index is allowed "
        "simultaneously. Index: abc"
    )


async def test_global_index_limit(api: TableOperations) -> None:
    await update(api, BillingMode="PAY_PER_REQUEST")
    definitions = [{"AttributeName": "g", "AttributeType": "S"}]
    creates = [new_index(f"index-{n:02d}") for n in range(21)]
    with pytest.raises(LimitExceeded):
        await update(api, AttributeDefinitions=definitions, GlobalSecondaryIndexUpdates=creates)


async def test_stream_on_off_and_on_again_gets_a_new_label(
    api: TableOperations, registry: TableRegistry, clock: VirtualClock
) -> None:
    on = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    first = await update(api, StreamSpecification=on)
    assert first["StreamSpecification"] == on
    first_arn = first["LatestStreamArn"]
    assert registry.by_stream_arn(first_arn) is not None
    assert await update_refused(api, StreamSpecification=on) == "Table already has an enabled stream: TableName: things"
    assert await update_refused(api, StreamSpecification={**on, "StreamViewType": "KEYS_ONLY"}) == (
        "Table already has an enabled stream: TableName: things"
    )

    off = await update(api, StreamSpecification={"StreamEnabled": False})
    assert "StreamSpecification" not in off
    assert off["LatestStreamArn"] == first_arn  # the label outlives the stream (observed)
    assert await update_refused(api, StreamSpecification={"StreamEnabled": False}) == (
        "Table has no stream to disable: TableName: things"
    )
    # same virtual millisecond: the label must still change
    again = await update(api, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    assert again["LatestStreamArn"] != first_arn
    assert again["LatestStreamLabel"] > first["LatestStreamLabel"]
    assert registry.by_stream_arn(first_arn) is None
    assert registry.by_stream_arn(again["LatestStreamArn"]) is not None


async def test_stream_specification_rules_on_update(api: TableOperations) -> None:
    assert await update_refused(api, StreamSpecification={"StreamEnabled": True}) == (
        "One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required"
    )
    assert await update_refused(api, StreamSpecification={"StreamEnabled": False, "StreamViewType": "KEYS_ONLY"}) == (
        "One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be "
        "specified"
    )


async def test_changes_that_must_come_alone(api: TableOperations) -> None:
    on = {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert await update_refused(api, DeletionProtectionEnabled=True, StreamSpecification=on) == (
        "One or more parameter values were invalid: DeletionProtection modification must be the only operation in "
        "the request"
    )
    assert await update_refused(
        api, StreamSpecification=on, ProvisionedThroughput={"ReadCapacityUnits": 9, "WriteCapacityUnits": 9}
    ) == ("One or more parameter values were invalid: You cannot modify stream status while updating table IOPS")


async def test_table_class_and_protection(api: TableOperations) -> None:
    assert (await update(api, TableClass="STANDARD_INFREQUENT_ACCESS"))["TableClassSummary"] == {
        "TableClass": "STANDARD_INFREQUENT_ACCESS"
    }
    assert (await update(api, DeletionProtectionEnabled=True))["DeletionProtectionEnabled"] is True


async def test_update_of_a_missing_table(api: TableOperations) -> None:
    with pytest.raises(ResourceNotFound) as caught:
        await api.update_table(SCOPE, {"TableName": "nope", "DeletionProtectionEnabled": True})
    assert caught.value.message == "Requested resource not found: Table: nope not found"


async def test_concurrent_changes_build_on_each_other(api: TableOperations, registry: TableRegistry) -> None:
    ttl = {"TableName": "things", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires"}}
    await asyncio.gather(
        api.update_time_to_live(SCOPE, ttl),
        api.tag_resource(SCOPE, {"ResourceArn": ARN, "Tags": [{"Key": "a", "Value": "1"}]}),
        update(api, DeletionProtectionEnabled=True),
    )
    config = registry.table("things", SCOPE).config
    assert config.ttl_enabled and config.tags == (("a", "1"),) and config.deletion_protection


# --- time to live -------------------------------------------------------------------------------------


async def test_time_to_live(api: TableOperations, engine: FakeEngine) -> None:
    assert api.describe_time_to_live(SCOPE, {"TableName": "things"}) == {
        "TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}
    }
    on = {"TableName": "things", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires"}}
    assert await api.update_time_to_live(SCOPE, on) == {
        "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires"}
    }
    enabled = engine.reconfigured[-1]
    assert enabled.ttl_enabled and enabled.ttl_attribute == "expires"
    assert api.describe_time_to_live(SCOPE, {"TableName": "things"}) == {
        "TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    }
    with pytest.raises(ValidationError, match=r"^TimeToLive is already enabled$"):
        await api.update_time_to_live(SCOPE, on)
    other = {"TableName": "things", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "other"}}
    with pytest.raises(ValidationError) as caught:
        await api.update_time_to_live(SCOPE, other)
    assert caught.value.message == "TimeToLive is active on a different AttributeName: current AttributeName is expires"
    off = {"TableName": "things", "TimeToLiveSpecification": {"Enabled": False, "AttributeName": "expires"}}
    await api.update_time_to_live(SCOPE, off)
    disabled = engine.reconfigured[-1]
    assert not disabled.ttl_enabled and disabled.ttl_attribute is None
    with pytest.raises(ValidationError, match=r"^TimeToLive is already disabled$"):
        await api.update_time_to_live(SCOPE, off)


async def test_time_to_live_on_a_missing_table(api: TableOperations) -> None:
    on = {"TableName": "nope", "TimeToLiveSpecification": {"Enabled": True, "AttributeName": "expires"}}
    with pytest.raises(ResourceNotFound, match="Requested resource not found: Table: nope not found"):
        await api.update_time_to_live(SCOPE, on)


# --- tags ------------------------------------------------------------------------------------------------


async def test_tag_untag_and_list(api: TableOperations) -> None:
    await api.tag_resource(SCOPE, {"ResourceArn": ARN, "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]})
    await api.tag_resource(SCOPE, {"ResourceArn": ARN, "Tags": [{"Key": "a", "Value": "2"}]})
    assert api.list_tags_of_resource(SCOPE, {"ResourceArn": ARN}) == {
        "Tags": [{"Key": "a", "Value": "2"}, {"Key": "b", "Value": ""}]
    }
    await api.untag_resource(SCOPE, {"ResourceArn": ARN, "TagKeys": ["a", "missing"]})
    assert api.list_tags_of_resource(SCOPE, {"ResourceArn": ARN}) == {"Tags": [{"Key": "b", "Value": ""}]}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ResourceArn": ARN, "Tags": []}, "Atleast one Tag needs to be provided as Input."),
        (
            {"ResourceArn": ARN, "Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]},
            "Duplicate Tag Keys provided as input: Duplicate Tag Key found a",
        ),
        (
            {"ResourceArn": ARN, "Tags": [{"Key": "aws:x", "Value": "1"}]},
            "Tag Key cannot be prefixed with aws:, Key: aws:x",
        ),
        (
            {"ResourceArn": "things", "Tags": [{"Key": "a", "Value": "1"}]},
            "One or more parameter values were invalid: ARNs must start with 'arn:': things",
        ),
        (
            {"ResourceArn": ARN + "/index/i", "Tags": [{"Key": "a", "Value": "1"}]},
            "One or more parameter values were invalid: Invalid resource arn provided, only table or stream is "
            f"accepted. Provided resource arn: {ARN}/index/i",
        ),
    ],
)
async def test_tags_are_checked(api: TableOperations, params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        await api.tag_resource(SCOPE, params)
    assert caught.value.message == message


async def test_tag_limit(api: TableOperations) -> None:
    tags = [{"Key": f"k{n}", "Value": "v"} for n in range(50)]
    await api.tag_resource(SCOPE, {"ResourceArn": ARN, "Tags": tags})
    with pytest.raises(ValidationError, match="Number of Tags exceed the current limit"):
        await api.tag_resource(SCOPE, {"ResourceArn": ARN, "Tags": [{"Key": "one-more", "Value": "v"}]})


async def test_tags_of_a_missing_table(api: TableOperations) -> None:
    missing = "arn:aws:dynamodb:us-east-1:000000000000:table/nope"
    with pytest.raises(ResourceNotFound) as caught:
        api.list_tags_of_resource(SCOPE, {"ResourceArn": missing})
    assert caught.value.message == f"Requested resource not found: ResourcArn: {missing} not found"


# --- backups, limits, endpoints ---------------------------------------------------------------------------


async def test_continuous_backups(api: TableOperations) -> None:
    described = api.describe_continuous_backups(SCOPE, {"TableName": "things"})["ContinuousBackupsDescription"]
    assert described == {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"},
    }
    spec = {"PointInTimeRecoveryEnabled": True}
    await api.update_continuous_backups(SCOPE, {"TableName": "things", "PointInTimeRecoverySpecification": spec})
    described = api.describe_continuous_backups(SCOPE, {"TableName": "things"})["ContinuousBackupsDescription"]
    assert described["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


async def test_limits_and_endpoints(api: TableOperations) -> None:
    assert api.describe_limits()["TableMaxReadCapacityUnits"] == 40_000
    assert api.describe_endpoints(SCOPE) == {"Endpoints": [{"Address": "127.0.0.1:4566", "CachePeriodInMinutes": 1440}]}
