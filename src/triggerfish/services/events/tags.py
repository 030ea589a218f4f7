"""Tags of buses and rules, the two EventBridge resources that take them, found by ARN."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from triggerfish.services.events.buses import BusRegistry, missing_bus
from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.models import Bus, Rule
from triggerfish.services.events.naming import parse_bus_arn, parse_rule_arn
from triggerfish.services.events.rules import RuleBook, missing_rule


def tags_from_wire(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    """``[{"Key": k, "Value": v}, ...]`` as a dict; a key given twice keeps its last value."""
    return {tag["Key"]: tag.get("Value", "") for tag in tags or ()}


def tags_to_wire(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


class ResourceTags:
    def __init__(self, buses: BusRegistry, rules: RuleBook) -> None:
        self._buses = buses
        self._rules = rules

    def list(self, arn: str) -> dict[str, str]:
        return dict(self._resource(arn).tags)

    async def tag(self, arn: str, tags: Mapping[str, str]) -> None:
        resource = self._resource(arn)
        await self._save(resource, {**resource.tags, **tags})

    async def untag(self, arn: str, keys: Iterable[str]) -> None:
        resource = self._resource(arn)
        unwanted = set(keys)
        await self._save(resource, {k: v for k, v in resource.tags.items() if k not in unwanted})

    def _resource(self, arn: str) -> Bus | Rule:
        bus_ref = parse_bus_arn(arn)
        if bus_ref is not None:
            return self._buses.require(bus_ref)
        rule_ref = parse_rule_arn(arn)
        if rule_ref is None:
            raise ValidationException(f"Parameter ResourceARN is not valid. Reason: {arn} is not a bus or rule ARN.")
        bus, name = rule_ref
        if self._buses.get(bus) is None:
            raise missing_bus(bus.name)
        rule = self._rules.find(bus, name)
        if rule is None:
            raise missing_rule(name, bus.name)
        return rule

    async def _save(self, resource: Bus | Rule, tags: dict[str, str]) -> None:
        if isinstance(resource, Rule):
            await self._rules.set_tags(resource, tags)
        else:
            await self._buses.save(replace(resource, tags=tags))
