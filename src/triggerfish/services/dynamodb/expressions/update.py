"""Applying an UpdateExpression to an item (developer guide, "Using update expressions in DynamoDB").

Every value on the right of an action is read from the item as it was before the update, and list indexes
name the elements of the old list: ``REMOVE a[0], a[1]`` removes the first two elements. So the actions run
in an order that keeps indexes valid: in-place SETs, ADDs and DELETEs first, then removals from the highest
index down, then SETs that append past a list's end, lowest index first.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.expressions.ast import (
    AddAction,
    Arithmetic,
    DeleteAction,
    IfNotExists,
    ListAppend,
    Literal,
    Path,
    RemoveAction,
    SetAction,
    Update,
    UpdateValue,
)
from triggerfish.services.dynamodb.expressions.documents import Draft, check_disjoint, resolve
from triggerfish.services.dynamodb.models import AttributeValue, Item
from triggerfish.services.dynamodb.values import WIDE_CONTEXT, number_text

WRONG_TYPE = "An operand in the update expression has an incorrect data type"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
_SETS = frozenset({"SS", "NS", "BS"})
_TYPE_WORDS = {
    "S": "STRING",
    "N": "NUMBER",
    "B": "BINARY",
    "BOOL": "BOOLEAN",
    "NULL": "NULL",
    "M": "MAP",
    "L": "LIST",
    "SS": "STRING_SET",
    "NS": "NUMBER_SET",
    "BS": "BINARY_SET",
}


def apply_update(update: Update, item: Mapping[str, AttributeValue]) -> Item:
    """The item after ``update`` (an empty mapping for an item that does not exist yet); ``item`` is untouched."""
    check_update(update)
    draft = Draft(item)
    removals: list[Path] = []
    appends: list[tuple[Path, AttributeValue]] = []
    for action in update.actions:
        if isinstance(action, SetAction):
            value = _value(action.value, item)
            if _appends(action.path, item):
                appends.append((action.path, value))
            else:
                draft.set(action.path, value)
        elif isinstance(action, RemoveAction):
            draft.parent(action.path)
            removals.append(action.path)
        elif isinstance(action, AddAction):
            draft.set(action.path, _add(resolve(item, action.path), action.value.value))
        else:
            remaining = _delete(resolve(item, action.path), action.value.value)
            if remaining is None:
                draft.parent(action.path)
                removals.append(action.path)
            else:
                draft.set(action.path, remaining)
    for path in sorted(removals, key=_index_order, reverse=True):
        draft.remove(path)
    for path, value in sorted(appends, key=lambda each: _index_order(each[0])):
        draft.set(path, value)
    return draft.item


def check_update(update: Update) -> None:
    """What the expression alone shows is wrong: two actions on overlapping paths, an ADD of a value that is
    neither a number nor a set, a DELETE of a value that is no set."""
    for action in update.actions:
        if isinstance(action, AddAction):
            _operand_type(action.value, "ADD", {"N", *_SETS})
        elif isinstance(action, DeleteAction):
            _operand_type(action.value, "DELETE", _SETS)
    check_disjoint([action.path for action in update.actions], "UpdateExpression")


def _operand_type(literal: Literal, operator: str, allowed: set[str] | frozenset[str]) -> None:
    kind = next(iter(literal.value))
    if kind not in allowed:
        raise ValidationError(
            "Invalid UpdateExpression: Incorrect operand type for operator or function; "
            f"operator: {operator}, operand type: {_TYPE_WORDS[kind]}, typeSet: ALLOWED_FOR_{operator}_OPERAND"
        )


def _index_order(path: Path) -> tuple[tuple[int, str | int], ...]:
    return tuple((1, each) if isinstance(each, int) else (0, each) for each in path.elements)


def _appends(path: Path, item: Mapping[str, AttributeValue]) -> bool:
    last = path.elements[-1]
    if not isinstance(last, int) or len(path.elements) < 2:
        return False
    parent = resolve(item, Path(path.elements[:-1]))
    return parent is not None and "L" in parent and last >= len(parent["L"])


def _value(value: UpdateValue, item: Mapping[str, AttributeValue]) -> AttributeValue:
    if isinstance(value, Literal):
        return value.value
    if isinstance(value, Path):
        found = resolve(item, value)
        if found is None:
            raise ValidationError(MISSING)
        return found
    if isinstance(value, IfNotExists):
        found = resolve(item, value.path)
        return _value(value.default, item) if found is None else found
    if isinstance(value, ListAppend):
        first = _value(value.first, item)
        second = _value(value.second, item)
        if "L" not in first or "L" not in second:
            raise ValidationError(WRONG_TYPE)
        return {"L": [*first["L"], *second["L"]]}
    return _arithmetic(value, item)


def _arithmetic(value: Arithmetic, item: Mapping[str, AttributeValue]) -> AttributeValue:
    left = _value(value.left, item)
    right = _value(value.right, item)
    # SET's + and - take numbers only
    if "N" not in left or "N" not in right:
        raise ValidationError(WRONG_TYPE)
    x, y = Decimal(left["N"]), Decimal(right["N"])
    result = WIDE_CONTEXT.add(x, y) if value.op == "+" else WIDE_CONTEXT.subtract(x, y)
    return {"N": number_text(result)}


def _add(current: AttributeValue | None, value: AttributeValue) -> AttributeValue:
    # ADD: a missing number counts as 0 and a missing set as empty (UpdateItem API reference, UpdateExpression)
    kind = next(iter(value))
    if current is None:
        return value
    if kind not in current:
        raise ValidationError(WRONG_TYPE)
    if kind == "N":
        return {"N": number_text(WIDE_CONTEXT.add(Decimal(current["N"]), Decimal(value["N"])))}
    members = list(current[kind])
    present = _members(kind, members)
    for each in value[kind]:
        key = Decimal(each) if kind == "NS" else each
        if key not in present:
            present.add(key)
            members.append(each)
    return {kind: members}


def _delete(current: AttributeValue | None, value: AttributeValue) -> AttributeValue | None:
    """The set left after DELETE, ``None`` when nothing is left (an empty set is no value) or nothing was there."""
    kind = next(iter(value))
    if current is None:
        return None
    if kind not in current:
        raise ValidationError(WRONG_TYPE)
    gone = _members(kind, value[kind])
    left = [each for each in current[kind] if (Decimal(each) if kind == "NS" else each) not in gone]
    return {kind: left} if left else None


def _members(kind: str, members: list[object]) -> set[object]:
    return {Decimal(str(each)) for each in members} if kind == "NS" else set(members)
