"""DynamoDB tables as values: key schema, indexes, stream and TTL settings, and how they are stored.

Items are plain mappings of attribute name to AttributeValue, in the form the wire codec hands
over: ``{"S": str}``, ``{"N": str}`` (canonical text, see ``values.py``), ``{"B": bytes}``,
``{"BOOL": bool}``, ``{"NULL": True}``, ``{"M": {...}}``, ``{"L": [...]}``, ``{"SS": [str]}``,
``{"NS": [str]}``, ``{"BS": [bytes]}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from triggerfish.core.payloads.dynamodb import StreamViewType, stream_arn_for

AttributeValue = dict[str, Any]
Item = dict[str, AttributeValue]

TABLE_KIND = "dynamodb.table"


class ScalarType(StrEnum):
    S = "S"
    N = "N"
    B = "B"


class BillingMode(StrEnum):
    PROVISIONED = "PROVISIONED"
    PAY_PER_REQUEST = "PAY_PER_REQUEST"


class ProjectionType(StrEnum):
    ALL = "ALL"
    KEYS_ONLY = "KEYS_ONLY"
    INCLUDE = "INCLUDE"


class TableStatus(StrEnum):
    CREATING = "CREATING"
    UPDATING = "UPDATING"
    DELETING = "DELETING"
    ACTIVE = "ACTIVE"


@dataclass(frozen=True)
class KeySchema:
    partition: str
    sort: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.partition,) if self.sort is None else (self.partition, self.sort)

    def to_wire(self) -> list[dict[str, str]]:
        schema = [{"AttributeName": self.partition, "KeyType": "HASH"}]
        if self.sort is not None:
            schema.append({"AttributeName": self.sort, "KeyType": "RANGE"})
        return schema


@dataclass(frozen=True)
class Throughput:
    read: int
    write: int


@dataclass(frozen=True)
class Projection:
    type: ProjectionType = ProjectionType.ALL
    non_key_attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecondaryIndex:
    """A global (``is_global``) or local secondary index. A local index shares the table's partition key."""

    name: str
    key: KeySchema
    projection: Projection
    is_global: bool
    throughput: Throughput | None = None


@dataclass(frozen=True)
class TableConfig:
    name: str
    account: str
    region: str
    #: one incarnation of the table: a table deleted and created again under its name gets a new id
    table_id: str
    created_at: float
    key: KeySchema
    #: AttributeDefinitions: attribute name to S, N or B
    attribute_types: tuple[tuple[str, ScalarType], ...]
    billing_mode: BillingMode = BillingMode.PROVISIONED
    throughput: Throughput | None = None
    global_indexes: tuple[SecondaryIndex, ...] = ()
    local_indexes: tuple[SecondaryIndex, ...] = ()
    #: the stream's view type while the stream is enabled
    stream_view_type: StreamViewType | None = None
    #: the label of the newest stream (kept after it is disabled: LatestStreamArn still names it)
    stream_label: str | None = None
    ttl_attribute: str | None = None
    ttl_enabled: bool = False
    deletion_protection: bool = False
    table_class: str = "STANDARD"
    tags: tuple[tuple[str, str], ...] = ()
    status: TableStatus = TableStatus.ACTIVE
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def arn(self) -> str:
        return f"arn:aws:dynamodb:{self.region}:{self.account}:table/{self.name}"

    @property
    def stream_enabled(self) -> bool:
        return self.stream_view_type is not None

    @property
    def stream_arn(self) -> str | None:
        """The newest stream's ARN (LatestStreamArn), enabled or not; ``None`` if there never was one."""
        if self.stream_label is None:
            return None
        return stream_arn_for(region=self.region, account=self.account, table=self.name, label=self.stream_label)

    def attribute_type(self, name: str) -> ScalarType | None:
        return dict(self.attribute_types).get(name)

    def index(self, name: str) -> SecondaryIndex | None:
        return next((i for i in (*self.global_indexes, *self.local_indexes) if i.name == name), None)

    def evolve(self, **changes: Any) -> TableConfig:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "account": self.account,
            "region": self.region,
            "table_id": self.table_id,
            "created_at": self.created_at,
            "key": _key_json(self.key),
            "attribute_types": [[name, kind.value] for name, kind in self.attribute_types],
            "billing_mode": self.billing_mode.value,
            "throughput": _throughput_json(self.throughput),
            "global_indexes": [_index_json(i) for i in self.global_indexes],
            "local_indexes": [_index_json(i) for i in self.local_indexes],
            "stream_view_type": None if self.stream_view_type is None else self.stream_view_type.value,
            "stream_label": self.stream_label,
            "ttl_attribute": self.ttl_attribute,
            "ttl_enabled": self.ttl_enabled,
            "deletion_protection": self.deletion_protection,
            "table_class": self.table_class,
            "tags": [list(tag) for tag in self.tags],
            "status": self.status.value,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TableConfig:
        view = data.get("stream_view_type")
        return cls(
            name=data["name"],
            account=data["account"],
            region=data["region"],
            table_id=data["table_id"],
            created_at=data["created_at"],
            key=_key_from(data["key"]),
            attribute_types=tuple((name, ScalarType(kind)) for name, kind in data["attribute_types"]),
            billing_mode=BillingMode(data["billing_mode"]),
            throughput=_throughput_from(data.get("throughput")),
            global_indexes=tuple(_index_from(i) for i in data.get("global_indexes", ())),
            local_indexes=tuple(_index_from(i) for i in data.get("local_indexes", ())),
            stream_view_type=None if view is None else StreamViewType(view),
            stream_label=data.get("stream_label"),
            ttl_attribute=data.get("ttl_attribute"),
            ttl_enabled=bool(data.get("ttl_enabled")),
            deletion_protection=bool(data.get("deletion_protection")),
            table_class=data.get("table_class", "STANDARD"),
            tags=tuple((k, v) for k, v in data.get("tags", ())),
            status=TableStatus(data.get("status", TableStatus.ACTIVE.value)),
            extra=dict(data.get("extra") or {}),
        )


def _key_json(key: KeySchema) -> dict[str, Any]:
    return {"partition": key.partition, "sort": key.sort}


def _key_from(data: Mapping[str, Any]) -> KeySchema:
    return KeySchema(data["partition"], data.get("sort"))


def _throughput_json(throughput: Throughput | None) -> list[int] | None:
    return None if throughput is None else [throughput.read, throughput.write]


def _throughput_from(data: Any) -> Throughput | None:
    return None if data is None else Throughput(int(data[0]), int(data[1]))


def _index_json(index: SecondaryIndex) -> dict[str, Any]:
    return {
        "name": index.name,
        "key": _key_json(index.key),
        "projection": [index.projection.type.value, list(index.projection.non_key_attributes)],
        "is_global": index.is_global,
        "throughput": _throughput_json(index.throughput),
    }


def _index_from(data: Mapping[str, Any]) -> SecondaryIndex:
    kind, non_key = data["projection"]
    return SecondaryIndex(
        name=data["name"],
        key=_key_from(data["key"]),
        projection=Projection(ProjectionType(kind), tuple(non_key)),
        is_global=bool(data["is_global"]),
        throughput=_throughput_from(data.get("throughput")),
    )
