"""Event buses: the implicit default bus, create/describe/list/update/delete rules, tags, durability."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.events import EventsService
from triggerfish.services.events.buses import BusRegistry
from triggerfish.services.events.errors import (
    LimitExceeded,
    ResourceAlreadyExists,
    ResourceNotFound,
    ValidationException,
)
from triggerfish.services.events.models import Location
from triggerfish.services.events.naming import BusRef, bus_ref
from triggerfish.services.events.paging import page
from triggerfish.services.events.rules import RuleBook
from triggerfish.services.events.tags import ResourceTags, tags_from_wire, tags_to_wire
from triggerfish.services.ticker import Ticker
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

ACCOUNT, REGION = "000000000000", "us-east-1"


def ref(name: str, account: str = ACCOUNT, region: str = REGION) -> BusRef:
    return BusRef(account, region, name)


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def buses(store: Store, clock: VirtualClock) -> BusRegistry:
    registry = BusRegistry(store.documents, clock, max_buses=3)
    await registry.load()
    return registry


def test_the_default_bus_exists_everywhere_without_being_created(buses: BusRegistry) -> None:
    for account, region in ((ACCOUNT, REGION), ("111111111111", "eu-west-1")):
        bus = buses.require(ref("default", account, region))
        assert bus.arn == f"arn:aws:events:{region}:{account}:event-bus/default"
    assert [bus.name for bus in buses.in_scope(ACCOUNT, REGION)] == ["default"]


async def test_creating_a_bus_and_finding_it(buses: BusRegistry, clock: VirtualClock) -> None:
    created = await buses.create(ref("orders"), description="test bus", dead_letter_arn="arn:aws:sqs:us-east-1:0:q")
    assert created.arn == "arn:aws:events:us-east-1:000000000000:event-bus/orders"
    assert created.created_at == created.updated_at == clock.now()
    assert buses.require(ref("orders")) == created
    assert buses.by_arn(created.arn) == created
    assert buses.exists(created.arn)
    assert not buses.exists("arn:aws:events:us-east-1:000000000000:event-bus/other")
    assert [bus.name for bus in buses.in_scope(ACCOUNT, REGION)] == ["default", "orders"]
    assert buses.in_scope(ACCOUNT, "us-west-2")[0].name == "default"


async def test_create_refusals_carry_aws_messages(buses: BusRegistry) -> None:
    await buses.create(ref("orders"))
    with pytest.raises(ResourceAlreadyExists, match=r"^Event bus orders already exists\.$"):
        await buses.create(ref("orders"))
    with pytest.raises(ResourceAlreadyExists, match=r"^Event bus default already exists\.$"):
        await buses.create(ref("default"))
    with pytest.raises(ValidationException, match=r"^Event bus name must not contain '/'\.$"):
        await buses.create(ref("team/orders"))
    with pytest.raises(ValidationException, match=r"must not start with 'aws\.'"):
        await buses.create(ref("aws.orders"))
    with pytest.raises(ResourceNotFound, match=r"^Event source aws.partner/x/y does not exist\.$"):
        await buses.create(ref("aws.partner/x/y"), event_source_name="aws.partner/x/y")
    with pytest.raises(ValidationException) as bad:
        await buses.create(ref("bad name!"))
    assert bad.value.message == (
        "1 validation error detected: Value 'bad name!' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [/\\.\\-_A-Za-z0-9]+"
    )
    with pytest.raises(ValidationException, match="length less than or equal to 256"):
        await buses.create(ref("x" * 257))


async def test_custom_buses_are_limited_per_account_and_region(buses: BusRegistry) -> None:
    for name in ("a", "b", "c"):
        await buses.create(ref(name))
    with pytest.raises(LimitExceeded, match=r"^The requested resource exceeds the maximum number allowed\.$"):
        await buses.create(ref("d"))
    await buses.create(ref("d", region="eu-west-1"))


async def test_missing_buses_are_named_in_the_error(buses: BusRegistry) -> None:
    with pytest.raises(ResourceNotFound, match=r"^Event bus nope does not exist\.$"):
        buses.require(ref("nope"))


async def test_saving_a_change_moves_the_modification_time(buses: BusRegistry, clock: VirtualClock) -> None:
    created = await buses.create(ref("orders"))
    await clock.advance(30)
    saved = await buses.save(replace(created, description="new"))
    assert (saved.created_at, saved.updated_at) == (created.created_at, created.created_at + 30)
    assert buses.require(ref("orders")).description == "new"


async def test_deleting_a_bus(buses: BusRegistry) -> None:
    await buses.create(ref("orders"))
    assert (await buses.delete(ref("orders"))) is not None
    assert buses.get(ref("orders")) is None
    assert await buses.delete(ref("orders")) is None


async def test_buses_survive_a_restart(tmp_path: Path, clock: VirtualClock) -> None:
    first = open_store(tmp_path)
    await first.open()
    registry = BusRegistry(first.documents, clock)
    await registry.create(ref("orders"), description="d", kms_key="alias/k", tags={"team": "a"})
    default = registry.require(ref("default"))
    await registry.save(replace(default, policy='{"Version": "2012-10-17", "Statement": []}'))
    await first.close()

    second = open_store(tmp_path)
    await second.open()
    reloaded = BusRegistry(second.documents, clock)
    await reloaded.load()
    orders = reloaded.require(ref("orders"))
    assert (orders.description, orders.kms_key, dict(orders.tags)) == ("d", "alias/k", {"team": "a"})
    assert reloaded.require(ref("default")).policy == '{"Version": "2012-10-17", "Statement": []}'
    assert [bus.name for bus in reloaded.in_scope(ACCOUNT, REGION)] == ["default", "orders"]
    await second.close()


def test_bus_names_and_arns_resolve_against_the_caller() -> None:
    class Caller:
        account, region = ACCOUNT, REGION

    assert bus_ref(None, Caller()) == ref("default")
    assert bus_ref("orders", Caller()) == ref("orders")
    arn = "arn:aws:events:eu-west-1:111111111111:event-bus/theirs"
    assert bus_ref(arn, Caller()) == BusRef("111111111111", "eu-west-1", "theirs")
    with pytest.raises(ValidationException, match="at 'eventBusName'"):
        bus_ref("no spaces", Caller())


async def test_bus_tags_by_arn(buses: BusRegistry, store: Store, clock: VirtualClock) -> None:
    tags = ResourceTags(buses, RuleBook(store.documents, clock))
    bus = await buses.create(ref("orders"), tags={"a": "1"})
    await tags.tag(bus.arn, {"b": "2", "a": "3"})
    assert tags.list(bus.arn) == {"a": "3", "b": "2"}
    await tags.untag(bus.arn, ["a", "missing"])
    assert tags.list(bus.arn) == {"b": "2"}
    default_arn = "arn:aws:events:us-east-1:000000000000:event-bus/default"
    await tags.tag(default_arn, {"env": "dev"})
    assert tags.list(default_arn) == {"env": "dev"}
    with pytest.raises(ResourceNotFound, match=r"^Event bus gone does not exist\.$"):
        tags.list("arn:aws:events:us-east-1:000000000000:event-bus/gone")
    with pytest.raises(ValidationException):
        tags.list("arn:aws:sqs:us-east-1:000000000000:queue")


def test_tags_travel_as_key_value_lists() -> None:
    assert tags_from_wire([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]) == {"a": "2"}
    assert tags_to_wire({"a": "1"}) == [{"Key": "a", "Value": "1"}]
    assert tags_from_wire(None) == {}


def test_paging_hands_out_every_item_once() -> None:
    names = [f"bus-{i}" for i in range(7)]
    first = page(names, str, limit=3, token=None)
    assert first.items == names[:3] and first.next_token
    second = page(names, str, limit=3, token=first.next_token)
    assert second.items == names[3:6]
    third = page(names, str, limit=3, token=second.next_token)
    assert (third.items, third.next_token) == (names[6:], None)
    # a page after the last item handed out was deleted starts at the next one
    assert page([n for n in names if n != "bus-2"], str, limit=2, token=first.next_token).items == ["bus-3", "bus-4"]
    assert page(names, str, limit=None, token=None).items == names


def test_paging_refuses_bad_limits_and_tokens() -> None:
    with pytest.raises(ValidationException, match="Member must have value less than or equal to 100"):
        page([], str, limit=101, token=None)
    with pytest.raises(ValidationException, match="Member must have value greater than or equal to 1"):
        page([], str, limit=0, token=None)
    with pytest.raises(ValidationException, match="NextToken"):
        page(["a"], str, limit=1, token="garbage!")


# -- through the service, with every part wired


@pytest.fixture
async def service(store: Store, clock: VirtualClock) -> AsyncIterator[EventsService]:
    tracker = WorkTracker()
    ticker = Ticker(clock, tracker)
    await ticker.start()
    events = EventsService(store.documents, clock, DeliveryRegistry(), tracker, ticker, store.pending("events"))
    await events.start()
    yield events
    await events.close()
    await ticker.close()


HERE = Location(ACCOUNT, REGION)


async def test_the_default_bus_cannot_be_deleted(service: EventsService) -> None:
    with pytest.raises(ValidationException, match=r"^Cannot delete event bus default\.$"):
        await service.delete_event_bus("default", scope=HERE)
    await service.delete_event_bus("never-made", scope=HERE)


async def test_deleting_a_bus_deletes_its_rules(service: EventsService) -> None:
    await service.create_event_bus("orders", scope=HERE)
    await service.put_rule("r1", scope=HERE, event_bus_name="orders", event_pattern='{"source": ["shop"]}')
    await service.put_targets(
        "r1", [{"Id": "t1", "Arn": "arn:aws:sqs:us-east-1:0:q"}], scope=HERE, event_bus_name="orders"
    )
    await service.delete_event_bus("orders", scope=HERE)
    with pytest.raises(ResourceNotFound, match=r"^Event bus orders does not exist\.$"):
        service.list_rules(scope=HERE, event_bus_name="orders")
    await service.create_event_bus("orders", scope=HERE)
    assert service.list_rules(scope=HERE, event_bus_name="orders").items == []


async def test_updating_a_bus_keeps_what_is_left_out(service: EventsService) -> None:
    dlq = {"Arn": "arn:aws:sqs:us-east-1:000000000000:dlq"}
    await service.create_event_bus("orders", scope=HERE, description="d", kms_key="alias/k", dead_letter_config=dlq)
    kept = await service.update_event_bus("orders", scope=HERE, description="new")
    assert (kept.description, kept.kms_key, kept.dead_letter_arn) == ("new", "alias/k", dlq["Arn"])
    cleared = await service.update_event_bus("orders", scope=HERE, kms_key="", dead_letter_config={})
    assert (cleared.description, cleared.kms_key, cleared.dead_letter_arn) == ("new", None, None)
    with pytest.raises(ValidationException, match=r"DeadLetterConfig\.Arn"):
        await service.update_event_bus("orders", scope=HERE, dead_letter_config={"Arn": "arn:aws:sns:us-east-1:0:t"})
    with pytest.raises(ResourceNotFound, match=r"^Event bus gone does not exist\.$"):
        await service.update_event_bus("gone", scope=HERE, description="x")


async def test_permissions_show_in_the_bus_description(service: EventsService) -> None:
    await service.put_permission(scope=HERE, action="events:PutEvents", principal="111111111111", statement_id="s1")
    policy = service.describe_event_bus(scope=HERE).policy
    assert policy is not None and '"Sid": "s1"' in policy
    await service.remove_permission(scope=HERE, remove_all=True)
    assert service.describe_event_bus(scope=HERE).policy is None
    with pytest.raises(ResourceNotFound, match=r"^Event bus gone does not exist\.$"):
        await service.put_permission(
            scope=HERE, event_bus_name="gone", action="events:PutEvents", principal="*", statement_id="s"
        )


async def test_listing_buses_by_prefix_a_page_at_a_time(service: EventsService) -> None:
    for name in ("b-1", "a-1", "b-2", "b-3"):
        await service.create_event_bus(name, scope=HERE)
    first = service.list_event_buses(scope=HERE, prefix="b-", limit=2)
    second = service.list_event_buses(scope=HERE, prefix="b-", limit=2, token=first.next_token)
    assert [bus.name for bus in first.items + second.items] == ["b-1", "b-2", "b-3"]
    assert [bus.name for bus in service.list_event_buses(scope=HERE).items] == ["a-1", "b-1", "b-2", "b-3", "default"]
