"""Putting events on buses: PutEvents, deliveries from other services, and bus-to-bus forwarding.

An accepted entry becomes an event envelope (§4.1) with a fresh id and is handed to the router,
which stores it for every matching target before returning; PutEvents answers only after that, so
an ``EventId`` in its answer is never lost.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypedDict

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import Delivery, DeliveryFailed
from triggerfish.core.payloads.eventbridge import eventbridge_event
from triggerfish.services.events.buses import BusRegistry
from triggerfish.services.events.event_entries import (
    MAX_REQUEST_SIZE,
    Entry,
    EntryFailure,
    check_entries,
    parse_detail,
    read_entry,
)
from triggerfish.services.events.models import Scope
from triggerfish.services.events.naming import parse_bus_arn
from triggerfish.services.events.permissions import allows_put_events

log = logging.getLogger(__name__)


class Router(Protocol):
    """Hands an event to every rule of a bus that matches it (the routing module)."""

    async def route(
        self,
        bus_arn: str,
        event: dict[str, Any],
        *,
        ingestion_time: float,
        replay_name: str | None = None,
        only_rules: frozenset[str] | None = None,
    ) -> None: ...


class PutEventsResultEntry(TypedDict, total=False):
    EventId: str
    ErrorCode: str
    ErrorMessage: str


@dataclass(frozen=True)
class PutEventsResult:
    """``Entries`` aligned with the request's, and how many of them failed."""

    entries: list[PutEventsResultEntry]

    @property
    def failed_count(self) -> int:
        return sum(1 for entry in self.entries if "ErrorCode" in entry)


class EventPublisher:
    def __init__(
        self, buses: BusRegistry, router: Router, clock: Clock, *, max_request_size: int = MAX_REQUEST_SIZE
    ) -> None:
        self._buses = buses
        self._router = router
        self._clock = clock
        self._max_request_size = max_request_size

    async def put_events(self, entries: Sequence[Mapping[str, Any]], scope: Scope) -> PutEventsResult:
        check_entries(entries, self._max_request_size)
        now = self._clock.now()
        results: list[PutEventsResultEntry] = []
        for raw in entries:
            read = read_entry(raw, scope)
            results.append(_failed(read) if isinstance(read, EntryFailure) else await self._put(read, scope, now))
        return PutEventsResult(results)

    async def put_delivery(self, bus_arn: str, delivery: Delivery) -> None:
        """An event from another service (a rule's bus target, a schedule) onto the bus ``bus_arn``."""
        ref = parse_bus_arn(bus_arn)
        if ref is None or self._buses.get(ref) is None:
            raise DeliveryFailed(f"Event bus {bus_arn} does not exist.")
        detail = parse_detail(delivery.body)
        if detail is None:
            raise DeliveryFailed("Detail is malformed.")
        if not delivery.source or not delivery.detail_type:
            raise DeliveryFailed("An event needs a Source and a DetailType.")
        now = self._clock.now()
        event = eventbridge_event(
            event_id=str(uuid.uuid4()),
            source=delivery.source,
            detail_type=delivery.detail_type,
            detail=detail,
            account=ref.account,
            region=ref.region,
            time=now,
            resources=delivery.resources,
        )
        await self._router.route(ref.arn, dict(event), ingestion_time=now)

    async def forward(self, bus_arn: str, event: Mapping[str, Any]) -> None:
        """An existing event, same id and all, onto another bus (a rule whose target is a bus)."""
        if not self._buses.exists(bus_arn):
            raise DeliveryFailed(f"Event bus {bus_arn} does not exist.")
        await self._router.route(bus_arn, dict(event), ingestion_time=self._clock.now())

    async def _put(self, entry: Entry, scope: Scope, now: float) -> PutEventsResultEntry:
        bus = self._buses.get(entry.bus)
        if entry.bus.account != scope.account and (
            bus is None or not allows_put_events(bus.policy, bus.arn, scope.account)
        ):
            # another account's bus takes events only where its policy allows (spec §4.2, PutPermission)
            return _failed(EntryFailure("AccessDeniedException", _denied(scope.account, entry.bus.arn)))
        event = eventbridge_event(
            event_id=str(uuid.uuid4()),
            source=entry.source,
            detail_type=entry.detail_type,
            detail=entry.detail,
            account=scope.account,
            region=scope.region,
            time=now if entry.time is None else entry.time,
            resources=entry.resources,
        )
        if bus is None:
            # an entry for a bus that does not exist is accepted and dropped (observed PutEvents answer)
            return {"EventId": event["id"]}
        try:
            await self._router.route(bus.arn, dict(event), ingestion_time=now)
        except Exception:
            log.exception("routing event %s on %s failed", event["id"], bus.arn)
            return _failed(EntryFailure("InternalFailure", "Internal Service Error."))
        return {"EventId": event["id"]}


def _failed(failure: EntryFailure) -> PutEventsResultEntry:
    return {"ErrorCode": failure.code, "ErrorMessage": failure.message}


def _denied(account: str, bus_arn: str) -> str:
    return (
        f"User: arn:aws:iam::{account}:root is not authorized to perform: events:PutEvents on resource: {bus_arn} "
        "because no resource-based policy allows the events:PutEvents action"
    )
