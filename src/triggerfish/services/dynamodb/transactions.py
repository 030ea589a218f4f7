"""TransactWriteItems and TransactGetItems: all or nothing, across tables.

DynamoDB developer guide, "Amazon DynamoDB Transactions": up to 100 actions, no two on one item
("Transaction request cannot include multiple operations on one item"); every condition is checked
before anything is written, and any failure cancels the whole transaction with one reason per
action, in order (``None`` for the actions that would have succeeded). A ``ClientRequestToken``
makes the write idempotent for 10 minutes: the same token with the same actions succeeds without
writing again; with other actions it is IdempotentParameterMismatchException. Transactional reads
and writes cost twice the units of plain ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from triggerfish.core.clock import Clock
from triggerfish.services.dynamodb.capacity import (
    CapacityDetail,
    Consumed,
    capacity_detail,
    merged,
    read_units,
    write_cost,
)
from triggerfish.services.dynamodb.engine import ItemChange
from triggerfish.services.dynamodb.errors import IdempotentParameterMismatch, TransactionCanceled, ValidationError
from triggerfish.services.dynamodb.expressions.ast import Condition, Update
from triggerfish.services.dynamodb.expressions.evaluate import matches
from triggerfish.services.dynamodb.expressions.projection import project
from triggerfish.services.dynamodb.item_checks import check_key, check_new_item
from triggerfish.services.dynamodb.item_collections import metrics_for, wants_metrics
from triggerfish.services.dynamodb.item_requests import parse_request
from triggerfish.services.dynamodb.item_writes import changes_anything, check_update_keys, update_change
from triggerfish.services.dynamodb.models import Item
from triggerfish.services.dynamodb.returns import old_on_failure
from triggerfish.services.dynamodb.values import item_size, key_text

if TYPE_CHECKING:
    from triggerfish.services.dynamodb.engine import TableEngine
    from triggerfish.services.dynamodb.table_data import TableData
    from triggerfish.services.dynamodb.tables import TableRegistry

Result = dict[str, Any]

MAX_ACTIONS = 100
TOKEN_SECONDS = 600.0
SAME_ITEM = "Transaction request cannot include multiple operations on one item"
_KINDS = ("ConditionCheck", "Put", "Delete", "Update")


@dataclass(frozen=True)
class _Action:
    kind: str
    table: TableData
    key: Item
    condition: Condition | None
    return_old: bool
    item: Item | None = None
    update: Update | None = None


@dataclass(frozen=True)
class _Remembered:
    actions: Any
    at: float
    result: Result


class Transactions:
    def __init__(self, tables: TableRegistry, engine: TableEngine, clock: Clock) -> None:
        self._tables = tables
        self._engine = engine
        self._clock = clock
        self._tokens: dict[tuple[str, str], _Remembered] = {}

    def get(self, scope: str, params: Mapping[str, Any]) -> Result:
        detail = capacity_detail(params)
        entries = params["TransactItems"]
        _check_count(entries, "transactItems")
        planned = []
        seen: set[tuple[str, str]] = set()
        for entry in entries:
            get = entry.get("Get")
            if get is None:
                raise ValidationError(
                    "1 validation error detected: Value null at 'transactItems.1.member.get' "
                    "failed to satisfy constraint: Member must not be null"
                )
            table = self._tables.table(get["TableName"], scope)
            parsed = parse_request("Get", get)
            key = check_key(table.config, get["Key"])
            _once(seen, table, key)
            planned.append((table, key, parsed.projection))
        responses: list[dict[str, Any]] = []
        costs: list[Consumed] = []
        for table, key, projection in planned:
            item = table.get(key)
            size = 0 if item is None else item_size(item)
            costs.append(Consumed(table.config, read=True, table=read_units(size, consistent=True)))
            if item is None:
                responses.append({})
            else:
                responses.append({"Item": item if projection is None else project(projection, item)})
        result: Result = {"Responses": responses}
        if detail is not CapacityDetail.NONE:
            result["ConsumedCapacity"] = merged(costs, detail, factor=2.0)
        return result

    async def write(self, scope: str, params: Mapping[str, Any]) -> Result:
        detail = capacity_detail(params)
        metrics = wants_metrics(params)
        entries = params["TransactItems"]
        _check_count(entries, "transactItems")
        token = params.get("ClientRequestToken")
        frozen = _freeze(entries)
        if token is not None:
            remembered = self._remembered(scope, token)
            if remembered is not None:
                if remembered.actions != frozen:
                    raise IdempotentParameterMismatch(
                        "DynamoDB rejects the request because you retried a request with a different payload but "
                        "with an idempotent token that was already used."
                    )
                return remembered.result
        actions = [self._action(entry, scope) for entry in entries]
        seen: set[tuple[str, str]] = set()
        for action in actions:
            _once(seen, action.table, action.key)
        changes = _decide(actions)
        committed = [change for change in changes if changes_anything(change)]
        if committed:
            await self._engine.commit(committed)
        result: Result = {}
        if detail is not CapacityDetail.NONE:
            result["ConsumedCapacity"] = merged((_cost(change) for change in changes), detail, factor=2.0)
        if metrics:
            collected: dict[str, list[Any]] = {}
            for change in committed:
                found = metrics_for(change.table.config, change.key)
                if found is not None:
                    collected.setdefault(change.table.config.name, []).append(found)
            result["ItemCollectionMetrics"] = collected
        if token is not None:
            self._tokens[(scope, token)] = _Remembered(frozen, self._clock.now(), result)
        return result

    def _remembered(self, scope: str, token: str) -> _Remembered | None:
        now = self._clock.now()
        # tokens are kept in insertion (= time) order: forget the expired ones from the front
        while self._tokens:
            oldest_key = next(iter(self._tokens))
            if now - self._tokens[oldest_key].at < TOKEN_SECONDS:
                break
            del self._tokens[oldest_key]
        return self._tokens.get((scope, token))

    def _action(self, entry: Mapping[str, Any], scope: str) -> _Action:
        present = [kind for kind in _KINDS if entry.get(kind) is not None]
        if len(present) != 1:
            raise ValidationError(
                "TransactItems can only contain one of Check, Put, Update or Delete"
                if present
                else "1 validation error detected: Value null at 'transactItems.1.member' failed to satisfy "
                "constraint: Member must contain one of ConditionCheck, Put, Update or Delete"
            )
        kind = present[0]
        body: Mapping[str, Any] = entry[kind]
        table = self._tables.table(body["TableName"], scope)
        parsed = parse_request(kind, body)
        return_old = old_on_failure(body)
        if kind == "Put":
            item = check_new_item(table.config, body["Item"])
            return _Action(kind, table, table.key_of(item), parsed.condition, return_old, item=item)
        key = check_key(table.config, body["Key"])
        if kind == "Update" and parsed.update is not None:
            check_update_keys(table.config, parsed.update)
        return _Action(kind, table, key, parsed.condition, return_old, update=parsed.update)


def _decide(actions: list[_Action]) -> list[ItemChange]:
    """Every action's change, or TransactionCanceled with a reason for each when any cannot be made."""
    reasons: list[dict[str, Any]] = []
    changes: list[ItemChange] = []
    failed = False
    for action in actions:
        old = action.table.get(action.key)
        if action.condition is not None and not matches(action.condition, old):
            reason: dict[str, Any] = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
            if action.return_old and old is not None:
                reason["Item"] = old
            reasons.append(reason)
            failed = True
            continue
        try:
            if action.kind == "Put":
                changes.append(ItemChange(action.table, action.key, old, action.item))
            elif action.kind == "Delete":
                changes.append(ItemChange(action.table, action.key, old, None))
            elif action.kind == "Update":
                changes.append(update_change(action.table, action.key, action.update, old))
        except ValidationError as error:
            reasons.append({"Code": "ValidationError", "Message": error.message})
            failed = True
            continue
        reasons.append({"Code": "None"})
    if failed:
        codes = ", ".join(reason["Code"] for reason in reasons)
        raise TransactionCanceled(
            f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
            fields={"CancellationReasons": reasons},
        )
    return changes


def _once(seen: set[tuple[str, str]], table: TableData, key: Item) -> None:
    identity = (table.config.table_id, key_text(key))
    if identity in seen:
        raise ValidationError(SAME_ITEM)
    seen.add(identity)


def _check_count(entries: Any, member: str) -> None:
    if not 1 <= len(entries) <= MAX_ACTIONS:
        bound = "greater than or equal to 1" if not entries else f"less than or equal to {MAX_ACTIONS}"
        raise ValidationError(
            f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
            f"Member must have length {bound}"
        )


def _cost(change: ItemChange) -> Consumed:
    size = max((item_size(item) for item in (change.old, change.new) if item is not None), default=0)
    return write_cost(change.table.config, change.old, change.new, size)


def _freeze(value: Any) -> Any:
    """A hashable, order-insensitive (for maps) form of the request, to tell a retry from another request."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value
