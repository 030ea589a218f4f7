"""ReturnItemCollectionMetrics: the size estimate of an item collection.

DynamoDB API reference: with ``SIZE``, a write to a table that has local secondary indexes answers
with the collection's partition key and an estimated size range in GB; other tables answer nothing.
Locally a collection is always well under 10 GB, so the range is the first one, ``[0.0, 1.0]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.models import TableConfig


def wants_metrics(params: Mapping[str, Any]) -> bool:
    value = params.get("ReturnItemCollectionMetrics")
    if value is None or value == "NONE":
        return False
    if value == "SIZE":
        return True
    raise ValidationError(
        f"1 validation error detected: Value '{value}' at 'returnItemCollectionMetrics' failed to satisfy "
        "constraint: Member must satisfy enum value set: [SIZE, NONE]"
    )


def metrics_for(config: TableConfig, key: Mapping[str, Any]) -> dict[str, Any] | None:
    if not config.local_indexes:
        return None
    partition = config.key.partition
    return {"ItemCollectionKey": {partition: key[partition]}, "SizeEstimateRangeGB": [0.0, 1.0]}


def collection_metrics(params: Mapping[str, Any], config: TableConfig, key: Mapping[str, Any]) -> dict[str, Any] | None:
    return metrics_for(config, key) if wants_metrics(params) else None
