"""Receipt rule sets and rules: creation, order, activation, errors as SES words them, durability."""

from __future__ import annotations

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.ses.receiving.codec import rule_from_wire
from triggerfish.services.ses.receiving.errors import (
    AlreadyExists,
    CannotDelete,
    InvalidParameterValue,
    RuleDoesNotExist,
    RuleSetDoesNotExist,
)
from triggerfish.services.ses.receiving.models import ReceiptRule
from triggerfish.services.ses.receiving.rules import ReceiptRules
from triggerfish.store.interfaces import Store

REGION = "us-east-1"


@pytest.fixture
async def rules(store: Store) -> ReceiptRules:
    rules = ReceiptRules(store, VirtualClock())
    await rules.start()
    return rules


def names(rules: ReceiptRules, rule_set: str = "set") -> list[str]:
    return list(rules.describe_rule_set(REGION, rule_set).names())


async def test_rules_without_after_go_first_and_after_places_them(rules: ReceiptRules) -> None:
    await rules.create_rule_set(REGION, "set")
    await rules.create_rule(REGION, "set", ReceiptRule("first"))
    await rules.create_rule(REGION, "set", ReceiptRule("second"))
    await rules.create_rule(REGION, "set", ReceiptRule("third"), after="second")
    assert names(rules) == ["second", "third", "first"]


async def test_reorder_and_set_position(rules: ReceiptRules) -> None:
    await rules.create_rule_set(REGION, "set")
    for name in ("c", "b", "a"):
        await rules.create_rule(REGION, "set", ReceiptRule(name))
    assert names(rules) == ["a", "b", "c"]
    await rules.reorder(REGION, "set", ["c", "a", "b"])
    assert names(rules) == ["c", "a", "b"]
    await rules.set_rule_position(REGION, "set", "c", after="b")
    assert names(rules) == ["a", "b", "c"]
    await rules.set_rule_position(REGION, "set", "b")
    assert names(rules) == ["b", "a", "c"]
    with pytest.raises(RuleDoesNotExist, match="Rule does not exist: zz"):
        await rules.reorder(REGION, "set", ["a", "zz"])
    with pytest.raises(InvalidParameterValue):
        await rules.reorder(REGION, "set", ["a", "b"])


async def test_errors_name_the_missing_or_duplicate_resource(rules: ReceiptRules) -> None:
    with pytest.raises(RuleSetDoesNotExist, match=r"^Rule set does not exist: nope$"):
        rules.describe_rule_set(REGION, "nope")
    await rules.create_rule_set(REGION, "set")
    with pytest.raises(AlreadyExists, match=r"^Rule set already exists: set$"):
        await rules.create_rule_set(REGION, "set")
    await rules.create_rule(REGION, "set", ReceiptRule("one"))
    with pytest.raises(AlreadyExists, match=r"^Rule already exists: one$"):
        await rules.create_rule(REGION, "set", ReceiptRule("one"))
    with pytest.raises(RuleDoesNotExist, match=r"^Rule does not exist: missing$"):
        await rules.create_rule(REGION, "set", ReceiptRule("two"), after="missing")
    with pytest.raises(RuleDoesNotExist):
        await rules.update_rule(REGION, "set", ReceiptRule("two"))
    await rules.delete_rule(REGION, "set", "missing")  # deleting what is not there succeeds
    await rules.delete_rule_set(REGION, "never-created")
    assert RuleSetDoesNotExist("x").code == "RuleSetDoesNotExist"
    assert CannotDelete("x").status == 400


@pytest.mark.parametrize("name", ["-bad", "bad-", "a" * 65, "has space", ""])
async def test_invalid_names(rules: ReceiptRules, name: str) -> None:
    with pytest.raises(InvalidParameterValue, match=rf"^Not a valid ruleSetName: {name}$"):
        await rules.create_rule_set(REGION, name)
    with pytest.raises(InvalidParameterValue, match="Not a valid ruleName"):
        rule_from_wire({"Name": name})


async def test_active_set_cannot_be_deleted_and_deactivates_with_none(rules: ReceiptRules) -> None:
    await rules.create_rule_set(REGION, "set.with-dots")
    assert rules.active(REGION) is None
    await rules.set_active(REGION, "set.with-dots")
    active = rules.active(REGION)
    assert active is not None and active.name == "set.with-dots"
    with pytest.raises(CannotDelete, match=r"^Cannot delete active rule set: set.with-dots$"):
        await rules.delete_rule_set(REGION, "set.with-dots")
    with pytest.raises(RuleSetDoesNotExist):
        await rules.set_active(REGION, "other")
    await rules.set_active(REGION, None)
    assert rules.active(REGION) is None
    await rules.delete_rule_set(REGION, "set.with-dots")
    assert rules.list_rule_sets(REGION) == []


async def test_clone_copies_rules_and_regions_are_separate(rules: ReceiptRules) -> None:
    await rules.create_rule_set(REGION, "set")
    await rules.create_rule(REGION, "set", ReceiptRule("one", enabled=True))
    await rules.clone_rule_set(REGION, "copy", "set")
    assert rules.describe_rule_set(REGION, "copy").rules == rules.describe_rule_set(REGION, "set").rules
    with pytest.raises(RuleSetDoesNotExist):
        await rules.clone_rule_set(REGION, "copy2", "missing")
    with pytest.raises(AlreadyExists):
        await rules.clone_rule_set(REGION, "copy", "set")
    assert rules.list_rule_sets("eu-west-1") == []


async def test_state_survives_a_restart(store: Store, rules: ReceiptRules) -> None:
    await rules.create_rule_set(REGION, "set")
    rule = rule_from_wire(
        {
            "Name": "r",
            "Enabled": True,
            "Recipients": ["Info@Example.com"],
            "Actions": [
                {"AddHeaderAction": {"HeaderName": "X-A", "HeaderValue": "1"}},
                {"LambdaAction": {"FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:f"}},
            ],
        }
    )
    await rules.create_rule(REGION, "set", rule)
    await rules.set_active(REGION, "set")
    again = ReceiptRules(store, VirtualClock())
    await again.start()
    assert again.active(REGION) == rules.active(REGION)
    assert again.describe_rule(REGION, "set", "r") == rule
    other_account = ReceiptRules(store, VirtualClock(), account="111111111111")
    await other_account.start()
    assert other_account.list_rule_sets(REGION) == []
