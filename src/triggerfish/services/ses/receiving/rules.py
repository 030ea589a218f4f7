"""Receipt rule sets: SES v1's rule set operations, kept per region and stored as documents.

One document per rule set (kind ``ses.receipt-rule-set``, body = its metadata and rules in the
wire shape) and one per region naming the active set (kind ``ses.active-receipt-rule-set``).
Reads are answered from memory; every change is written before it is acknowledged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from triggerfish.core.clock import Clock
from triggerfish.core.ids import DEFAULT_ACCOUNT
from triggerfish.services.ses.receiving.codec import check_name, rule_from_wire, rule_to_wire
from triggerfish.services.ses.receiving.errors import (
    AlreadyExists,
    CannotDelete,
    InvalidParameterValue,
    LimitExceeded,
    RuleDoesNotExist,
    RuleSetDoesNotExist,
)
from triggerfish.services.ses.receiving.models import ReceiptRule, RuleSet
from triggerfish.store.interfaces import DocumentStore, Store

RULE_SET_KIND = "ses.receipt-rule-set"
ACTIVE_KIND = "ses.active-receipt-rule-set"
_ACTIVE_NAME = "active"

# SES quotas (developer guide, "Service quotas", email receiving): 40 rule sets per account and
# region, 200 rules per rule set.
MAX_RULE_SETS = 40
MAX_RULES = 200


class ReceiptRules:
    def __init__(self, store: Store, clock: Clock, *, account: str = DEFAULT_ACCOUNT) -> None:
        self._documents = store.documents
        self._clock = clock
        self._account = account
        self._sets: dict[str, dict[str, RuleSet]] = {}  # region -> name -> set, in creation order
        self._active: dict[str, str] = {}  # region -> active set name

    @property
    def documents(self) -> DocumentStore:
        """Where receiving keeps its state (the mail receiver stores accepted messages here too)."""
        return self._documents

    async def start(self) -> None:
        for document in await self._documents.list(RULE_SET_KIND):
            if not document.scope.startswith(self._scope("")):
                continue
            rule_set = _from_body(json.loads(document.body))
            self._sets.setdefault(_region(document.scope), {})[rule_set.name] = rule_set
        for region in self._sets:
            self._sets[region] = dict(sorted(self._sets[region].items(), key=lambda item: item[1].created))
        for document in await self._documents.list(ACTIVE_KIND):
            if not document.scope.startswith(self._scope("")):
                continue
            name = json.loads(document.body).get("Name")
            if name:
                self._active[_region(document.scope)] = name

    # -- rule sets --

    async def create_rule_set(self, region: str, name: str) -> RuleSet:
        check_name("ruleSetName", name)
        sets = self._sets.setdefault(region, {})
        if name in sets:
            raise AlreadyExists("Rule set", name)
        if len(sets) >= MAX_RULE_SETS:
            raise LimitExceeded(f"Maximum number of rule sets ({MAX_RULE_SETS}) exceeded")
        rule_set = RuleSet(name, self._clock.now())
        await self._save(region, rule_set)
        return rule_set

    async def delete_rule_set(self, region: str, name: str) -> None:
        """Deleting a set that does not exist succeeds (observed); the active one cannot be deleted."""
        check_name("ruleSetName", name)
        if self._active.get(region) == name:
            raise CannotDelete(name)
        if self._sets.get(region, {}).pop(name, None) is not None:
            await self._documents.delete(RULE_SET_KIND, self._scope(region), name)

    def list_rule_sets(self, region: str) -> list[RuleSet]:
        return list(self._sets.get(region, {}).values())

    def describe_rule_set(self, region: str, name: str) -> RuleSet:
        check_name("ruleSetName", name)
        rule_set = self._sets.get(region, {}).get(name)
        if rule_set is None:
            raise RuleSetDoesNotExist(name)
        return rule_set

    async def clone_rule_set(self, region: str, name: str, original: str) -> RuleSet:
        source = self.describe_rule_set(region, original)
        check_name("ruleSetName", name)
        sets = self._sets.setdefault(region, {})
        if name in sets:
            raise AlreadyExists("Rule set", name)
        if len(sets) >= MAX_RULE_SETS:
            raise LimitExceeded(f"Maximum number of rule sets ({MAX_RULE_SETS}) exceeded")
        clone = RuleSet(name, self._clock.now(), source.rules)
        await self._save(region, clone)
        return clone

    async def set_active(self, region: str, name: str | None) -> None:
        """``None`` (or an empty name) deactivates: SES then receives into no rule set."""
        if name:
            self.describe_rule_set(region, name)
            self._active[region] = name
            body = json.dumps({"Name": name})
            await self._documents.put(ACTIVE_KIND, self._scope(region), _ACTIVE_NAME, body, now=self._clock.now())
        elif self._active.pop(region, None) is not None:
            await self._documents.delete(ACTIVE_KIND, self._scope(region), _ACTIVE_NAME)

    def active(self, region: str) -> RuleSet | None:
        name = self._active.get(region)
        return None if name is None else self._sets.get(region, {}).get(name)

    # -- rules --

    async def create_rule(self, region: str, rule_set: str, rule: ReceiptRule, *, after: str | None = None) -> None:
        current = self.describe_rule_set(region, rule_set)
        if current.rule(rule.name) is not None:
            raise AlreadyExists("Rule", rule.name)
        if len(current.rules) >= MAX_RULES:
            raise LimitExceeded(f"Maximum number of rules ({MAX_RULES}) in a rule set exceeded")
        rules = list(current.rules)
        rules.insert(self._position(current, after), rule)
        await self._save(region, replace(current, rules=tuple(rules)))

    async def update_rule(self, region: str, rule_set: str, rule: ReceiptRule) -> None:
        current = self.describe_rule_set(region, rule_set)
        if current.rule(rule.name) is None:
            raise RuleDoesNotExist(rule.name)
        rules = tuple(rule if old.name == rule.name else old for old in current.rules)
        await self._save(region, replace(current, rules=rules))

    async def delete_rule(self, region: str, rule_set: str, rule_name: str) -> None:
        """Deleting a rule that does not exist succeeds (observed)."""
        check_name("ruleName", rule_name)
        current = self.describe_rule_set(region, rule_set)
        if current.rule(rule_name) is not None:
            rules = tuple(rule for rule in current.rules if rule.name != rule_name)
            await self._save(region, replace(current, rules=rules))

    def describe_rule(self, region: str, rule_set: str, rule_name: str) -> ReceiptRule:
        check_name("ruleName", rule_name)
        rule = self.describe_rule_set(region, rule_set).rule(rule_name)
        if rule is None:
            raise RuleDoesNotExist(rule_name)
        return rule

    async def reorder(self, region: str, rule_set: str, names: Sequence[str]) -> None:
        """The new order must name every rule of the set exactly once."""
        current = self.describe_rule_set(region, rule_set)
        for name in names:
            if current.rule(name) is None:
                raise RuleDoesNotExist(name)
        if sorted(names) != sorted(current.names()):
            raise InvalidParameterValue("The list of rule names must contain every rule of the rule set exactly once")
        by_name = {rule.name: rule for rule in current.rules}
        await self._save(region, replace(current, rules=tuple(by_name[name] for name in names)))

    async def set_rule_position(self, region: str, rule_set: str, rule_name: str, *, after: str | None = None) -> None:
        """Moves a rule after ``after``, or first when ``after`` is not given."""
        current = self.describe_rule_set(region, rule_set)
        rule = current.rule(rule_name)
        if rule is None:
            raise RuleDoesNotExist(rule_name)
        rest = replace(current, rules=tuple(other for other in current.rules if other.name != rule_name))
        rules = list(rest.rules)
        rules.insert(self._position(rest, after), rule)
        await self._save(region, replace(current, rules=tuple(rules)))

    # -- storage --

    def _position(self, rule_set: RuleSet, after: str | None) -> int:
        """The index a rule goes to: right after ``after``, or first when not given."""
        if after is None:
            return 0
        names = rule_set.names()
        if after not in names:
            raise RuleDoesNotExist(after)
        return list(names).index(after) + 1

    async def _save(self, region: str, rule_set: RuleSet) -> None:
        body = json.dumps(_to_body(rule_set))
        await self._documents.put(RULE_SET_KIND, self._scope(region), rule_set.name, body, now=self._clock.now())
        self._sets.setdefault(region, {})[rule_set.name] = rule_set

    def _scope(self, region: str) -> str:
        return f"{self._account}/{region}"


def _region(scope: str) -> str:
    return scope.rpartition("/")[2]


def _to_body(rule_set: RuleSet) -> dict[str, object]:
    return {"Name": rule_set.name, "Created": rule_set.created, "Rules": [rule_to_wire(r) for r in rule_set.rules]}


def _from_body(body: dict[str, object]) -> RuleSet:
    rules = body.get("Rules")
    assert isinstance(rules, list)
    created = body.get("Created")
    assert isinstance(created, float | int)
    return RuleSet(str(body["Name"]), float(created), tuple(rule_from_wire(rule) for rule in rules))
