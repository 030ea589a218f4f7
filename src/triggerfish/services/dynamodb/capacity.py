"""ConsumedCapacity: what a request would have cost on a provisioned table, computed from item sizes.

DynamoDB developer guide, "Read/write capacity mode": one read unit reads up to 4 KB strongly
consistent (half a unit eventually consistent), one write unit writes up to 1 KB; transactions cost
twice as much. Locally nothing is throttled, the numbers are for code that logs or asserts them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.models import TableConfig

READ_UNIT = 4096
WRITE_UNIT = 1024


class CapacityDetail(StrEnum):
    NONE = "NONE"
    TOTAL = "TOTAL"
    INDEXES = "INDEXES"


def capacity_detail(params: Mapping[str, Any]) -> CapacityDetail:
    value = params.get("ReturnConsumedCapacity")
    if value is None:
        return CapacityDetail.NONE
    try:
        return CapacityDetail(value)
    except ValueError:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at 'returnConsumedCapacity' failed to satisfy "
            "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"
        ) from None


def read_units(size: int, *, consistent: bool) -> float:
    """Units to read ``size`` bytes in one read (at least one 4 KB block, even for nothing found)."""
    units = float(max(1, math.ceil(size / READ_UNIT)))
    return units if consistent else units / 2


def write_units(size: int) -> float:
    return float(max(1, math.ceil(size / WRITE_UNIT)))


@dataclass
class Consumed:
    """Units spent on one table by one request: on the table itself and on each index."""

    config: TableConfig
    read: bool
    table: float = 0.0
    indexes: dict[str, float] = field(default_factory=dict)

    def add_index(self, name: str, units: float) -> None:
        self.indexes[name] = self.indexes.get(name, 0.0) + units

    def shape(self, detail: CapacityDetail) -> dict[str, Any]:
        total = self.table + sum(self.indexes.values())
        kind = "ReadCapacityUnits" if self.read else "WriteCapacityUnits"
        result: dict[str, Any] = {"TableName": self.config.name, "CapacityUnits": total, kind: total}
        if detail is CapacityDetail.INDEXES:
            result["Table"] = {"CapacityUnits": self.table, kind: self.table}
            global_names = {index.name for index in self.config.global_indexes}
            for name, units in self.indexes.items():
                group = "GlobalSecondaryIndexes" if name in global_names else "LocalSecondaryIndexes"
                result.setdefault(group, {})[name] = {"CapacityUnits": units, kind: units}
        return result


def write_cost(
    config: TableConfig, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, size: int
) -> Consumed:
    """A write of an item of ``size`` bytes: the table, plus every index the old or new item is in."""
    consumed = Consumed(config, read=False, table=write_units(size))
    for index in (*config.global_indexes, *config.local_indexes):
        if any(item is not None and all(name in item for name in index.key.names) for item in (old, new)):
            consumed.add_index(index.name, write_units(size))
    return consumed


def merged(costs: Iterable[Consumed], detail: CapacityDetail, *, factor: float = 1.0) -> list[dict[str, Any]]:
    """One ConsumedCapacity per table (batches and transactions), tables in first-seen order."""
    by_table: dict[str, Consumed] = {}
    for cost in costs:
        into = by_table.setdefault(cost.config.name, Consumed(cost.config, read=cost.read))
        into.table += cost.table * factor
        for name, units in cost.indexes.items():
            into.add_index(name, units * factor)
    return [cost.shape(detail) for cost in by_table.values()]
