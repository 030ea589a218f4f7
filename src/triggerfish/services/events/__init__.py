"""EventBridge: event buses, rules and targets, PutEvents, archives and replays, API destinations.

:class:`EventsService` is the whole service. Besides the API it offers two entry points to the
services that put events on buses:

* ``await service.put_delivery(bus_arn, delivery)`` puts a new event made of a
  :class:`~triggerfish.core.delivery.Delivery` on a bus: ``detail_type``, ``source``,
  ``resources`` and ``body`` (the detail, a JSON object) become the event's fields, with a fresh
  id. The ``events`` deliverer (rules whose target is a bus) and Scheduler's EventBridge targets
  use it; it raises :class:`~triggerfish.core.delivery.DeliveryFailed` for a missing bus or a
  detail that is not a JSON object.
* ``await service.forward(bus_arn, event)`` routes an existing event envelope, same id, on
  another bus, as a rule whose target is a bus does.

Service methods take ``scope``: the caller's account and region (a :class:`Location`, or the
endpoint's scope). The package imports the service on first use, so its small modules
(``models``, ``errors``) can be imported without the whole service and its parts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from triggerfish.services.events.models import Bus, Location, Rule, RuleState, Target

if TYPE_CHECKING:
    from triggerfish.services.events.put_events import PutEventsResult
    from triggerfish.services.events.service import EventsService

__all__ = ["Bus", "EventsService", "Location", "PutEventsResult", "Rule", "RuleState", "Target"]


def __getattr__(name: str) -> Any:
    if name == "EventsService":
        from triggerfish.services.events.service import EventsService

        return EventsService
    if name == "PutEventsResult":
        from triggerfish.services.events.put_events import PutEventsResult

        return PutEventsResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
