"""``AWS::Events::Rule``: a rule and its targets.

``Ref`` is the rule's name, or ``<bus>|<rule>`` for a rule on a custom bus (CloudFormation's
physical id for such rules); ``GetAtt Arn`` its ARN. A new name or bus replaces the rule; other
changes update it in place, and targets no longer listed are removed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.events_bus import events_service, json_text
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, generated_name
from triggerfish.services.events.errors import ResourceNotFound
from triggerfish.services.events.models import DEFAULT_BUS

#: Target members that are numbers in the API, which CloudFormation parameters may give as text
_NUMBERS = {"RetryPolicy": ("MaximumRetryAttempts", "MaximumEventAgeInSeconds")}


class EventRuleHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        name = str(properties.get("Name") or generated_name(context.stack_name, logical_id))
        return await self._put(context, name, properties, ())

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        old_name, old_bus = _split(previous.physical_id)
        name = str(properties.get("Name") or generated_name(context.stack_name, logical_id))
        if (name, _bus(properties)) != (old_name, old_bus):  # "Update requires: Replacement"
            await self.delete(context, previous, previous_properties)
            return await self._put(context, name, properties, ())
        old_ids = [str(target.get("Id")) for target in previous_properties.get("Targets") or []]
        return await self._put(context, name, properties, old_ids)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        events = events_service(context)
        name, bus = _split(resource.physical_id)
        with contextlib.suppress(ResourceNotFound):
            await events.delete_rule(name, scope=context.scope, event_bus_name=bus, force=True)

    async def _put(
        self, context: DeployContext, name: str, properties: Mapping[str, Any], old_ids: list[str] | tuple[()]
    ) -> PhysicalResource:
        events = events_service(context)
        bus = _bus(properties)
        rule = await events.put_rule(
            name,
            scope=context.scope,
            event_bus_name=bus,
            event_pattern=json_text(properties.get("EventPattern")),
            schedule_expression=properties.get("ScheduleExpression"),
            state=properties.get("State") or "ENABLED",
            description=properties.get("Description"),
            role_arn=properties.get("RoleArn"),
        )
        targets = [_target(target) for target in properties.get("Targets") or []]
        gone = [target_id for target_id in old_ids if target_id not in {t.get("Id") for t in targets}]
        if gone:
            await events.remove_targets(name, gone, scope=context.scope, event_bus_name=bus, force=True)
        if targets:
            await events.put_targets(name, targets, scope=context.scope, event_bus_name=bus)
        physical = name if bus == DEFAULT_BUS else f"{bus}|{name}"
        return PhysicalResource(physical, {"Arn": rule.arn})


def _bus(properties: Mapping[str, Any]) -> str:
    given = str(properties.get("EventBusName") or DEFAULT_BUS)
    # a bus ARN names the bus by its last path part
    return given.rsplit("event-bus/", 1)[-1] if given.startswith("arn:") else given


def _split(physical_id: str) -> tuple[str, str]:
    bus, _, name = physical_id.rpartition("|")
    return name, bus or DEFAULT_BUS


def _target(target: Any) -> dict[str, Any]:
    shaped = dict(target) if isinstance(target, Mapping) else {}
    for member, keys in _NUMBERS.items():
        if isinstance(shaped.get(member), Mapping):
            shaped[member] = {
                key: as_int(value, f"{member}.{key}") if key in keys else value for key, value in shaped[member].items()
            }
    return shaped
