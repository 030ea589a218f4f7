"""``AWS::Events::EventBus`` and ``AWS::Events::EventBusPolicy``.

An event bus's ``Ref`` is its name; ``GetAtt`` gives ``Arn``, ``Name`` and ``Policy``. A bus
policy is a PutPermission statement on a bus; its ``Ref`` is the statement id.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, require
from triggerfish.config.errors import TemplateError
from triggerfish.services.events import Bus, EventsService
from triggerfish.services.events.errors import ResourceNotFound


def events_service(context: DeployContext) -> EventsService:
    if context.services.events is None:
        raise TemplateError("EventBridge is not available in this cloud")
    return context.services.events


def tags_of(properties: Mapping[str, Any]) -> dict[str, str]:
    return {str(tag["Key"]): str(tag["Value"]) for tag in properties.get("Tags") or []}


def json_text(value: Any) -> str | None:
    """A JSON member CloudFormation accepts as an object or as text, as the text the API takes."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


class EventBusHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        events = events_service(context)
        bus = await events.create_event_bus(
            str(require(properties, "Name")),
            scope=context.scope,
            description=properties.get("Description"),
            kms_key=properties.get("KmsKeyIdentifier"),
            dead_letter_config=properties.get("DeadLetterConfig"),
            event_source_name=properties.get("EventSourceName"),
            tags=tags_of(properties),
        )
        if (policy := json_text(properties.get("Policy"))) is not None:
            await events.put_permission(scope=context.scope, event_bus_name=bus.name, policy=policy)
            bus = events.describe_event_bus(bus.name, scope=context.scope)
        return _physical(bus)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if properties.get("Name") != previous_properties.get("Name"):  # "Update requires: Replacement"
            return await self.create(context, logical_id, properties)
        events = events_service(context)
        name = previous.physical_id
        await events.update_event_bus(
            name,
            scope=context.scope,
            description=properties.get("Description") or "",
            kms_key=properties.get("KmsKeyIdentifier") or "",
            dead_letter_config=properties.get("DeadLetterConfig") or {},
        )
        policy = json_text(properties.get("Policy"))
        if policy != json_text(previous_properties.get("Policy")):
            if policy is None:
                await events.remove_permission(scope=context.scope, event_bus_name=name, remove_all=True)
            else:
                await events.put_permission(scope=context.scope, event_bus_name=name, policy=policy)
        return _physical(events.describe_event_bus(name, scope=context.scope))

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        await events_service(context).delete_event_bus(resource.physical_id, scope=context.scope)


class EventBusPolicyHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        statement_id = str(require(properties, "StatementId"))
        events = events_service(context)
        bus = properties.get("EventBusName")
        if (statement := properties.get("Statement")) is not None:
            current = events.describe_event_bus(bus, scope=context.scope)
            policy = _merged_policy(current, statement_id, {"Sid": statement_id, **statement})
            await events.put_permission(scope=context.scope, event_bus_name=bus, policy=policy)
        else:
            await events.put_permission(
                scope=context.scope,
                event_bus_name=bus,
                action=properties.get("Action"),
                principal=properties.get("Principal"),
                statement_id=statement_id,
                condition=properties.get("Condition"),
            )
        return PhysicalResource(statement_id)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        await self.delete(context, previous, previous_properties)
        return await self.create(context, logical_id, properties)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(ResourceNotFound):
            await events_service(context).remove_permission(
                scope=context.scope, event_bus_name=properties.get("EventBusName"), statement_id=resource.physical_id
            )


def _merged_policy(bus: Bus, sid: str, statement: dict[str, Any]) -> str:
    """The bus's policy with ``statement`` in place of any statement of the same id."""
    document: dict[str, Any] = json.loads(bus.policy) if bus.policy else {"Version": "2012-10-17", "Statement": []}
    statements = [s for s in document.get("Statement", []) if isinstance(s, dict) and s.get("Sid") != sid]
    statement.setdefault("Resource", bus.arn)
    return json.dumps({**document, "Statement": [*statements, statement]})


def _physical(bus: Bus) -> PhysicalResource:
    return PhysicalResource(bus.name, {"Arn": bus.arn, "Name": bus.name, "Policy": bus.policy or ""})
