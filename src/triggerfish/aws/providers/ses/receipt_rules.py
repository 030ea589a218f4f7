"""SES v1 receipt rule operations (query protocol): a table the SES provider merges into its own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.ses.receiving.codec import check_name, rule_from_wire, rule_to_wire
from triggerfish.services.ses.receiving.errors import InvalidParameterValue
from triggerfish.services.ses.receiving.models import RuleSet
from triggerfish.services.ses.receiving.rules import ReceiptRules

Handler = Callable[[Call], Awaitable[Reply]]

# ListReceiptRuleSets returns up to 100 rule sets per call (SES API reference).
PAGE_SIZE = 100


def table(rules: ReceiptRules) -> dict[str, Handler]:
    return _ReceiptRuleOperations(rules).table()


class _ReceiptRuleOperations:
    def __init__(self, rules: ReceiptRules) -> None:
        self._rules = rules

    def table(self) -> dict[str, Handler]:
        return {
            "CreateReceiptRuleSet": self.create_rule_set,
            "DeleteReceiptRuleSet": self.delete_rule_set,
            "ListReceiptRuleSets": self.list_rule_sets,
            "DescribeReceiptRuleSet": self.describe_rule_set,
            "CloneReceiptRuleSet": self.clone_rule_set,
            "SetActiveReceiptRuleSet": self.set_active_rule_set,
            "DescribeActiveReceiptRuleSet": self.describe_active_rule_set,
            "CreateReceiptRule": self.create_rule,
            "UpdateReceiptRule": self.update_rule,
            "DeleteReceiptRule": self.delete_rule,
            "DescribeReceiptRule": self.describe_rule,
            "ReorderReceiptRuleSet": self.reorder_rule_set,
            "SetReceiptRulePosition": self.set_rule_position,
        }

    async def create_rule_set(self, call: Call) -> Reply:
        await self._rules.create_rule_set(call.scope.region, call.params["RuleSetName"])
        return Reply()

    async def delete_rule_set(self, call: Call) -> Reply:
        await self._rules.delete_rule_set(call.scope.region, call.params["RuleSetName"])
        return Reply()

    async def list_rule_sets(self, call: Call) -> Reply:
        sets = self._rules.list_rule_sets(call.scope.region)
        start = _page_start(call.params.get("NextToken"), len(sets))
        page = sets[start : start + PAGE_SIZE]
        shape: dict[str, Any] = {"RuleSets": [_metadata(rule_set) for rule_set in page]}
        if start + PAGE_SIZE < len(sets):
            shape["NextToken"] = str(start + PAGE_SIZE)
        return Reply(shape)

    async def describe_rule_set(self, call: Call) -> Reply:
        return Reply(_described(self._rules.describe_rule_set(call.scope.region, call.params["RuleSetName"])))

    async def clone_rule_set(self, call: Call) -> Reply:
        p = call.params
        await self._rules.clone_rule_set(call.scope.region, p["RuleSetName"], p["OriginalRuleSetName"])
        return Reply()

    async def set_active_rule_set(self, call: Call) -> Reply:
        name = call.params.get("RuleSetName") or None
        if name is not None:
            check_name("ruleSetName", name)
        await self._rules.set_active(call.scope.region, name)
        return Reply()

    async def describe_active_rule_set(self, call: Call) -> Reply:
        active = self._rules.active(call.scope.region)
        return Reply({} if active is None else _described(active))

    async def create_rule(self, call: Call) -> Reply:
        p = call.params
        # Observed: the rule is validated before the rule set is looked up.
        rule = rule_from_wire(p["Rule"])
        after = p.get("After")
        await self._rules.create_rule(call.scope.region, check_name("ruleSetName", p["RuleSetName"]), rule, after=after)
        return Reply()

    async def update_rule(self, call: Call) -> Reply:
        p = call.params
        rule = rule_from_wire(p["Rule"])
        await self._rules.update_rule(call.scope.region, check_name("ruleSetName", p["RuleSetName"]), rule)
        return Reply()

    async def delete_rule(self, call: Call) -> Reply:
        p = call.params
        await self._rules.delete_rule(call.scope.region, check_name("ruleSetName", p["RuleSetName"]), p["RuleName"])
        return Reply()

    async def describe_rule(self, call: Call) -> Reply:
        p = call.params
        rule = self._rules.describe_rule(call.scope.region, check_name("ruleSetName", p["RuleSetName"]), p["RuleName"])
        return Reply({"Rule": rule_to_wire(rule)})

    async def reorder_rule_set(self, call: Call) -> Reply:
        p = call.params
        await self._rules.reorder(call.scope.region, p["RuleSetName"], list(p["RuleNames"]))
        return Reply()

    async def set_rule_position(self, call: Call) -> Reply:
        p = call.params
        await self._rules.set_rule_position(call.scope.region, p["RuleSetName"], p["RuleName"], after=p.get("After"))
        return Reply()


def _page_start(token: object, total: int) -> int:
    if token is None:
        return 0
    text = str(token)
    if not text.isdigit() or int(text) > total:
        raise InvalidParameterValue(f"Invalid token: {text}")
    return int(text)


def _metadata(rule_set: RuleSet) -> Mapping[str, Any]:
    return {"Name": rule_set.name, "CreatedTimestamp": rule_set.created}


def _described(rule_set: RuleSet) -> Mapping[str, Any]:
    return {"Metadata": _metadata(rule_set), "Rules": [rule_to_wire(rule) for rule in rule_set.rules]}
