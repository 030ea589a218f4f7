"""PutEvents (§4.2): per-entry faults aligned with the entries, the size rule, envelopes handed to the
router before the answer; deliveries from other services and bus-to-bus forwarding."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed
from triggerfish.services.events.buses import BusRegistry
from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.event_entries import entry_size
from triggerfish.services.events.models import Location
from triggerfish.services.events.naming import BusRef
from triggerfish.services.events.put_events import EventPublisher
from triggerfish.store.factory import open_store

HERE = Location("000000000000", "us-east-1")
DEFAULT_ARN = "arn:aws:events:us-east-1:000000000000:event-bus/default"
ORDERS_ARN = "arn:aws:events:us-east-1:000000000000:event-bus/orders"


def entry(**changes: Any) -> dict[str, Any]:
    return {"Source": "shop", "DetailType": "order placed", "Detail": json.dumps({"id": 1}), **changes}


class Router:
    def __init__(self) -> None:
        self.routed: list[tuple[str, dict[str, Any], float]] = []
        self.gate: asyncio.Event | None = None
        self.fail = False

    async def route(self, bus_arn: str, event: dict[str, Any], *, ingestion_time: float, **_: Any) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise RuntimeError("the store is gone")
        self.routed.append((bus_arn, event, ingestion_time))


@dataclass
class Setup:
    buses: BusRegistry
    publisher: EventPublisher
    router: Router
    clock: VirtualClock


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    store = open_store(None)
    await store.open()
    clock = VirtualClock(1_700_000_000.25)
    buses = BusRegistry(store.documents, clock)
    await buses.load()
    await buses.create(BusRef(HERE.account, HERE.region, "orders"))
    router = Router()
    yield Setup(buses, EventPublisher(buses, router, clock, max_request_size=2048), router, clock)
    await store.close()


async def test_an_accepted_entry_becomes_an_envelope_on_its_bus(setup: Setup) -> None:
    result = await setup.publisher.put_events([entry(Resources=["arn:aws:s3:::b"])], HERE)
    assert result.failed_count == 0
    ((bus, event, ingested),) = setup.router.routed
    assert (bus, ingested) == (DEFAULT_ARN, setup.clock.now())
    assert result.entries == [{"EventId": event["id"]}]
    assert uuid.UUID(event["id"]).version == 4
    assert list(event) == ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"]
    assert event == {
        "version": "0",
        "id": event["id"],
        "detail-type": "order placed",
        "source": "shop",
        "account": "000000000000",
        "time": "2023-11-14T22:13:20Z",
        "region": "us-east-1",
        "resources": ["arn:aws:s3:::b"],
        "detail": {"id": 1},
    }


async def test_time_and_bus_come_from_the_entry(setup: Setup) -> None:
    when = datetime(2020, 2, 2, 12, 34, 56, tzinfo=UTC)
    await setup.publisher.put_events([entry(Time=when, EventBusName="orders"), entry(EventBusName=ORDERS_ARN)], HERE)
    (first_bus, first, _), (second_bus, second, _) = setup.router.routed
    assert (first_bus, second_bus) == (ORDERS_ARN, ORDERS_ARN)
    assert first["time"] == "2020-02-02T12:34:56Z"
    assert first["id"] != second["id"]


async def test_python_callers_may_give_the_time_as_a_number_or_text(setup: Setup) -> None:
    times = (1_580_646_896, "2020-02-02T12:34:56Z", datetime(2020, 2, 2, 12, 34, 56))
    await setup.publisher.put_events([entry(Time=when) for when in times], HERE)
    assert {event["time"] for _, event, _ in setup.router.routed} == {"2020-02-02T12:34:56Z"}
    with pytest.raises(ValidationException, match=r"^Parameter Time is not valid\.$"):
        await setup.publisher.put_events([entry(Time="yesterday")], HERE)


async def test_entry_faults_are_reported_in_place(setup: Setup) -> None:
    entries = [
        entry(),
        {"DetailType": "x", "Detail": "{}"},
        entry(DetailType=None),
        entry(Detail=None),
        entry(Detail='"a string"'),
        entry(Detail="[1, 2]"),
        entry(Detail="{not json"),
        entry(Detail=json.dumps(json.dumps({"a": 1}))),
        entry(Source="aws.s3"),
        entry(),
    ]
    result = await setup.publisher.put_events(entries, HERE)
    assert result.failed_count == 8
    codes = [(e.get("ErrorCode"), e.get("ErrorMessage")) for e in result.entries]
    malformed = ("MalformedDetail", "Detail is malformed.")
    assert codes == [
        (None, None),
        ("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument."),
        ("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument."),
        ("InvalidArgument", "Parameter Detail is not valid. Reason: Detail is a required argument."),
        malformed,
        malformed,
        malformed,
        malformed,
        ("NotAuthorizedForSourceException", "Not authorized for the source."),
        (None, None),
    ]
    assert [e["EventId"] for e in (result.entries[0], result.entries[9])] == [r[1]["id"] for r in setup.router.routed]


async def test_details_must_stay_within_depth_and_int64(setup: Setup) -> None:
    deep = '{"a":' * 1000 + "1" + "}" * 1000
    too_deep = '{"a":' * 1001 + "1" + "}" * 1001
    big = json.dumps({"n": 2**63})
    fine = json.dumps({"n": -(2**63)})
    publisher = EventPublisher(setup.buses, setup.router, setup.clock, max_request_size=1 << 20)
    result = await publisher.put_events([entry(Detail=d) for d in (deep, too_deep, big, fine)], HERE)
    assert [e.get("ErrorCode") for e in result.entries] == [None, "MalformedDetail", "MalformedDetail", None]


async def test_the_request_size_limit_fails_the_whole_call(setup: Setup) -> None:
    # 14 bytes for a Time, then the UTF-8 bytes of Source, DetailType, Detail and resources
    sized = entry(Time=datetime.now(UTC), Source="é", DetailType="dt", Detail="{}", Resources=["r1", "r2"])
    assert entry_size(sized) == 14 + 2 + 2 + 2 + 4
    assert entry_size({"Source": "s"}) == 1
    # Source and DetailType take 2 bytes, the detail 8 beside its payload
    just_under = entry(Source="s", DetailType="d", Detail='{"p":"' + "x" * (2047 - 10) + '"}')
    assert entry_size(just_under) == 2047
    assert (await setup.publisher.put_events([just_under], HERE)).failed_count == 0
    over = entry(Source="s", DetailType="d", Detail='{"p":"' + "x" * (2048 - 10) + '"}')
    with pytest.raises(ValidationException, match=r"^Total size of the entries in the request is over the limit\.$"):
        await setup.publisher.put_events([over], HERE)
    with pytest.raises(ValidationException, match="over the limit"):
        await setup.publisher.put_events([just_under, entry()], HERE)


async def test_one_to_ten_entries(setup: Setup) -> None:
    with pytest.raises(ValidationException, match="less than or equal to 10"):
        await setup.publisher.put_events([entry()] * 11, HERE)
    with pytest.raises(ValidationException, match="greater than or equal to 1"):
        await setup.publisher.put_events([], HERE)
    assert (await setup.publisher.put_events([entry()] * 10, HERE)).failed_count == 0


async def test_an_entry_for_a_missing_bus_is_accepted_and_dropped(setup: Setup) -> None:
    result = await setup.publisher.put_events([entry(EventBusName="nowhere"), entry()], HERE)
    assert result.failed_count == 0 and all("EventId" in e for e in result.entries)
    assert [bus for bus, _, _ in setup.router.routed] == [DEFAULT_ARN]


async def test_the_answer_waits_until_every_event_is_routed(setup: Setup) -> None:
    setup.router.gate = asyncio.Event()
    call = asyncio.create_task(setup.publisher.put_events([entry(), entry()], HERE))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not call.done()
    setup.router.gate.set()
    assert (await call).failed_count == 0
    assert len(setup.router.routed) == 2


async def test_a_routing_failure_fails_its_entry(setup: Setup) -> None:
    setup.router.fail = True
    result = await setup.publisher.put_events([entry()], HERE)
    assert result.entries == [{"ErrorCode": "InternalFailure", "ErrorMessage": "Internal Service Error."}]


async def test_deliveries_from_other_services_become_new_events(setup: Setup) -> None:
    delivery = Delivery(body='{"state": "done"}', detail_type="Job", source="my.scheduler", resources=("arn:x",))
    await setup.publisher.put_delivery(ORDERS_ARN, delivery)
    ((bus, event, _),) = setup.router.routed
    assert bus == ORDERS_ARN
    assert (event["detail-type"], event["source"], event["resources"], event["detail"]) == (
        "Job",
        "my.scheduler",
        ["arn:x"],
        {"state": "done"},
    )
    with pytest.raises(DeliveryFailed, match="malformed"):
        await setup.publisher.put_delivery(ORDERS_ARN, Delivery(body="[]", detail_type="Job", source="s"))
    with pytest.raises(DeliveryFailed, match="does not exist"):
        await setup.publisher.put_delivery(ORDERS_ARN.replace("orders", "gone"), delivery)


async def test_forwarding_keeps_the_event_as_it_is(setup: Setup) -> None:
    await setup.publisher.put_events([entry()], HERE)
    original = setup.router.routed[0][1]
    await setup.publisher.forward(ORDERS_ARN, original)
    assert setup.router.routed[1][:2] == (ORDERS_ARN, original)
    with pytest.raises(DeliveryFailed):
        await setup.publisher.forward(ORDERS_ARN.replace("orders", "gone"), original)
