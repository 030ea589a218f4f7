"""UpdateTable: the new configuration a request asks for, or DynamoDB's refusal.

Pure: takes the current configuration and the request, returns the next configuration and the
names of the global secondary indexes it creates (answered as CREATING).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from triggerfish.core.payloads.dynamodb import StreamViewType, stream_label
from triggerfish.services.dynamodb.errors import LimitExceeded, ValidationError
from triggerfish.services.dynamodb.models import BillingMode, ScalarType, SecondaryIndex, TableConfig, Throughput
from triggerfish.services.dynamodb.table_checks import (
    MAX_GLOBAL_INDEXES,
    attribute_definitions,
    check_name,
    flag,
    invalid,
    key_schema,
    mapping,
    projection,
    required,
    sequence,
    sse,
    stream_view,
    table_class,
    throughput,
)
from triggerfish.services.dynamodb.table_views import EXTRA_BILLING_GIVEN, EXTRA_CLASS_GIVEN, EXTRA_SSE

# UpdateTable's answer when it is given nothing to change (observed, us-east-1)
NOTHING_TO_UPDATE = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
    "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
    "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"
)
_CHANGES = (
    "ProvisionedThroughput",
    "BillingMode",
    "StreamSpecification",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "DeletionProtectionEnabled",
    "TableClass",
    "OnDemandThroughput",
    "WarmThroughput",
    "ReplicaUpdates",
)


@dataclass(frozen=True)
class Update:
    config: TableConfig
    created_indexes: frozenset[str]


def plan_update(config: TableConfig, params: Mapping[str, Any], now: float) -> Update:
    given = [name for name in _CHANGES if params.get(name) is not None]
    if not given:
        raise ValidationError(NOTHING_TO_UPDATE)
    if "ReplicaUpdates" in given:
        raise ValidationError("ReplicaUpdates: global table replicas are not offered by this local cloud")
    _check_alone(given)
    changes: dict[str, Any] = {}
    extra = dict(config.extra)
    if "DeletionProtectionEnabled" in given:
        changes["deletion_protection"] = flag(params["DeletionProtectionEnabled"], "deletionProtectionEnabled")
    if "TableClass" in given:
        changes["table_class"] = table_class(params["TableClass"])
        extra[EXTRA_CLASS_GIVEN] = True
    if "SSESpecification" in given:
        extra[EXTRA_SSE] = sse(params["SSESpecification"])
    billing, table_throughput = _billing(config, params)
    if billing is not config.billing_mode:
        extra[EXTRA_BILLING_GIVEN] = True
    changes["billing_mode"] = billing
    changes["throughput"] = table_throughput
    globals_, created = _index_updates(config, params, billing)
    changes["global_indexes"] = globals_
    if created:
        types = dict(config.attribute_types)
        types.update(_new_definitions(params, globals_, created, types))
        changes["attribute_types"] = tuple(types.items())
    if params.get("StreamSpecification") is not None:
        changes.update(_stream(config, params["StreamSpecification"], now))
    changes["extra"] = extra
    return Update(config.evolve(**changes), frozenset(created))


def _check_alone(given: list[str]) -> None:
    """Some changes must come alone, and some pairs are refused (observed UpdateTable answers)."""
    if len(given) > 1:
        for member, what in (
            ("SSESpecification", "Server-Side Encryption modification"),
            ("TableClass", "TableClass modification"),
            ("DeletionProtectionEnabled", "DeletionProtection modification"),
        ):
            if member in given:
                raise invalid(f"{what} must be the only operation in the request")
    iops = "ProvisionedThroughput" in given
    stream = "StreamSpecification" in given
    indexes = "GlobalSecondaryIndexUpdates" in given
    if stream and iops:
        raise invalid("You cannot modify stream status while updating table IOPS")
    if indexes and iops:
        raise invalid("You cannot create or delete index while updating table IOPS")
    if indexes and stream:
        raise invalid("You cannot create or delete index while changing stream status")


def _billing(config: TableConfig, params: Mapping[str, Any]) -> tuple[BillingMode, Throughput | None]:
    mode = params.get("BillingMode")
    if mode is not None and mode not in BillingMode.__members__:
        raise ValidationError(
            f"1 validation error detected: Value '{mode}' at 'billingMode' failed to satisfy constraint: "
            "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"
        )
    billing = config.billing_mode if mode is None else BillingMode(mode)
    spec = params.get("ProvisionedThroughput")
    if billing is BillingMode.PAY_PER_REQUEST:
        if spec is not None:
            raise invalid(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        return billing, None
    if spec is None:
        if config.billing_mode is BillingMode.PAY_PER_REQUEST:
            raise invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
        return billing, config.throughput
    amount = throughput(spec, "provisionedThroughput")
    if amount == config.throughput and mode is None:
        raise ValidationError(
            "The provisioned throughput for the table will not change. The requested value equals the current value. "
            f"Current ReadCapacityUnits provisioned for the table: {amount.read}. "
            f"Requested ReadCapacityUnits: {amount.read}. "
            f"Current WriteCapacityUnits provisioned for the table: {amount.write}. "
            f"Requested WriteCapacityUnits: {amount.write}. "
            "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits."
        )
    return billing, amount


def _index_updates(
    config: TableConfig, params: Mapping[str, Any], billing: BillingMode
) -> tuple[tuple[SecondaryIndex, ...], list[str]]:
    indexes = {index.name: index for index in config.global_indexes}
    on_demand = billing is BillingMode.PAY_PER_REQUEST
    updates = params.get("GlobalSecondaryIndexUpdates")
    touched: set[str] = set()
    created: list[str] = []
    if updates is not None:
        updates = sequence(updates, "globalSecondaryIndexUpdates")
        if not updates:
            raise invalid("List of GlobalSecondaryIndexUpdates is empty")
    actions: list[tuple[str, Any, str, str]] = []
    for position, update in enumerate(updates or (), 1):
        member = f"globalSecondaryIndexUpdates.{position}.member"
        given = [(kind, update[kind]) for kind in ("Update", "Create", "Delete") if mapping(update, member).get(kind)]
        if not given:
            raise invalid(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        if len(given) > 1:
            raise invalid("Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object")
        kind, action = given[0]
        where = f"{member}.{kind.lower()}"
        name = check_name(mapping(action, where).get("IndexName"), f"{where}.indexName")
        if name in touched:
            raise invalid(f"Only one global secondary index update per index is allowed simultaneously. Index: {name}")
        touched.add(name)
        actions.append((kind, action, where, name))
    for kind, action, where, name in actions:
        if kind == "Create":
            if name in indexes or config.index(name) is not None:
                raise ValidationError("Attempting to create an index which already exists")
            indexes[name] = _created_index(action, where, name, on_demand)
            created.append(name)
        elif name not in indexes:
            what = "delete" if kind == "Delete" else "update"
            raise ValidationError(f"Cannot {what} an index that is not a GlobalSecondaryIndex: {name}")
        elif kind == "Delete":
            del indexes[name]
        else:
            indexes[name] = _updated_index(indexes[name], action, where, on_demand)
    if len(indexes) > MAX_GLOBAL_INDEXES:
        raise LimitExceeded(
            "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of "
            f"{MAX_GLOBAL_INDEXES}"
        )
    result = []
    for name, index in indexes.items():
        if not on_demand and index.throughput is None:
            # switching to PROVISIONED needs a throughput for every index (UpdateTable API reference)
            raise invalid(f"ProvisionedThroughput must be specified for index: {name}")
        result.append(
            SecondaryIndex(index.name, index.key, index.projection, True, None if on_demand else index.throughput)
        )
    return tuple(result), created


def _created_index(action: Any, where: str, name: str, on_demand: bool) -> SecondaryIndex:
    spec = mapping(action, where)
    key = key_schema(required(spec, "KeySchema", f"{where}.keySchema"), f"{where}.keySchema")
    shown = projection(required(spec, "Projection", f"{where}.projection"), f"{where}.projection")
    given = spec.get("ProvisionedThroughput")
    if on_demand and given is not None:
        raise invalid(
            f"Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: {name} "
            "when BillingMode is PAY_PER_REQUEST"
        )
    if not on_demand and given is None:
        raise invalid(f"ProvisionedThroughput must be specified for index: {name}")
    amount = None if given is None else throughput(given, f"{where}.provisionedThroughput")
    return SecondaryIndex(name, key, shown, is_global=True, throughput=amount)


def _updated_index(index: SecondaryIndex, action: Any, where: str, on_demand: bool) -> SecondaryIndex:
    given = mapping(action, where).get("ProvisionedThroughput")
    if given is None:
        return index
    if on_demand:
        raise invalid(
            f"The only Updates for index: {index.name} when TableThroughputMode is PAY_PER_REQUEST can be to "
            "OnDemandThroughput, WarmThroughput"
        )
    return SecondaryIndex(
        index.name, index.key, index.projection, True, throughput(given, f"{where}.provisionedThroughput")
    )


def _new_definitions(
    params: Mapping[str, Any], indexes: tuple[SecondaryIndex, ...], created: list[str], known: Mapping[str, ScalarType]
) -> dict[str, ScalarType]:
    """The definitions of the key attributes of new indexes: given in AttributeDefinitions (a table
    key's type cannot change) or already known."""
    given = attribute_definitions(params.get("AttributeDefinitions") or [])
    found: dict[str, ScalarType] = {}
    for index in indexes:
        if index.name not in created:
            continue
        for name in index.key.names:
            kind = given.get(name) or known.get(name)
            if kind is None:
                raise invalid(f"AttributeDefinitions is not specified for index: {index.name}")
            found[name] = kind
    return found


def _stream(config: TableConfig, spec: Any, now: float) -> dict[str, Any]:
    enabled, view = stream_view(spec, creating=False)
    if enabled and config.stream_enabled:
        raise ValidationError(f"Table already has an enabled stream: TableName: {config.name}")
    if not enabled and not config.stream_enabled:
        raise ValidationError(f"Table has no stream to disable: TableName: {config.name}")
    if not enabled:
        return {"stream_view_type": None}
    assert view is not None
    return {"stream_view_type": StreamViewType(view), "stream_label": new_label(now, config.stream_label)}


def new_label(now: float, previous: str | None) -> str:
    """A label for a new stream; every re-enable gets a new one, even within one millisecond."""
    label = stream_label(now)
    if previous is not None and label <= previous:
        after = datetime.fromisoformat(previous).replace(tzinfo=UTC).timestamp() + 0.001
        label = stream_label(after)
    return label
