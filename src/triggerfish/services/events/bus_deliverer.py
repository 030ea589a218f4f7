"""Delivery by ARN to an event bus (``arn:aws:events:...:event-bus/<name>``).

Two kinds of delivery arrive here. A rule whose target is another bus hands over the matched event
itself (its whole envelope, no ``detail_type``): that event is forwarded onto the bus as it is, same
id. Anything else (a Lambda destination's record, a Scheduler target) describes a new event:
``detail_type``, ``source``, ``resources`` and the detail as ``body``, put on the bus like a
PutEvents entry.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson

from triggerfish.core.delivery import Delivery, DeliveryFailed
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.events.delivery_job import TargetKind, target_kind

#: the members that make a body a whole EventBridge event rather than a detail
_ENVELOPE_KEYS = ("detail-type", "source", "detail", "id")

PutDelivery = Callable[[str, Delivery], Awaitable[None]]
Forward = Callable[[str, Mapping[str, Any]], Awaitable[None]]
BusExists = Callable[[str], bool]


class BusDeliverer:
    def __init__(self, put: PutDelivery, forward: Forward, exists: BusExists) -> None:
        self._put = put
        self._forward = forward
        self._exists = exists

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        if target_kind(arn) is not TargetKind.EVENT_BUS:
            raise DeliveryFailed(f"{arn} is not an event bus")
        if not self._exists(arn):
            raise DeliveryFailed(f"the event bus {arn} does not exist")
        envelope = _envelope(delivery.body) if delivery.detail_type is None else None
        try:
            if envelope is not None:
                await self._forward(arn, envelope)
            else:
                await self._put(arn, delivery)
        except TriggerfishError as exc:
            raise DeliveryFailed(f"the event bus {arn} refused the event: {exc.message}") from exc

    def exists(self, arn: str) -> bool:
        return target_kind(arn) is TargetKind.EVENT_BUS and self._exists(arn)


def _envelope(body: str) -> dict[str, Any] | None:
    """``body`` as an event when it is a whole EventBridge event, else ``None``."""
    if not body.lstrip().startswith("{"):
        return None
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if isinstance(parsed, dict) and all(key in parsed for key in _ENVELOPE_KEYS):
        return parsed
    return None
