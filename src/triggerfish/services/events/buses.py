"""Event buses, stored as documents (kind ``events.bus``, scope ``<account>/<region>``, name the bus).

Every account and region has a ``default`` bus without creating it (§4); it is stored only once
something about it changes (a policy, tags), until then it is made up on demand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.services.events.constraints import check
from triggerfish.services.events.errors import (
    LimitExceeded,
    ResourceAlreadyExists,
    ResourceNotFound,
    ValidationException,
)
from triggerfish.services.events.models import BUS_KIND, DEFAULT_BUS, Bus
from triggerfish.services.events.naming import BUS_NAME, BusRef, parse_bus_arn
from triggerfish.store.interfaces import Document, DocumentStore

# "Event buses: 100 per account per Region" (EventBridge quotas); the default bus is not one of them
MAX_CUSTOM_BUSES = 100
TOO_MANY = "The requested resource exceeds the maximum number allowed."


def missing_bus(name: str) -> ResourceNotFound:
    return ResourceNotFound(f"Event bus {name} does not exist.")


class BusRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock, *, max_buses: int = MAX_CUSTOM_BUSES) -> None:
        self._documents = documents
        self._clock = clock
        self._max_buses = max_buses
        self._buses: dict[BusRef, Bus] = {}
        self._started = clock.now()

    async def load(self) -> None:
        self._buses.clear()
        for document in await self._documents.list(BUS_KIND):
            bus = _from_document(document)
            self._buses[BusRef(bus.account, bus.region, bus.name)] = bus

    def get(self, ref: BusRef) -> Bus | None:
        found = self._buses.get(ref)
        if found is None and ref.name == DEFAULT_BUS:
            return Bus(DEFAULT_BUS, ref.account, ref.region, created_at=self._started, updated_at=self._started)
        return found

    def require(self, ref: BusRef) -> Bus:
        found = self.get(ref)
        if found is None:
            raise missing_bus(ref.name)
        return found

    def by_arn(self, arn: str) -> Bus | None:
        ref = parse_bus_arn(arn)
        return None if ref is None else self.get(ref)

    def exists(self, arn: str) -> bool:
        return self.by_arn(arn) is not None

    def in_scope(self, account: str, region: str) -> list[Bus]:
        """Every bus of an account and region, the default one included, by name."""
        found = {bus.name: bus for ref, bus in self._buses.items() if (ref.account, ref.region) == (account, region)}
        default = self.get(BusRef(account, region, DEFAULT_BUS))
        if default is not None:
            found.setdefault(DEFAULT_BUS, default)
        return [found[name] for name in sorted(found)]

    async def create(
        self,
        ref: BusRef,
        *,
        description: str | None = None,
        kms_key: str | None = None,
        dead_letter_arn: str | None = None,
        tags: Mapping[str, str] | None = None,
        event_source_name: str | None = None,
    ) -> Bus:
        check(("name", ref.name, BUS_NAME))
        if self.get(ref) is not None:
            raise ResourceAlreadyExists(f"Event bus {ref.name} already exists.")
        if event_source_name is not None:
            # partner buses need a partner event source, and none exist here
            raise ResourceNotFound(f"Event source {event_source_name} does not exist.")
        if "/" in ref.name:
            # only partner buses may carry "/" (CreateEventBus API reference, Name)
            raise ValidationException("Event bus name must not contain '/'.")
        if ref.name.startswith("aws."):
            # "aws." names are reserved for partner buses, which match an event source
            raise ValidationException("Event bus name must not start with 'aws.'.")
        custom = sum(1 for other in self._buses if (other.account, other.region) == (ref.account, ref.region))
        if custom >= self._max_buses:
            raise LimitExceeded(TOO_MANY)
        now = self._clock.now()
        bus = Bus(
            ref.name,
            ref.account,
            ref.region,
            description=description or None,
            kms_key=kms_key or None,
            dead_letter_arn=dead_letter_arn or None,
            tags=dict(tags or {}),
            created_at=now,
            updated_at=now,
        )
        return await self._write(bus, expected_revision=0)

    async def save(self, bus: Bus) -> Bus:
        """Store a changed bus (settings, policy, tags); its modification time becomes now."""
        return await self._write(replace(bus, updated_at=self._clock.now()))

    async def delete(self, ref: BusRef) -> Bus | None:
        bus = self._buses.pop(ref, None)
        await self._documents.delete(BUS_KIND, ref.scope, ref.name)
        return bus

    async def _write(self, bus: Bus, *, expected_revision: int | None = None) -> Bus:
        ref = BusRef(bus.account, bus.region, bus.name)
        await self._documents.put(
            BUS_KIND,
            ref.scope,
            ref.name,
            json.dumps(_body(bus)),
            now=bus.updated_at,
            expected_revision=expected_revision,
        )
        self._buses[ref] = bus
        return bus


def _body(bus: Bus) -> dict[str, Any]:
    return {
        "description": bus.description,
        "policy": bus.policy,
        "kms_key": bus.kms_key,
        "dead_letter_arn": bus.dead_letter_arn,
        "tags": dict(bus.tags),
        "created_at": bus.created_at,
        "updated_at": bus.updated_at,
    }


def _from_document(document: Document) -> Bus:
    account, _, region = document.scope.partition("/")
    body = json.loads(document.body)
    return Bus(
        document.name,
        account,
        region,
        description=body.get("description"),
        policy=body.get("policy"),
        kms_key=body.get("kms_key"),
        dead_letter_arn=body.get("dead_letter_arn"),
        tags=dict(body.get("tags") or {}),
        created_at=float(body.get("created_at", document.created_at)),
        updated_at=float(body.get("updated_at", document.updated_at)),
    )
