"""The rule half of EventBridge's API: put, describe, list, enable, disable and delete rules; put,
remove and list targets. Every one of them needs the rule's bus to exist."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from triggerfish.services.events.buses import BusRegistry
from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.models import Rule, RuleState, Scope, Target
from triggerfish.services.events.naming import BusRef, bus_ref, require_name
from triggerfish.services.events.paging import Page, page
from triggerfish.services.events.rules import RuleBook


class RuleApi:
    """Rule and target operations of :class:`~triggerfish.services.events.service.EventsService`."""

    buses: BusRegistry
    rules: RuleBook

    async def put_rule(
        self,
        name: str,
        *,
        scope: Scope,
        event_bus_name: str | None = None,
        event_pattern: str | None = None,
        schedule_expression: str | None = None,
        state: str | None = None,
        description: str | None = None,
        role_arn: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Rule:
        ref = self._bus(event_bus_name, scope)
        return await self.rules.put(
            ref,
            require_name(name, "name"),
            event_pattern=event_pattern,
            schedule_expression=schedule_expression,
            state=_state(state),
            description=description,
            role_arn=role_arn,
            tags=tags,
        )

    def describe_rule(self, name: str, *, scope: Scope, event_bus_name: str | None = None) -> Rule:
        return self.rules.require(self._bus(event_bus_name, scope), name)

    def list_rules(
        self,
        *,
        scope: Scope,
        event_bus_name: str | None = None,
        prefix: str | None = None,
        limit: int | None = None,
        token: str | None = None,
    ) -> Page[Rule]:
        rules = [r for r in self.rules.on_bus(self._bus(event_bus_name, scope)) if r.name.startswith(prefix or "")]
        return page(rules, lambda rule: rule.name, limit=limit, token=token)

    async def enable_rule(self, name: str, *, scope: Scope, event_bus_name: str | None = None) -> None:
        await self.rules.set_state(self._bus(event_bus_name, scope), name, RuleState.ENABLED)

    async def disable_rule(self, name: str, *, scope: Scope, event_bus_name: str | None = None) -> None:
        await self.rules.set_state(self._bus(event_bus_name, scope), name, RuleState.DISABLED)

    async def delete_rule(
        self, name: str, *, scope: Scope, event_bus_name: str | None = None, force: bool = False
    ) -> None:
        await self.rules.delete(self._bus(event_bus_name, scope), name, force=force)

    async def put_targets(
        self, rule: str, targets: Sequence[Mapping[str, Any]], *, scope: Scope, event_bus_name: str | None = None
    ) -> Rule:
        return await self.rules.put_targets(self._bus(event_bus_name, scope), rule, targets)

    async def remove_targets(
        self, rule: str, ids: Iterable[str], *, scope: Scope, event_bus_name: str | None = None, force: bool = False
    ) -> Rule:
        return await self.rules.remove_targets(self._bus(event_bus_name, scope), rule, ids, force=force)

    def list_targets_by_rule(
        self,
        rule: str,
        *,
        scope: Scope,
        event_bus_name: str | None = None,
        limit: int | None = None,
        token: str | None = None,
    ) -> Page[Target]:
        found = self.rules.require(self._bus(event_bus_name, scope), rule)
        return page(found.targets, lambda target: target.id, limit=limit, token=token)

    def list_rule_names_by_target(
        self,
        target_arn: str,
        *,
        scope: Scope,
        event_bus_name: str | None = None,
        limit: int | None = None,
        token: str | None = None,
    ) -> Page[str]:
        rules = self.rules.on_bus(self._bus(event_bus_name, scope))
        names = [rule.name for rule in rules if any(target.arn == target_arn for target in rule.targets)]
        return page(names, lambda name: name, limit=limit, token=token)

    def _bus(self, name_or_arn: str | None, scope: Scope) -> BusRef:
        ref = bus_ref(name_or_arn, scope)
        self.buses.require(ref)
        return ref


def _state(value: str | None) -> RuleState:
    if not value:
        return RuleState.ENABLED
    try:
        return RuleState(value)
    except ValueError:
        allowed = ", ".join(state.value for state in RuleState)
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'state' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{allowed}]"
        ) from None
