"""Event bus operations: create, describe, list, update, delete, permissions, and tags of buses and rules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.events.models import Bus
from triggerfish.services.events.service import EventsService
from triggerfish.services.events.tags import tags_from_wire, tags_to_wire

Operation = Callable[[Call], Awaitable[Reply]]


class BusOperations:
    def __init__(self, service: EventsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateEventBus": self.create_event_bus,
            "DescribeEventBus": self.describe_event_bus,
            "ListEventBuses": self.list_event_buses,
            "UpdateEventBus": self.update_event_bus,
            "DeleteEventBus": self.delete_event_bus,
            "PutPermission": self.put_permission,
            "RemovePermission": self.remove_permission,
            "TagResource": self.tag_resource,
            "UntagResource": self.untag_resource,
            "ListTagsForResource": self.list_tags_for_resource,
        }

    async def create_event_bus(self, call: Call) -> Reply:
        p = call.params
        bus = await self._service.create_event_bus(
            p["Name"],
            scope=call.scope,
            description=p.get("Description"),
            kms_key=p.get("KmsKeyIdentifier"),
            dead_letter_config=p.get("DeadLetterConfig"),
            event_source_name=p.get("EventSourceName"),
            tags=tags_from_wire(p.get("Tags")),
        )
        return Reply({"EventBusArn": bus.arn, **_settings(bus)})

    async def describe_event_bus(self, call: Call) -> Reply:
        bus = self._service.describe_event_bus(call.params.get("Name"), scope=call.scope)
        return Reply({"Name": bus.name, "Arn": bus.arn, **_settings(bus), **_listed(bus)})

    async def list_event_buses(self, call: Call) -> Reply:
        p = call.params
        found = self._service.list_event_buses(
            scope=call.scope, prefix=p.get("NamePrefix"), limit=p.get("Limit"), token=p.get("NextToken")
        )
        buses = [{"Name": bus.name, "Arn": bus.arn, **_described(bus), **_listed(bus)} for bus in found.items]
        return Reply({"EventBuses": buses, **({"NextToken": found.next_token} if found.next_token else {})})

    async def update_event_bus(self, call: Call) -> Reply:
        p = call.params
        bus = await self._service.update_event_bus(
            p.get("Name"),
            scope=call.scope,
            description=p.get("Description"),
            kms_key=p.get("KmsKeyIdentifier"),
            dead_letter_config=p.get("DeadLetterConfig"),
        )
        return Reply({"Arn": bus.arn, "Name": bus.name, **_settings(bus)})

    async def delete_event_bus(self, call: Call) -> Reply:
        await self._service.delete_event_bus(call.params["Name"], scope=call.scope)
        return Reply()

    async def put_permission(self, call: Call) -> Reply:
        p = call.params
        await self._service.put_permission(
            scope=call.scope,
            event_bus_name=p.get("EventBusName"),
            action=p.get("Action"),
            principal=p.get("Principal"),
            statement_id=p.get("StatementId"),
            condition=p.get("Condition"),
            policy=p.get("Policy"),
        )
        return Reply()

    async def remove_permission(self, call: Call) -> Reply:
        p = call.params
        await self._service.remove_permission(
            scope=call.scope,
            event_bus_name=p.get("EventBusName"),
            statement_id=p.get("StatementId"),
            remove_all=bool(p.get("RemoveAllPermissions")),
        )
        return Reply()

    async def tag_resource(self, call: Call) -> Reply:
        await self._service.tag_resource(call.params["ResourceARN"], tags_from_wire(call.params["Tags"]))
        return Reply()

    async def untag_resource(self, call: Call) -> Reply:
        await self._service.untag_resource(call.params["ResourceARN"], call.params["TagKeys"])
        return Reply()

    async def list_tags_for_resource(self, call: Call) -> Reply:
        tags = self._service.list_tags_for_resource(call.params["ResourceARN"])
        return Reply({"Tags": tags_to_wire(tags)})


def _described(bus: Bus) -> dict[str, Any]:
    return {"Description": bus.description} if bus.description else {}


def _settings(bus: Bus) -> dict[str, Any]:
    shape = _described(bus)
    if bus.kms_key:
        shape["KmsKeyIdentifier"] = bus.kms_key
    if bus.dead_letter_arn:
        shape["DeadLetterConfig"] = {"Arn": bus.dead_letter_arn}
    return shape


def _listed(bus: Bus) -> dict[str, Any]:
    """The members DescribeEventBus and ListEventBuses share beyond name, ARN and settings."""
    shape: dict[str, Any] = {"Policy": bus.policy} if bus.policy else {}
    shape["CreationTime"] = bus.created_at
    shape["LastModifiedTime"] = bus.updated_at
    return shape
