"""BusDeliverer: forwarding a matched event to another bus, or putting a described event on a bus."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import orjson
import pytest
from events_delivery_fakes import BUS_ARN, DLQ_ARN, OTHER_BUS_ARN, Rig, make_event, make_rule, make_target

from triggerfish.core.delivery import Delivery, DeliveryFailed
from triggerfish.services.events.bus_deliverer import BusDeliverer
from triggerfish.services.events.errors import ResourceNotFound
from triggerfish.services.events.models import RuleRef


class Buses:
    def __init__(self, *existing: str) -> None:
        self.existing = set(existing)
        self.puts: list[tuple[str, Delivery]] = []
        self.forwards: list[tuple[str, Mapping[str, Any]]] = []
        self.refuse: Exception | None = None

    async def put(self, arn: str, delivery: Delivery) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.puts.append((arn, delivery))

    async def forward(self, arn: str, event: Mapping[str, Any]) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.forwards.append((arn, event))

    def exists(self, arn: str) -> bool:
        return arn in self.existing

    def deliverer(self) -> BusDeliverer:
        return BusDeliverer(self.put, self.forward, self.exists)


async def test_a_whole_event_without_a_detail_type_is_forwarded_as_it_is() -> None:
    buses = Buses(OTHER_BUS_ARN)
    event = make_event()
    await buses.deliverer().deliver(OTHER_BUS_ARN, Delivery(orjson.dumps(event).decode()))

    assert buses.forwards == [(OTHER_BUS_ARN, event)]
    assert buses.puts == []


async def test_a_described_event_is_put_on_the_bus() -> None:
    buses = Buses(BUS_ARN)
    delivery = Delivery('{"result": "ok"}', detail_type="Lambda Function Invocation Result - Success", source="lambda")
    await buses.deliverer().deliver(BUS_ARN, delivery)

    assert buses.puts == [(BUS_ARN, delivery)]
    assert buses.forwards == []


async def test_a_detail_type_wins_over_a_body_that_looks_like_an_event() -> None:
    buses = Buses(BUS_ARN)
    delivery = Delivery(orjson.dumps(make_event()).decode(), detail_type="Wrapped", source="app")
    await buses.deliverer().deliver(BUS_ARN, delivery)

    assert buses.puts == [(BUS_ARN, delivery)]


@pytest.mark.parametrize(
    "body",
    ['{"detail-type": "x", "source": "y", "detail": {}}', "[1, 2]", "not json", '"text"', "{broken"],
    ids=["no-id", "array", "text", "json-string", "broken-json"],
)
async def test_a_body_that_is_not_a_whole_event_is_put(body: str) -> None:
    buses = Buses(BUS_ARN)
    await buses.deliverer().deliver(BUS_ARN, Delivery(body))

    assert [arn for arn, _ in buses.puts] == [BUS_ARN]
    assert buses.forwards == []


async def test_an_unknown_bus_is_refused() -> None:
    buses = Buses(BUS_ARN)
    deliverer = buses.deliverer()

    with pytest.raises(DeliveryFailed, match="does not exist"):
        await deliverer.deliver(OTHER_BUS_ARN, Delivery("{}"))
    assert not deliverer.exists(OTHER_BUS_ARN)
    assert deliverer.exists(BUS_ARN)


async def test_an_arn_that_is_not_a_bus_is_refused() -> None:
    rule_arn = "arn:aws:events:us-east-1:000000000000:rule/orders"
    deliverer = Buses(rule_arn).deliverer()

    with pytest.raises(DeliveryFailed, match="not an event bus"):
        await deliverer.deliver(rule_arn, Delivery("{}"))
    assert not deliverer.exists(rule_arn)


async def test_a_bus_that_refuses_raises_delivery_failed_with_the_cause() -> None:
    buses = Buses(BUS_ARN)
    buses.refuse = ResourceNotFound("Event bus default does not exist.")

    with pytest.raises(DeliveryFailed) as raised:
        await buses.deliverer().deliver(BUS_ARN, Delivery(orjson.dumps(make_event()).decode()))
    assert isinstance(raised.value.__cause__, ResourceNotFound)


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    opened = await Rig.open()
    yield opened
    await opened.close()


async def test_a_rule_with_a_bus_target_forwards_the_matched_event(rig: Rig) -> None:
    buses = Buses(OTHER_BUS_ARN)
    rig.deliveries.register("events", buses.deliverer())
    event = make_event()
    target = make_target(
        OTHER_BUS_ARN, InputTransformer={"InputPathsMap": {"s": "$.source"}, "InputTemplate": '{"s": <s>}'}
    )

    await rig.dispatcher.send(RuleRef.of(make_rule()), target, event, ingestion_time=rig.clock.now())

    assert buses.forwards == [(OTHER_BUS_ARN, event)]


async def test_a_bus_target_that_is_gone_goes_to_the_dlq(rig: Rig) -> None:
    buses = Buses()
    rig.deliveries.register("events", buses.deliverer())
    target = make_target(OTHER_BUS_ARN, DeadLetterConfig={"Arn": DLQ_ARN})

    await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=rig.clock.now())

    (dead,) = rig.targets.to(DLQ_ARN)
    assert dead.delivery.attributes["ERROR_CODE"].string_value == "NO_RESOURCE"
