"""The table operations of the DynamoDB API: CreateTable, DescribeTable, ListTables, UpdateTable,
DeleteTable, time to live, tags, continuous backups, limits and endpoints.

Each takes the scope (``account/region``) and the operation's input members and returns its output
members, so the wire provider and the app deployer share one code path. Tables are ACTIVE as soon
as they are created: CreateTable answers CREATING as AWS does, and the next DescribeTable (boto3's
``table_exists`` waiter) finds ACTIVE.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from triggerfish.core.clock import Clock
from triggerfish.services.dynamodb import table_checks as checks
from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.models import BillingMode, SecondaryIndex, TableConfig, Throughput
from triggerfish.services.dynamodb.table_updates import new_label, plan_update
from triggerfish.services.dynamodb.table_views import (
    EXTRA_BILLING_GIVEN,
    EXTRA_CLASS_GIVEN,
    EXTRA_SSE,
    TableDescription,
    describe,
)
from triggerfish.services.dynamodb.tables import TableRegistry, table_name_of
from triggerfish.services.dynamodb.tags import (
    merged,
    resource_not_found,
    table_of_resource,
    tags_from_wire,
    tags_to_wire,
    without,
)

if TYPE_CHECKING:
    from triggerfish.services.dynamodb.table_data import TableData

Params = Mapping[str, Any]
#: ListTables answers at most 100 names per page (DynamoDB API reference, ListTables Limit)
LIST_LIMIT = 100
#: DescribeLimits for an account (DynamoDB quotas: 80,000 per account, 40,000 per table, on-demand defaults)
ACCOUNT_MAX_CAPACITY = 80_000
TABLE_MAX_CAPACITY = 40_000
#: DescribeEndpoints' cache period (DynamoDB API reference)
ENDPOINT_CACHE_MINUTES = 1440


class TableOperations:
    def __init__(
        self, tables: TableRegistry, clock: Clock, *, endpoint_address: Callable[[], str] = lambda: "localhost:4566"
    ) -> None:
        self._tables = tables
        self._clock = clock
        self._endpoint_address = endpoint_address
        # a change reads the current configuration, stores the next one, then applies it: one at a
        # time, so two concurrent changes never build on the same stale configuration
        self._changing = asyncio.Lock()

    # --- create, describe, list, delete -----------------------------------------------------------

    async def create_table(self, scope: str, params: Params) -> dict[str, Any]:
        async with self._changing:
            config = self._new_config(scope, params)
            await self._tables.add(config)
            # AWS answers CREATING; the table is ACTIVE for every later call (module docstring)
            return {"TableDescription": describe(config, status="CREATING")}

    def describe_table(self, scope: str, params: Params) -> dict[str, Any]:
        data = self._require(scope, params)
        return {"Table": self._describe(data)}

    def list_tables(self, scope: str, params: Params) -> dict[str, Any]:
        limit = params.get("Limit", LIST_LIMIT)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= LIST_LIMIT:
            rule = "greater than or equal to 1" if isinstance(limit, int) and limit < 1 else "less than or equal to 100"
            raise checks.constraint(limit, "limit", f"Member must have value {rule}")
        start = params.get("ExclusiveStartTableName")
        names = [config.name for config in self._tables.configs(scope)]
        if start is not None:
            names = [name for name in names if name > start]
        page = names[:limit]
        result: dict[str, Any] = {"TableNames": page}
        if len(names) > limit:
            result["LastEvaluatedTableName"] = page[-1]
        return result

    async def delete_table(self, scope: str, params: Params) -> dict[str, Any]:
        async with self._changing:
            data = self._require(scope, params)
            if data.config.deletion_protection:
                # DeleteTable on a protected table (observed answer)
                raise ValidationError(
                    "Resource cannot be deleted as it is currently protected against deletion. "
                    "Disable deletion protection first."
                )
            shape = self._describe(data, status="DELETING")
            await self._tables.remove(data)
            return {"TableDescription": shape}

    async def update_table(self, scope: str, params: Params) -> dict[str, Any]:
        async with self._changing:
            data = self._require(scope, params)
            update = plan_update(data.config, params, self._clock.now())
            await self._tables.change(data, update.config)
            return {"TableDescription": self._describe(data, status="UPDATING", creating=update.created_indexes)}

    # --- time to live -----------------------------------------------------------------------------

    async def update_time_to_live(self, scope: str, params: Params) -> dict[str, Any]:
        async with self._changing:
            data = self._require(scope, params)
            spec = checks.mapping(
                checks.required(params, "TimeToLiveSpecification", "timeToLiveSpecification"), "timeToLiveSpecification"
            )
            enabled = checks.flag(
                checks.required(spec, "Enabled", "timeToLiveSpecification.enabled"), "timeToLiveSpecification.enabled"
            )
            attribute = checks.text(
                checks.required(spec, "AttributeName", "timeToLiveSpecification.attributeName"),
                "timeToLiveSpecification.attributeName",
            )
            config = data.config
            # UpdateTimeToLive is not idempotent (observed answers to a repeated request)
            if config.ttl_enabled and config.ttl_attribute != attribute:
                raise ValidationError(
                    "TimeToLive is active on a different AttributeName: "
                    f"current AttributeName is {config.ttl_attribute}"
                )
            if enabled and config.ttl_enabled:
                raise ValidationError("TimeToLive is already enabled")
            if not enabled and not config.ttl_enabled:
                raise ValidationError("TimeToLive is already disabled")
            changed = config.evolve(ttl_enabled=enabled, ttl_attribute=attribute if enabled else None)
            await self._tables.change(data, changed)
            return {"TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}}

    def describe_time_to_live(self, scope: str, params: Params) -> dict[str, Any]:
        config = self._require(scope, params).config
        if config.ttl_enabled and config.ttl_attribute is not None:
            return {"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": config.ttl_attribute}}
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}

    # --- tags -------------------------------------------------------------------------------------

    async def tag_resource(self, scope: str, params: Params) -> dict[str, Any]:
        async with self._changing:
            arn = checks.text(checks.required(params, "ResourceArn", "resourceArn"), "resourceArn")
            tags = params.get("Tags")
            table = table_of_resource(arn)
            if not tags:
                raise ValidationError("Atleast one Tag needs to be provided as Input.")
            added = tags_from_wire(tags)
            data = self._by_resource(scope, arn, table)
            await self._tables.change(data, data.config.evolve(tags=merged(data.config.tags, added)))
            return {}

    async def untag_resource(self, scope: str, params: Params) -> dict[str, Any]:
        async with self._changing:
            arn = checks.text(checks.required(params, "ResourceArn", "resourceArn"), "resourceArn")
            keys = params.get("TagKeys")
            table = table_of_resource(arn)
            if not keys:
                raise ValidationError("Atleast one Tag Key needs to be provided as Input.")
            names = [checks.text(key, "tagKeys") for key in checks.sequence(keys, "tagKeys")]
            data = self._by_resource(scope, arn, table)
            await self._tables.change(data, data.config.evolve(tags=without(data.config.tags, names)))
            return {}

    def list_tags_of_resource(self, scope: str, params: Params) -> dict[str, Any]:
        arn = checks.text(checks.required(params, "ResourceArn", "resourceArn"), "resourceArn")
        data = self._by_resource(scope, arn, table_of_resource(arn))
        return {"Tags": tags_to_wire(data.config.tags)}

    # --- backups, limits, endpoints ---------------------------------------------------------------

    def describe_continuous_backups(self, scope: str, params: Params) -> dict[str, Any]:
        config = self._require(scope, params).config
        return {"ContinuousBackupsDescription": _backups(bool(config.extra.get("pitr")))}

    async def update_continuous_backups(self, scope: str, params: Params) -> dict[str, Any]:
        async with self._changing:
            data = self._require(scope, params)
            spec = checks.mapping(
                checks.required(params, "PointInTimeRecoverySpecification", "pointInTimeRecoverySpecification"),
                "pointInTimeRecoverySpecification",
            )
            enabled = checks.flag(
                checks.required(
                    spec, "PointInTimeRecoveryEnabled", "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled"
                ),
                "pointInTimeRecoverySpecification.pointInTimeRecoveryEnabled",
            )
            if not enabled and spec.get("RecoveryPeriodInDays") is not None:
                raise ValidationError(
                    "Invalid Request: Cannot specify RecoveryPeriodInDays when disabling point-in-time recovery."
                )
            # accepted and reported; no restore is offered locally
            await self._tables.change(data, data.config.evolve(extra={**data.config.extra, "pitr": enabled}))
            return {"ContinuousBackupsDescription": _backups(enabled)}

    def describe_limits(self) -> dict[str, Any]:
        return {
            "AccountMaxReadCapacityUnits": ACCOUNT_MAX_CAPACITY,
            "AccountMaxWriteCapacityUnits": ACCOUNT_MAX_CAPACITY,
            "TableMaxReadCapacityUnits": TABLE_MAX_CAPACITY,
            "TableMaxWriteCapacityUnits": TABLE_MAX_CAPACITY,
        }

    def describe_endpoints(self, scope: str) -> dict[str, Any]:
        return {"Endpoints": [{"Address": self._endpoint_address(), "CachePeriodInMinutes": ENDPOINT_CACHE_MINUTES}]}

    # --- helpers ----------------------------------------------------------------------------------

    def _require(self, scope: str, params: Params) -> TableData:
        name = checks.text(checks.required(params, "TableName", "tableName"), "tableName")
        return self._tables.require(name, scope)

    def _by_resource(self, scope: str, arn: str, table: str) -> TableData:
        data = self._tables.find(table, scope)
        if data is None or not arn.startswith(data.config.arn):
            raise resource_not_found(arn)
        return data

    def _describe(
        self, data: TableData, *, status: str | None = None, creating: frozenset[str] = frozenset()
    ) -> TableDescription:
        config = data.config
        sizes = {
            index.name: (data.index_item_count(index.name), data.index_size_bytes(index.name))
            for index in (*config.global_indexes, *config.local_indexes)
        }
        return describe(
            config,
            item_count=data.item_count,
            size_bytes=data.size_bytes,
            status=status,
            creating_indexes=creating,
            index_sizes=sizes,
        )

    def _new_config(self, scope: str, params: Params) -> TableConfig:
        account, _, region = scope.partition("/")
        raw_name = checks.text(checks.required(params, "TableName", "tableName"), "tableName")
        name = checks.check_name(table_name_of(raw_name), "tableName")
        key = checks.key_schema(checks.required(params, "KeySchema", "keySchema"), "keySchema")
        types = checks.attribute_definitions(checks.required(params, "AttributeDefinitions", "attributeDefinitions"))
        billing, throughput = _billing(params)
        on_demand = billing is BillingMode.PAY_PER_REQUEST
        global_indexes = _indexes(params, "GlobalSecondaryIndexes", "globalSecondaryIndexes", checks.MAX_GLOBAL_INDEXES)
        local_indexes = _indexes(params, "LocalSecondaryIndexes", "localSecondaryIndexes", checks.MAX_LOCAL_INDEXES)
        gsis = [
            checks.global_index(spec, f"globalSecondaryIndexes.{n}.member", on_demand=on_demand)
            for n, spec in enumerate(global_indexes, 1)
        ]
        lsis = [
            checks.local_index(spec, f"localSecondaryIndexes.{n}.member", key)
            for n, spec in enumerate(local_indexes, 1)
        ]
        _check_unique(gsis, lsis)
        checks.check_definitions_used(types, [key, *(i.key for i in (*gsis, *lsis))], indexes=bool(gsis or lsis))
        now = self._clock.now()
        view = None
        if params.get("StreamSpecification") is not None:
            _, view = checks.stream_view(params["StreamSpecification"], creating=True)
        extra: dict[str, Any] = {}
        if params.get("BillingMode") is not None:
            extra[EXTRA_BILLING_GIVEN] = True
        table_class = "STANDARD"
        if params.get("TableClass") is not None:
            table_class = checks.table_class(params["TableClass"])
            extra[EXTRA_CLASS_GIVEN] = True
        if params.get("SSESpecification") is not None:
            extra[EXTRA_SSE] = checks.sse(params["SSESpecification"])
        protection = params.get("DeletionProtectionEnabled")
        tags = tags_from_wire(params["Tags"]) if params.get("Tags") is not None else {}
        return TableConfig(
            name=name,
            account=account,
            region=region,
            table_id=str(uuid.uuid4()),
            created_at=now,
            key=key,
            attribute_types=tuple(types.items()),
            billing_mode=billing,
            throughput=throughput,
            global_indexes=tuple(gsis),
            local_indexes=tuple(lsis),
            stream_view_type=view,
            stream_label=None if view is None else new_label(now, None),
            deletion_protection=False if protection is None else checks.flag(protection, "deletionProtectionEnabled"),
            table_class=table_class,
            tags=tuple(tags.items()),
            extra=extra,
        )


def _billing(params: Params) -> tuple[BillingMode, Throughput | None]:
    mode = params.get("BillingMode", BillingMode.PROVISIONED.value)
    if mode not in BillingMode.__members__:
        raise checks.constraint(
            mode, "billingMode", "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"
        )
    billing = BillingMode(mode)
    given = params.get("ProvisionedThroughput")
    if billing is BillingMode.PAY_PER_REQUEST:
        if given is not None:
            raise checks.invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        return billing, None
    if given is None:
        raise checks.invalid(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    return billing, checks.throughput(given, "provisionedThroughput")


def _indexes(params: Params, name: str, member: str, limit: int) -> list[Any]:
    given = params.get(name)
    if given is None:
        return []
    specs = list(checks.sequence(given, member))
    if not specs:
        raise checks.invalid(f"List of {name} is empty")
    if len(specs) > limit:
        if name == "GlobalSecondaryIndexes":
            raise checks.invalid(f"GlobalSecondaryIndex count exceeds the per-table limit of {limit}")
        raise checks.invalid(f"Number of LocalSecondaryIndexes exceeds per-table limit of {limit}")
    return specs


def _check_unique(*groups: list[SecondaryIndex]) -> None:
    seen: set[str] = set()
    for index in (index for group in groups for index in group):
        if index.name in seen:
            raise checks.invalid(f"Duplicate index name: {index.name}")
        seen.add(index.name)


def _backups(pitr: bool) -> dict[str, Any]:
    return {
        "ContinuousBackupsStatus": "ENABLED",
        "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "ENABLED" if pitr else "DISABLED"},
    }
