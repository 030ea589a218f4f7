"""TableDescription, as CreateTable, DescribeTable, UpdateTable and DeleteTable answer it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from triggerfish.services.dynamodb.models import Projection, ProjectionType, SecondaryIndex, TableConfig, Throughput

#: ``TableConfig.extra`` keys this module reads
EXTRA_SSE = "sse"
EXTRA_BILLING_GIVEN = "billing_mode_given"
EXTRA_CLASS_GIVEN = "table_class_given"


class ThroughputDescription(TypedDict):
    NumberOfDecreasesToday: int
    ReadCapacityUnits: int
    WriteCapacityUnits: int


class ProjectionShape(TypedDict):
    ProjectionType: str
    NonKeyAttributes: NotRequired[list[str]]


class TableDescription(TypedDict):
    AttributeDefinitions: list[dict[str, str]]
    TableName: str
    KeySchema: list[dict[str, str]]
    TableStatus: str
    CreationDateTime: float
    ProvisionedThroughput: ThroughputDescription
    TableSizeBytes: int
    ItemCount: int
    TableArn: str
    TableId: str
    BillingModeSummary: NotRequired[dict[str, Any]]
    LocalSecondaryIndexes: NotRequired[list[dict[str, Any]]]
    GlobalSecondaryIndexes: NotRequired[list[dict[str, Any]]]
    StreamSpecification: NotRequired[dict[str, Any]]
    LatestStreamLabel: NotRequired[str]
    LatestStreamArn: NotRequired[str]
    SSEDescription: NotRequired[dict[str, Any]]
    TableClassSummary: NotRequired[dict[str, Any]]
    DeletionProtectionEnabled: bool


def describe(
    config: TableConfig,
    *,
    item_count: int = 0,
    size_bytes: int = 0,
    status: str | None = None,
    creating_indexes: frozenset[str] = frozenset(),
    index_sizes: Mapping[str, tuple[int, int]] | None = None,
) -> TableDescription:
    """The table as AWS describes it. ``status`` overrides the stored one (CREATING on create,
    UPDATING on update, DELETING on delete); ``creating_indexes`` are answered as CREATING;
    ``index_sizes`` gives each index's (item count, bytes)."""
    sizes = index_sizes or {}
    shape = TableDescription(
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t.value} for n, t in config.attribute_types],
        TableName=config.name,
        KeySchema=config.key.to_wire(),
        TableStatus=status or config.status.value,
        CreationDateTime=config.created_at,
        ProvisionedThroughput=throughput(config.throughput),
        TableSizeBytes=size_bytes,
        ItemCount=item_count,
        TableArn=config.arn,
        TableId=config.table_id,
        DeletionProtectionEnabled=config.deletion_protection,
    )
    # BillingModeSummary appears once a billing mode was chosen (recorded CreateTable answers)
    if config.billing_mode.value == "PAY_PER_REQUEST" or config.extra.get(EXTRA_BILLING_GIVEN):
        shape["BillingModeSummary"] = {"BillingMode": config.billing_mode.value}
    if config.local_indexes:
        shape["LocalSecondaryIndexes"] = [
            _local(config, index, sizes.get(index.name, (0, 0))) for index in config.local_indexes
        ]
    if config.global_indexes:
        shape["GlobalSecondaryIndexes"] = [
            _global(
                config,
                index,
                "CREATING" if index.name in creating_indexes else "ACTIVE",
                sizes.get(index.name, (0, 0)),
            )
            for index in config.global_indexes
        ]
    # after a stream is disabled StreamSpecification goes while LatestStreamArn/Label stay (observed)
    if config.stream_view_type is not None:
        shape["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": config.stream_view_type.value}
    if config.stream_label is not None and config.stream_arn is not None:
        shape["LatestStreamLabel"] = config.stream_label
        shape["LatestStreamArn"] = config.stream_arn
    sse = config.extra.get(EXTRA_SSE)
    if isinstance(sse, dict):
        shape["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": kms_key_arn(config, sse)}
    if config.table_class != "STANDARD" or config.extra.get(EXTRA_CLASS_GIVEN):
        shape["TableClassSummary"] = {"TableClass": config.table_class}
    return shape


def throughput(given: Throughput | None) -> ThroughputDescription:
    """On-demand tables and indexes answer 0/0 (recorded CreateTable answers)."""
    read, write = (0, 0) if given is None else (given.read, given.write)
    return ThroughputDescription(NumberOfDecreasesToday=0, ReadCapacityUnits=read, WriteCapacityUnits=write)


def projection(given: Projection) -> ProjectionShape:
    shape = ProjectionShape(ProjectionType=given.type.value)
    if given.type is ProjectionType.INCLUDE:
        shape["NonKeyAttributes"] = list(given.non_key_attributes)
    return shape


def index_arn(config: TableConfig, index: SecondaryIndex) -> str:
    return f"{config.arn}/index/{index.name}"


def kms_key_arn(config: TableConfig, sse: dict[str, Any]) -> str:
    key = sse.get("KMSMasterKeyId")
    if isinstance(key, str) and key.startswith("arn:"):
        return key
    key_id = key if isinstance(key, str) and key else config.table_id
    return f"arn:aws:kms:{config.region}:{config.account}:key/{key_id}"


def _global(config: TableConfig, index: SecondaryIndex, status: str, size: tuple[int, int]) -> dict[str, Any]:
    return {
        "IndexName": index.name,
        "KeySchema": index.key.to_wire(),
        "Projection": projection(index.projection),
        "IndexStatus": status,
        "ProvisionedThroughput": throughput(index.throughput),
        "IndexSizeBytes": size[1],
        "ItemCount": size[0],
        "IndexArn": index_arn(config, index),
    }


def _local(config: TableConfig, index: SecondaryIndex, size: tuple[int, int]) -> dict[str, Any]:
    return {
        "IndexName": index.name,
        "KeySchema": index.key.to_wire(),
        "Projection": projection(index.projection),
        "IndexSizeBytes": size[1],
        "ItemCount": size[0],
        "IndexArn": index_arn(config, index),
    }
