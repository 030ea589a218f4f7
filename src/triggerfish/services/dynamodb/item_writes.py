"""The change one write would make to one item, worked out against the table as it is now.

PutItem, UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems all plan their changes here,
synchronously, and hand them to ``TableEngine.commit`` with no ``await`` in between, so that what a
condition saw is what the write replaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from triggerfish.services.dynamodb.engine import ItemChange
from triggerfish.services.dynamodb.errors import ConditionalCheckFailed, ValidationError
from triggerfish.services.dynamodb.expressions.ast import Condition, Update
from triggerfish.services.dynamodb.expressions.evaluate import matches
from triggerfish.services.dynamodb.expressions.update import apply_update
from triggerfish.services.dynamodb.item_checks import check_new_item
from triggerfish.services.dynamodb.models import AttributeValue, Item, TableConfig

if TYPE_CHECKING:
    from triggerfish.services.dynamodb.table_data import TableData


def check_condition(condition: Condition | None, old: Mapping[str, AttributeValue] | None, *, return_old: bool) -> None:
    """Raise ConditionalCheckFailed (with the item when asked for) unless the condition holds."""
    if condition is not None and not matches(condition, old):
        raise ConditionalCheckFailed(None if old is None or not return_old else dict(old))


def check_update_keys(config: TableConfig, update: Update) -> None:
    """DynamoDB refuses an update expression that names a key attribute, whatever it would set it to."""
    for action in update.actions:
        if action.path.top in config.key.names:
            raise ValidationError(
                f"One or more parameter values were invalid: Cannot update attribute {action.path.top}. "
                "This attribute is part of the key"
            )


def put_change(table: TableData, item: Item) -> ItemChange:
    key = table.key_of(item)
    return ItemChange(table, key, table.get(key), item)


def update_change(table: TableData, key: Item, update: Update | None, old: Item | None) -> ItemChange:
    """An update of the item at ``key``; a missing item is created from its key (UpdateItem upserts)."""
    base: Item = dict(old) if old is not None else dict(key)
    new = base if update is None else apply_update(update, base)
    if new is not base:
        new = check_new_item(table.config, new, updated=True)
    return ItemChange(table, key, old, new)


def delete_change(table: TableData, key: Item, old: Item | None) -> ItemChange:
    return ItemChange(table, key, old, None)


def changes_anything(change: ItemChange) -> bool:
    """DynamoDB Streams developer guide: a write that leaves the item as it was makes no stream
    record, so it need not be committed at all."""
    return change.old != change.new
