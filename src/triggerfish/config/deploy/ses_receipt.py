"""``AWS::SES::ReceiptRuleSet`` and ``AWS::SES::ReceiptRule``: how received email reaches the app.

A rule set's ``Ref`` is its name (``RuleSetName``, or one made up from the stack and logical id); a
rule's ``Ref`` is its name. The ``Rule`` property has the SES API's ``ReceiptRule`` shape (``Name``,
``Enabled``, ``Recipients``, ``ScanEnabled``, ``TlsPolicy``, ``Actions``), so it is read as the API reads it.

CloudFormation never activates a rule set, and SES applies only the active one. Locally a deployed rule
set becomes the active one when no rule set is active, or else mail would never reach the app's
functions; ``up`` says so in its summary (the ``ActivatedLocally`` attribute).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name, require
from triggerfish.config.errors import TemplateError
from triggerfish.services.ses.receiving import ReceiptRules
from triggerfish.services.ses.receiving.codec import rule_from_wire
from triggerfish.services.ses.receiving.errors import RuleDoesNotExist, RuleSetDoesNotExist
from triggerfish.services.ses.receiving.models import ReceiptRule

#: SES limits rule set and rule names to 64 characters
_NAME_LIMIT = 64
#: the members of a rule that are booleans, which CloudFormation parameters may give as text
_BOOLEANS = ("Enabled", "ScanEnabled")
ACTIVATED = "ActivatedLocally"


def receipt_rules(context: DeployContext) -> ReceiptRules:
    if context.services.receipt_rules is None:
        raise TemplateError("SES email receiving is not available in this cloud")
    return context.services.receipt_rules


class ReceiptRuleSetHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        rules, region = receipt_rules(context), context.scope.region
        name = _name(context, logical_id, properties.get("RuleSetName"))
        await rules.create_rule_set(region, name)
        if rules.active(region) is None:
            # local convenience (see the module's docstring): CloudFormation leaves every rule set inactive
            await rules.set_active(region, name)
            return PhysicalResource(name, {ACTIVATED: True})
        return PhysicalResource(name)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        name = _name(context, logical_id, properties.get("RuleSetName"))
        if name == previous.physical_id:
            return previous
        # a new name is a new rule set ("Update requires: Replacement"); it takes over being the active one
        rules, region = receipt_rules(context), context.scope.region
        was_active = (active := rules.active(region)) is not None and active.name == previous.physical_id
        created = await self.create(context, logical_id, properties)
        if was_active:
            await rules.set_active(region, created.physical_id)
            return PhysicalResource(created.physical_id, {ACTIVATED: True})
        return created

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        rules, region = receipt_rules(context), context.scope.region
        active = rules.active(region)
        if active is not None and active.name == resource.physical_id:
            # SES refuses to delete the active rule set; locally the stack may have activated it itself
            await rules.set_active(region, None)
        await rules.delete_rule_set(region, resource.physical_id)


class ReceiptRuleHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        rule_set, rule = _rule_set(properties), _rule(context, logical_id, properties)
        after = properties.get("After")
        await receipt_rules(context).create_rule(
            context.scope.region, rule_set, rule, after=None if after is None else str(after)
        )
        return PhysicalResource(rule.name)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        rule_set, rule = _rule_set(properties), _rule(context, logical_id, properties)
        if rule_set != _rule_set(previous_properties) or rule.name != previous.physical_id:
            # another rule set or another name: the old rule goes first, the new one takes its place
            await self.delete(context, previous, previous_properties)
            return await self.create(context, logical_id, properties)
        rules, region = receipt_rules(context), context.scope.region
        await rules.update_rule(region, rule_set, rule)
        after = properties.get("After")
        if after != previous_properties.get("After"):
            await rules.set_rule_position(region, rule_set, rule.name, after=None if after is None else str(after))
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(RuleSetDoesNotExist, RuleDoesNotExist):  # gone with its rule set
            await receipt_rules(context).delete_rule(
                context.scope.region, str(properties.get("RuleSetName", "")), resource.physical_id
            )


def _name(context: DeployContext, logical_id: str, given: Any) -> str:
    return str(given) if given else generated_name(context.stack_name, logical_id, limit=_NAME_LIMIT)


def _rule_set(properties: Mapping[str, Any]) -> str:
    return str(require(properties, "RuleSetName"))


def _rule(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> ReceiptRule:
    """``Rule`` read as SES reads a ``ReceiptRule``; a rule without a name gets one made up, as CloudFormation does."""
    shape = dict(require(properties, "Rule", dict))
    shape["Name"] = _name(context, logical_id, shape.get("Name"))
    for key in _BOOLEANS:
        if key in shape:
            shape[key] = _boolean(shape[key], f"Rule.{key}")
    return rule_from_wire(shape)


def _boolean(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TemplateError(f"Value of property {key} must be of type Boolean")
