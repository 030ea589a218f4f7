"""Select on Query and Scan: which attributes of each item a page holds, and where they come from.

DynamoDB API reference, Query ``Select``: ALL_ATTRIBUTES (the default on a table), ALL_PROJECTED_
ATTRIBUTES (the default on an index; only with an index), SPECIFIC_ATTRIBUTES (implied by a
projection, and needs one), COUNT. A local secondary index fetches attributes it does not project
from the table; a global one cannot, so asking it for them is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import Projection
from triggerfish.services.dynamodb.models import ProjectionType, SecondaryIndex, TableConfig


class Select(StrEnum):
    ALL_ATTRIBUTES = "ALL_ATTRIBUTES"
    ALL_PROJECTED_ATTRIBUTES = "ALL_PROJECTED_ATTRIBUTES"
    SPECIFIC_ATTRIBUTES = "SPECIFIC_ATTRIBUTES"
    COUNT = "COUNT"


@dataclass(frozen=True)
class Shape:
    select: Select
    projection: Projection | None = None
    #: read each item from the table (a local index asked for attributes it does not project)
    from_table: bool = False


def choose_shape(
    params: Mapping[str, Any],
    projection: Projection | None,
    config: TableConfig,
    index: SecondaryIndex | None,
) -> Shape:
    select = _select(params, projection, index)
    if index is None or index.projection.type is ProjectionType.ALL:
        return Shape(select, projection)
    if select is Select.ALL_ATTRIBUTES:
        if index.is_global:
            raise ValidationError(
                "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
                f"global secondary index {index.name} because its projection type is not ALL"
            )
        return Shape(select, None, from_table=True)
    if select is Select.SPECIFIC_ATTRIBUTES and projection is not None:
        projected = {*config.key.names, *index.key.names}
        if index.projection.type is ProjectionType.INCLUDE:
            projected.update(index.projection.non_key_attributes)
        missing = sorted({path.top for path in projection.paths} - projected)
        if missing and index.is_global:
            raise ValidationError(
                f"One or more parameter values were invalid: Global secondary index {index.name} does not project "
                f"[{', '.join(missing)}]"
            )
        return Shape(select, projection, from_table=bool(missing))
    return Shape(select, projection)


def _select(params: Mapping[str, Any], projection: Projection | None, index: SecondaryIndex | None) -> Select:
    value = params.get("Select")
    named = "ProjectionExpression" if params.get("ProjectionExpression") is not None else "AttributesToGet"
    if value is None:
        if projection is not None:
            return Select.SPECIFIC_ATTRIBUTES
        return Select.ALL_ATTRIBUTES if index is None else Select.ALL_PROJECTED_ATTRIBUTES
    try:
        select = Select(value)
    except ValueError:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at 'select' failed to satisfy constraint: Member must "
            "satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]"
        ) from None
    if select is Select.SPECIFIC_ATTRIBUTES:
        if projection is None:
            raise ValidationError(
                "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
            )
        return select
    if projection is not None:
        what = "only the Count" if select is Select.COUNT else select.value
        raise ValidationError(f"Cannot specify the {named} when choosing to get {what}")
    if select is Select.ALL_PROJECTED_ATTRIBUTES and index is None:
        # AWS words it so for Scan too
        raise ValidationError("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    return select
