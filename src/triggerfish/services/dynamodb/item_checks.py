"""Checks of keys and items against a table's key schema and indexes, worded as DynamoDB words them.

A ``Key`` parameter must name exactly the primary key attributes with their declared types; an
item must hold its key attributes, and any secondary index key attribute it holds must have the
type declared for it (it is what puts the item in that index).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.models import AttributeValue, Item, KeySchema, TableConfig
from triggerfish.services.dynamodb.values import MAX_ITEM_SIZE, check_item, check_value, item_size

KEY_MISMATCH = "The provided key element does not match the schema"


def _kind(value: AttributeValue) -> str:
    return next(iter(value))


def _is_empty(value: AttributeValue) -> bool:
    kind = _kind(value)
    return kind in ("S", "B") and len(value[kind]) == 0


def check_key(config: TableConfig, key: Any, *, schema: KeySchema | None = None) -> Item:
    """A ``Key`` parameter: exactly the key attributes (of ``schema``, default the table's), each of its type."""
    schema = schema or config.key
    if not isinstance(key, Mapping) or len(key) != len(schema.names):
        raise ValidationError(KEY_MISMATCH)
    checked: Item = {}
    for name in schema.names:
        value = key.get(name)
        if value is None:
            raise ValidationError(KEY_MISMATCH)
        value = check_value(value)
        if _kind(value) != config.attribute_type(name):
            raise ValidationError(KEY_MISMATCH)
        if _is_empty(value):
            # DynamoDB allows empty strings and binaries everywhere but in key attributes (2020 change)
            raise ValidationError(
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                f"contain an empty {'string' if _kind(value) == 'S' else 'binary'} value. Key: {name}"
            )
        checked[name] = value
    return checked


def check_new_item(config: TableConfig, item: Any, *, updated: bool = False) -> Item:
    """A whole item to write (PutItem's ``Item``): its values, its key, its index keys and its size."""
    if not isinstance(item, Mapping):
        raise ValidationError("One or more parameter values were invalid: Item must be a map")
    checked = check_item(item) if not updated else dict(item)
    for name in config.key.names:
        value = checked.get(name)
        if value is None:
            raise ValidationError(f"One or more parameter values were invalid: Missing the key {name} in the item")
        expected = config.attribute_type(name)
        if _kind(value) != expected:
            raise ValidationError(
                f"One or more parameter values were invalid: Type mismatch for key {name} "
                f"expected: {expected} actual: {_kind(value)}"
            )
        if _is_empty(value):
            raise ValidationError(
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot "
                f"contain an empty {'string' if _kind(value) == 'S' else 'binary'} value. Key: {name}"
            )
    check_index_keys(config, checked, updated=updated)
    if item_size(checked) > MAX_ITEM_SIZE:
        # DynamoDB service quotas: an item, names and values together, is at most 400 KB
        raise ValidationError(
            "Item size to update has exceeded the maximum allowed size"
            if updated
            else "Item size has exceeded the maximum allowed size"
        )
    return checked


def check_index_keys(config: TableConfig, item: Mapping[str, AttributeValue], *, updated: bool = False) -> None:
    """Every secondary index key attribute the item holds has the type the table declares for it."""
    if not config.global_indexes and not config.local_indexes:
        return
    # with one attribute keying several indexes, AWS names the first index by name
    indexes = sorted((*config.global_indexes, *config.local_indexes), key=lambda index: index.name)
    for index in indexes:
        for name in index.key.names:
            value = item.get(name)
            if value is None or name in config.key.names:
                continue
            expected = config.attribute_type(name)
            if _kind(value) != expected:
                raise ValidationError(
                    f"One or more parameter values were invalid: Type mismatch for Index Key {name} "
                    f"Expected: {expected} Actual: {_kind(value)} IndexName: {index.name}"
                )
            if _is_empty(value):
                if updated:
                    raise ValidationError(
                        "One or more parameter values are not valid. The update expression attempted to update "
                        "a secondary index key to a value that is not supported. The AttributeValue for a key "
                        f"attribute cannot contain an empty {'string' if _kind(value) == 'S' else 'binary'} value."
                    )
                raise ValidationError(
                    "One or more parameter values are not valid. A value specified for a secondary index key is "
                    "not supported. The AttributeValue for a key attribute cannot contain an empty "
                    f"{'string' if _kind(value) == 'S' else 'binary'} value. IndexName: {index.name}, "
                    f"IndexKey: {name}"
                )
