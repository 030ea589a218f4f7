"""The bus half of EventBridge's API: create, describe, list, update and delete buses, and their
permissions. Names resolve against the caller's account and region."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from triggerfish.services.events.buses import BusRegistry
from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.models import DEFAULT_BUS, Bus, Scope
from triggerfish.services.events.naming import BusRef, bus_ref, require_name
from triggerfish.services.events.paging import Page, page
from triggerfish.services.events.permissions import Grant, put_permission, remove_permission
from triggerfish.services.events.rules import RuleBook
from triggerfish.services.events.targets import check_dead_letter


class BusApi:
    """Bus operations of :class:`~triggerfish.services.events.service.EventsService`."""

    buses: BusRegistry
    rules: RuleBook

    async def create_event_bus(
        self,
        name: str,
        *,
        scope: Scope,
        description: str | None = None,
        kms_key: str | None = None,
        dead_letter_config: Mapping[str, Any] | None = None,
        event_source_name: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Bus:
        check_dead_letter(dead_letter_config)
        return await self.buses.create(
            BusRef(scope.account, scope.region, require_name(name, "name")),
            description=description,
            kms_key=kms_key,
            dead_letter_arn=_dead_letter_arn(dead_letter_config),
            tags=tags,
            event_source_name=event_source_name,
        )

    def describe_event_bus(self, name: str | None = None, *, scope: Scope) -> Bus:
        return self.buses.require(bus_ref(name, scope))

    def list_event_buses(
        self, *, scope: Scope, prefix: str | None = None, limit: int | None = None, token: str | None = None
    ) -> Page[Bus]:
        buses = [bus for bus in self.buses.in_scope(scope.account, scope.region) if bus.name.startswith(prefix or "")]
        return page(buses, lambda bus: bus.name, limit=limit, token=token)

    async def update_event_bus(
        self,
        name: str | None = None,
        *,
        scope: Scope,
        description: str | None = None,
        kms_key: str | None = None,
        dead_letter_config: Mapping[str, Any] | None = None,
    ) -> Bus:
        bus = self.buses.require(bus_ref(name, scope))
        check_dead_letter(dead_letter_config)
        # members left out keep their value; an empty one clears it
        changed = replace(
            bus,
            description=bus.description if description is None else description or None,
            kms_key=bus.kms_key if kms_key is None else kms_key or None,
            dead_letter_arn=bus.dead_letter_arn if dead_letter_config is None else _dead_letter_arn(dead_letter_config),
        )
        return await self.buses.save(changed)

    async def delete_event_bus(self, name: str, *, scope: Scope) -> None:
        ref = bus_ref(require_name(name, "name"), scope)
        if ref.name == DEFAULT_BUS:
            # recorded DeleteEventBus answer for the default bus
            raise ValidationException("Cannot delete event bus default.")
        # deleting a bus that is not there succeeds (recorded DeleteEventBus answer)
        await self.rules.delete_bus(ref)
        await self.buses.delete(ref)

    async def put_permission(
        self,
        *,
        scope: Scope,
        event_bus_name: str | None = None,
        action: str | None = None,
        principal: str | None = None,
        statement_id: str | None = None,
        condition: Mapping[str, str] | None = None,
        policy: str | None = None,
    ) -> None:
        bus = self.buses.require(bus_ref(event_bus_name, scope))
        grant = Grant(action, principal, statement_id, condition)
        await self.buses.save(replace(bus, policy=put_permission(bus.policy, bus.arn, grant, policy)))

    async def remove_permission(
        self,
        *,
        scope: Scope,
        event_bus_name: str | None = None,
        statement_id: str | None = None,
        remove_all: bool = False,
    ) -> None:
        bus = self.buses.require(bus_ref(event_bus_name, scope))
        await self.buses.save(replace(bus, policy=remove_permission(bus.policy, statement_id, remove_all)))


def _dead_letter_arn(config: Mapping[str, Any] | None) -> str | None:
    return (config or {}).get("Arn") or None
