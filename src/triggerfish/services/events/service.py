"""The EventBridge service: buses, permissions, rules and targets, putting and routing events.

Its parts: :class:`BusRegistry` (buses and their policies), :class:`RuleBook` (rules, targets and
the pattern index), :class:`EventPublisher` (PutEvents and deliveries onto buses), the router that
hands matched events to the :class:`TargetDispatcher` (retries, dead-letter queues), scheduled
rules, archives and replays, connections and API destinations. The API's bus and rule operations
come from :class:`BusApi` and :class:`RuleApi`; this class builds and wires the parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.due_queue import DueQueue
from triggerfish.services.events.api_destinations import ApiDestinations
from triggerfish.services.events.archives import Archives
from triggerfish.services.events.bus_api import BusApi
from triggerfish.services.events.bus_deliverer import BusDeliverer
from triggerfish.services.events.buses import BusRegistry
from triggerfish.services.events.dispatch import TargetDispatcher
from triggerfish.services.events.input_transform import check_target_input
from triggerfish.services.events.models import Scope
from triggerfish.services.events.put_events import EventPublisher, PutEventsResult
from triggerfish.services.events.replays import Replays
from triggerfish.services.events.routing import EventRouter
from triggerfish.services.events.rule_api import RuleApi
from triggerfish.services.events.rules import RuleBook
from triggerfish.services.events.scheduled_rules import ScheduledRules
from triggerfish.services.events.tags import ResourceTags
from triggerfish.services.events.test_pattern import matches_sample
from triggerfish.services.ticker import Ticker
from triggerfish.store.interfaces import AsyncEventStore, DocumentStore


class EventsService(BusApi, RuleApi):
    def __init__(
        self,
        documents: DocumentStore,
        clock: Clock,
        deliveries: DeliveryRegistry,
        tracker: WorkTracker,
        ticker: Ticker,
        pending: AsyncEventStore,
        *,
        retry_base_delay: float = 1.0,
    ) -> None:
        self._clock = clock
        self.buses = BusRegistry(documents, clock)
        self.rules = RuleBook(documents, clock, check_input=check_target_input)
        self.tags = ResourceTags(self.buses, self.rules)
        self.api_destinations = ApiDestinations(documents, clock)
        self.archives = Archives(documents, clock, bus_exists=self._bus_exists)
        self.dispatcher = TargetDispatcher(
            deliveries,
            DueQueue(pending, clock, tracker),
            clock,
            self.api_destinations,
            retry_base_delay=retry_base_delay,
        )
        self.router = EventRouter(self.rules, self.dispatcher, self.archives)
        self.publisher = EventPublisher(self.buses, self.router, clock)
        self.scheduled = ScheduledRules(ticker, documents, clock, self.dispatcher, self.rules.get)
        self.rules.watch(self.scheduled)
        self.replays = Replays(documents, clock, tracker, self.archives, self._replay, self._bus_exists)
        deliveries.register("events", BusDeliverer(self.put_delivery, self.forward, self._bus_exists))

    async def start(self) -> None:
        await self.buses.load()
        await self.rules.start()
        await self.api_destinations.start()
        await self.archives.start()
        await self.dispatcher.start()
        await self.scheduled.start(self.rules.scheduled())
        await self.replays.start()

    async def close(self) -> None:
        await self.replays.close()
        await self.dispatcher.close()
        await self.archives.close()
        await self.api_destinations.close()

    # -- events

    async def put_events(self, entries: Sequence[Mapping[str, Any]], *, scope: Scope) -> PutEventsResult:
        return await self.publisher.put_events(entries, scope)

    def test_event_pattern(self, pattern: str, event: str) -> bool:
        return matches_sample(pattern, event)

    async def put_delivery(self, bus_arn: str, delivery: Delivery) -> None:
        """Put an event made of ``delivery`` (detail type, source, resources, detail) on the bus."""
        await self.publisher.put_delivery(bus_arn, delivery)

    async def forward(self, bus_arn: str, event: Mapping[str, Any]) -> None:
        """Route an existing event, unchanged, on the bus ``bus_arn``."""
        await self.publisher.forward(bus_arn, event)

    # -- tags

    def list_tags_for_resource(self, arn: str) -> dict[str, str]:
        return self.tags.list(arn)

    async def tag_resource(self, arn: str, tags: Mapping[str, str]) -> None:
        await self.tags.tag(arn, tags)

    async def untag_resource(self, arn: str, keys: Iterable[str]) -> None:
        await self.tags.untag(arn, keys)

    # -- parts handed to the other pieces

    def _bus_exists(self, bus_arn: str) -> bool:
        return self.buses.exists(bus_arn)

    async def _replay(self, bus_arn: str, event: dict[str, Any], filter_arns: frozenset[str] | None) -> None:
        await self.router.route(
            bus_arn,
            event,
            ingestion_time=self._clock.now(),
            replay_name=event["replay-name"],
            only_rules=filter_arns,
        )
