"""ReturnValues and ReturnValuesOnConditionCheckFailure: which attributes a write answers with.

DynamoDB API reference: PutItem and DeleteItem accept ``NONE`` and ``ALL_OLD``; UpdateItem also
``UPDATED_OLD``, ``ALL_NEW`` and ``UPDATED_NEW`` (the UPDATED_* forms hold only the attributes the
update expression touched). Anything else is "Return values set to invalid value".
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import Projection, Update
from triggerfish.services.dynamodb.expressions.projection import project
from triggerfish.services.dynamodb.models import AttributeValue, Item


class ReturnValues(StrEnum):
    NONE = "NONE"
    ALL_OLD = "ALL_OLD"
    UPDATED_OLD = "UPDATED_OLD"
    ALL_NEW = "ALL_NEW"
    UPDATED_NEW = "UPDATED_NEW"


_ALLOWED: dict[str, frozenset[ReturnValues]] = {
    "PutItem": frozenset({ReturnValues.NONE, ReturnValues.ALL_OLD}),
    "DeleteItem": frozenset({ReturnValues.NONE, ReturnValues.ALL_OLD}),
    "UpdateItem": frozenset(ReturnValues),
}


def return_values(operation: str, params: Mapping[str, Any]) -> ReturnValues:
    value = params.get("ReturnValues")
    if value is None:
        return ReturnValues.NONE
    try:
        chosen = ReturnValues(value)
    except ValueError:
        raise ValidationError(
            f"1 validation error detected: Value '{value}' at 'returnValues' failed to satisfy constraint: "
            "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]"
        ) from None
    if chosen not in _ALLOWED[operation]:
        raise ValidationError("Return values set to invalid value")
    return chosen


def old_on_failure(params: Mapping[str, Any]) -> bool:
    """Whether a failed condition answers with the item as it was (``ALL_OLD``)."""
    value = params.get("ReturnValuesOnConditionCheckFailure")
    if value is None or value == "NONE":
        return False
    if value == "ALL_OLD":
        return True
    raise ValidationError(
        f"1 validation error detected: Value '{value}' at 'returnValuesOnConditionCheckFailure' failed to "
        "satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"
    )


def returned(
    chosen: ReturnValues,
    old: Mapping[str, AttributeValue] | None,
    new: Mapping[str, AttributeValue] | None,
    update: Update | None = None,
) -> Item | None:
    """The ``Attributes`` member of the answer, or ``None`` when there is none to give."""
    if chosen is ReturnValues.NONE:
        return None
    if chosen is ReturnValues.ALL_OLD:
        return None if old is None else dict(old)
    if chosen is ReturnValues.ALL_NEW:
        return None if new is None else dict(new)
    source = old if chosen is ReturnValues.UPDATED_OLD else new
    if source is None or update is None:
        return None
    touched = Projection(tuple(action.path for action in update.actions))
    attributes = project(touched, source)
    return attributes or None
