"""The rule book: PutRule's checks and replace-but-keep-targets, enable/disable/delete, the schedule
watcher, durability, tags, and matching through the pattern index with many rules."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.events import EventsService
from triggerfish.services.events.buses import BusRegistry
from triggerfish.services.events.errors import (
    InvalidEventPattern,
    LimitExceeded,
    ResourceNotFound,
    ValidationException,
)
from triggerfish.services.events.models import Location, Rule, RuleState
from triggerfish.services.events.naming import BusRef, parse_rule_arn
from triggerfish.services.events.rules import RuleBook
from triggerfish.services.events.tags import ResourceTags
from triggerfish.services.ticker import Ticker
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

DEFAULT = BusRef("000000000000", "us-east-1", "default")
ORDERS = BusRef("000000000000", "us-east-1", "orders")
PATTERN = json.dumps({"source": ["shop"]})
QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"


def event(source: str = "shop", **detail: object) -> dict[str, object]:
    return {"source": source, "detail-type": "order", "detail": detail}


class Watcher:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def changed(self, rule: Rule) -> None:
        self.calls.append(("changed", rule.name))

    async def removed(self, rule_arn: str) -> None:
        self.calls.append(("removed", rule_arn.rsplit("/", 1)[-1]))


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def book(store: Store) -> RuleBook:
    rules = RuleBook(store.documents, VirtualClock(), max_rules_per_bus=3)
    await rules.start()
    return rules


async def test_a_rule_and_its_arn(book: RuleBook) -> None:
    rule = await book.put(DEFAULT, "r1", event_pattern=PATTERN, description="d")
    assert rule.arn == "arn:aws:events:us-east-1:000000000000:rule/r1"
    assert (rule.state, rule.created_by, rule.description) == (RuleState.ENABLED, "000000000000", "d")
    custom = await book.put(ORDERS, "r1", event_pattern=PATTERN)
    assert custom.arn == "arn:aws:events:us-east-1:000000000000:rule/orders/r1"
    assert parse_rule_arn(custom.arn) == (ORDERS, "r1")
    assert parse_rule_arn(rule.arn) == (DEFAULT, "r1")
    assert book.get(custom.arn) == custom
    assert book.require(DEFAULT, "r1") == rule


async def test_put_rule_refusals(book: RuleBook) -> None:
    with pytest.raises(ValidationException, match=r"^Parameter\(s\) EventPattern or ScheduleExpression must be"):
        await book.put(DEFAULT, "r1")
    with pytest.raises(ValidationException, match=r"^ScheduleExpression is supported only on the default event bus\.$"):
        await book.put(ORDERS, "r1", schedule_expression="rate(5 minutes)")
    for bad in ("rate(1 hours)", "cron(0 1 * * * *)", "cron(INVALID)", "at(2030-01-01T00:00:00)"):
        with pytest.raises(ValidationException, match=r"^Parameter ScheduleExpression is not valid\.$"):
            await book.put(DEFAULT, "r1", schedule_expression=bad)
    with pytest.raises(InvalidEventPattern, match=r"^Event pattern is not valid\. Reason: "):
        await book.put(DEFAULT, "r1", event_pattern='{"source": "shop"}')
    with pytest.raises(ValidationException) as bad_name:
        await book.put(DEFAULT, "bad/name", event_pattern=PATTERN)
    assert bad_name.value.message == (
        "1 validation error detected: Value 'bad/name' at 'name' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+"
    )
    with pytest.raises(ValidationException, match="Member must have length less than or equal to 64"):
        await book.put(DEFAULT, "r" * 65, event_pattern=PATTERN)
    assert book.on_bus(DEFAULT) == []


async def test_rules_per_bus_are_limited(book: RuleBook) -> None:
    for name in ("a", "b", "c"):
        await book.put(ORDERS, name, event_pattern=PATTERN)
    with pytest.raises(LimitExceeded, match=r"^The requested resource exceeds the maximum number allowed\.$"):
        await book.put(ORDERS, "d", event_pattern=PATTERN)
    await book.put(ORDERS, "a", event_pattern=PATTERN, description="replacing one is fine")
    await book.put(DEFAULT, "d", event_pattern=PATTERN)


async def test_put_rule_replaces_settings_but_keeps_targets_and_tags(book: RuleBook) -> None:
    first = await book.put(DEFAULT, "r1", event_pattern=PATTERN, description="d", tags={"a": "1"})
    await book.put_targets(DEFAULT, "r1", [{"Id": "t1", "Arn": QUEUE}])
    await book.set_state(DEFAULT, "r1", RuleState.DISABLED)
    second = await book.put(DEFAULT, "r1", schedule_expression="rate(5 minutes)", tags={"b": "2"})
    # what PutRule leaves out is reset, as AWS replaces the whole rule (§4.4)
    assert (second.event_pattern, second.description, second.state) == (None, None, RuleState.ENABLED)
    assert [t.id for t in second.targets] == ["t1"]
    assert dict(second.tags) == {"a": "1", "b": "2"}
    assert second.created_at == first.created_at


async def test_lists_are_by_name(book: RuleBook) -> None:
    for name in ("b", "a", "c"):
        await book.put(DEFAULT, name, event_pattern=PATTERN)
    assert [rule.name for rule in book.on_bus(DEFAULT)] == ["a", "b", "c"]
    assert book.on_bus(ORDERS) == []


async def test_enabled_rules_match_and_disabled_ones_do_not(book: RuleBook) -> None:
    await book.put(DEFAULT, "shop", event_pattern=PATTERN)
    await book.put(DEFAULT, "big", event_pattern=json.dumps({"detail": {"total": [{"numeric": [">", 100]}]}}))
    await book.put(DEFAULT, "clock", schedule_expression="rate(1 minute)")
    bus = DEFAULT.arn
    assert [r.name for r in book.match(bus, event(total=500))] == ["big", "shop"]
    assert [r.name for r in book.match(bus, event("other", total=5))] == []
    await book.set_state(DEFAULT, "shop", RuleState.DISABLED)
    assert [r.name for r in book.match(bus, event(total=500))] == ["big"]
    await book.set_state(DEFAULT, "shop", RuleState.ENABLED)
    assert [r.name for r in book.match(bus, event())] == ["shop"]
    await book.put(DEFAULT, "shop", event_pattern=json.dumps({"source": ["elsewhere"]}))
    assert [r.name for r in book.match(bus, event())] == []
    assert book.match(ORDERS.arn, event()) == []


async def test_missing_rules_name_their_bus(book: RuleBook) -> None:
    with pytest.raises(ResourceNotFound, match=r"^Rule nope does not exist on EventBus default\.$"):
        book.require(DEFAULT, "nope")
    with pytest.raises(ResourceNotFound, match=r"^Rule nope does not exist on EventBus orders\.$"):
        await book.set_state(ORDERS, "nope", RuleState.DISABLED)


async def test_deleting_rules(book: RuleBook) -> None:
    await book.put(DEFAULT, "r1", event_pattern=PATTERN)
    await book.put_targets(DEFAULT, "r1", [{"Id": "t1", "Arn": QUEUE}])
    with pytest.raises(ValidationException, match=r"^Rule can't be deleted since it has targets\.$"):
        await book.delete(DEFAULT, "r1")
    await book.remove_targets(DEFAULT, "r1", ["t1"])
    await book.delete(DEFAULT, "r1")
    assert book.find(DEFAULT, "r1") is None
    assert book.match(DEFAULT.arn, event()) == []
    await book.delete(DEFAULT, "r1")  # deleting again succeeds (DeleteRule API reference)


async def test_deleting_a_bus_deletes_its_rules(book: RuleBook) -> None:
    await book.put(ORDERS, "a", event_pattern=PATTERN)
    await book.put_targets(ORDERS, "a", [{"Id": "t1", "Arn": QUEUE}])
    await book.put(DEFAULT, "a", event_pattern=PATTERN)
    await book.delete_bus(ORDERS)
    assert book.on_bus(ORDERS) == []
    assert [rule.name for rule in book.on_bus(DEFAULT)] == ["a"]


async def test_the_schedule_watcher_hears_of_every_schedule_change(book: RuleBook) -> None:
    watcher = Watcher()
    book.watch(watcher)
    await book.put(DEFAULT, "tick", schedule_expression="rate(5 minutes)")
    await book.put(DEFAULT, "plain", event_pattern=PATTERN)
    await book.set_state(DEFAULT, "tick", RuleState.DISABLED)
    await book.put_targets(DEFAULT, "tick", [{"Id": "t1", "Arn": QUEUE}])
    await book.remove_targets(DEFAULT, "tick", ["t1"])
    await book.put(DEFAULT, "tick", event_pattern=PATTERN)  # no schedule any more
    await book.put(DEFAULT, "tick2", schedule_expression="rate(1 hour)")
    await book.delete(DEFAULT, "tick2")
    assert watcher.calls == [
        ("changed", "tick"),
        ("changed", "tick"),
        ("changed", "tick"),
        ("changed", "tick"),
        ("removed", "tick"),
        ("changed", "tick2"),
        ("removed", "tick2"),
    ]
    assert [rule.name for rule in book.scheduled()] == []


async def test_rules_and_targets_survive_a_restart(tmp_path: Path) -> None:
    clock = VirtualClock()
    first = open_store(tmp_path)
    await first.open()
    book = RuleBook(first.documents, clock)
    await book.put(DEFAULT, "tick", schedule_expression="cron(0 12 * * ? *)", description="noon")
    await book.put(ORDERS, "shop", event_pattern=PATTERN, tags={"team": "a"}, role_arn="arn:aws:iam::0:role/r")
    spec = {"Id": "t1", "Arn": QUEUE, "InputPath": "$.detail", "RetryPolicy": {"MaximumRetryAttempts": 3}}
    await book.put_targets(ORDERS, "shop", [spec])
    await book.set_state(ORDERS, "shop", RuleState.DISABLED)
    before = {rule.arn: rule for rule in (book.require(DEFAULT, "tick"), book.require(ORDERS, "shop"))}
    await first.close()

    second = open_store(tmp_path)
    await second.open()
    reloaded = RuleBook(second.documents, clock)
    await reloaded.start()
    for arn, rule in before.items():
        assert reloaded.get(arn) == rule
    assert reloaded.require(ORDERS, "shop").targets[0].spec == spec
    assert [rule.name for rule in reloaded.scheduled()] == ["tick"]
    assert reloaded.match(ORDERS.arn, event()) == []  # still disabled
    await reloaded.set_state(ORDERS, "shop", RuleState.ENABLED)
    assert [rule.name for rule in reloaded.match(ORDERS.arn, event())] == ["shop"]
    await second.close()


async def test_matching_among_thousands_of_rules(store: Store) -> None:
    book = RuleBook(store.documents, VirtualClock(), max_rules_per_bus=5000)
    await book.start()
    for i in range(3000):
        pattern = {"source": [f"svc-{i % 100}"], "detail": {"customer": [f"c{i}"]}}
        await book.put(DEFAULT, f"r{i:04d}", event_pattern=json.dumps(pattern))
    await book.put(DEFAULT, "prefix", event_pattern=json.dumps({"detail": {"customer": [{"prefix": "c12"}]}}))
    await book.put(ORDERS, "elsewhere", event_pattern=json.dumps({"source": ["svc-12"]}))
    matched = book.match(DEFAULT.arn, {"source": "svc-12", "detail": {"customer": "c1212"}})
    assert [rule.name for rule in matched] == ["prefix", "r1212"]
    assert book.match(DEFAULT.arn, {"source": "svc-13", "detail": {"customer": "c1212"}})[0].name == "prefix"
    assert book.match(DEFAULT.arn, {"source": "svc-12", "detail": {"customer": "zzz"}}) == []


async def test_rule_tags_by_arn(book: RuleBook, store: Store) -> None:
    buses = BusRegistry(store.documents, VirtualClock())
    await buses.load()
    await buses.create(ORDERS)
    tags = ResourceTags(buses, book)
    rule = await book.put(ORDERS, "r1", event_pattern=PATTERN, tags={"a": "1"})
    await tags.tag(rule.arn, {"b": "2"})
    await tags.untag(rule.arn, ["a"])
    assert tags.list(rule.arn) == {"b": "2"}
    assert dict(book.require(ORDERS, "r1").tags) == {"b": "2"}
    with pytest.raises(ResourceNotFound, match=r"^Rule nope does not exist on EventBus orders\.$"):
        tags.list(ORDERS.rule_arn("nope"))
    with pytest.raises(ResourceNotFound, match=r"^Event bus gone does not exist\.$"):
        tags.list("arn:aws:events:us-east-1:000000000000:rule/gone/r1")


# -- through the service, with every part wired


class Queue:
    def __init__(self) -> None:
        self.bodies: list[dict[str, object]] = []

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.bodies.append(json.loads(delivery.body))

    def exists(self, arn: str) -> bool:
        return True


@dataclass
class Wired:
    service: EventsService
    clock: VirtualClock
    queue: Queue
    tracker: WorkTracker

    async def settle(self) -> None:
        """Wait until no work is in flight or due now (stores write on a thread of their own)."""
        for _ in range(2_000):
            due = self.tracker.next_due()
            if self.tracker.in_flight == 0 and (due is None or due > self.clock.now()):
                await asyncio.sleep(0)
                if self.tracker.in_flight == 0 and self.tracker.next_due() == due:
                    return
                continue
            await self.tracker.wait_changed(0.05)
        raise AssertionError("the service did not settle")


@pytest.fixture
async def wired(store: Store) -> AsyncIterator[Wired]:
    clock, tracker, deliveries, queue = VirtualClock(), WorkTracker(), DeliveryRegistry(), Queue()
    deliveries.register("sqs", queue)
    ticker = Ticker(clock, tracker)
    await ticker.start()
    service = EventsService(store.documents, clock, deliveries, tracker, ticker, store.pending("events"))
    await service.start()
    yield Wired(service, clock, queue, tracker)
    await service.close()
    await ticker.close()


HERE = Location()


async def test_rule_operations_need_the_bus(wired: Wired) -> None:
    with pytest.raises(ResourceNotFound, match=r"^Event bus orders does not exist\.$"):
        await wired.service.put_rule("r1", scope=HERE, event_bus_name="orders", event_pattern=PATTERN)
    with pytest.raises(ResourceNotFound, match=r"^Event bus orders does not exist\.$"):
        await wired.service.delete_rule("r1", scope=HERE, event_bus_name="orders")
    with pytest.raises(ResourceNotFound, match=r"^Rule r1 does not exist on EventBus default\.$"):
        wired.service.describe_rule("r1", scope=HERE)
    with pytest.raises(ValidationException, match="Member must satisfy enum value set"):
        await wired.service.put_rule("r1", scope=HERE, event_pattern=PATTERN, state="SLEEPING")


async def test_rules_listed_by_prefix_and_by_target(wired: Wired) -> None:
    service = wired.service
    for name in ("a1", "a2", "b1"):
        await service.put_rule(name, scope=HERE, event_pattern=PATTERN)
        if name != "a2":
            await service.put_targets(name, [{"Id": "q", "Arn": QUEUE}], scope=HERE)
    assert [r.name for r in service.list_rules(scope=HERE, prefix="a").items] == ["a1", "a2"]
    first = service.list_rule_names_by_target(QUEUE, scope=HERE, limit=1)
    second = service.list_rule_names_by_target(QUEUE, scope=HERE, limit=1, token=first.next_token)
    assert (first.items, second.items, second.next_token) == (["a1"], ["b1"], None)
    assert service.list_rule_names_by_target("arn:aws:sqs:us-east-1:000000000000:other", scope=HERE).items == []


async def test_target_input_is_checked_when_targets_are_put(wired: Wired) -> None:
    await wired.service.put_rule("r1", scope=HERE, event_pattern=PATTERN)
    both = {"Id": "t1", "Arn": QUEUE, "Input": "{}", "InputPath": "$.detail"}
    with pytest.raises(ValidationException, match=r"^Only one of Input, InputPath, or InputTransformer"):
        await wired.service.put_targets("r1", [both], scope=HERE)


async def test_schedules_follow_their_rules(wired: Wired) -> None:
    service, clock = wired.service, wired.clock
    rule = await service.put_rule("tick", scope=HERE, schedule_expression="rate(1 minute)")
    await service.put_targets("tick", [{"Id": "q", "Arn": QUEUE}], scope=HERE)
    assert service.scheduled.next_tick(rule.arn) is not None
    for _ in range(5):
        await clock.advance(25)
        await wired.settle()
    assert [body["detail-type"] for body in wired.queue.bodies] == ["Scheduled Event", "Scheduled Event"]
    await service.disable_rule("tick", scope=HERE)
    assert service.scheduled.next_tick(rule.arn) is None
    await service.enable_rule("tick", scope=HERE)
    assert service.scheduled.next_tick(rule.arn) is not None
    await service.remove_targets("tick", ["q"], scope=HERE)
    await service.delete_rule("tick", scope=HERE)
    assert service.scheduled.next_tick(rule.arn) is None


async def test_an_event_put_reaches_the_targets_of_matching_rules(wired: Wired) -> None:
    service = wired.service
    await service.put_rule("shop", scope=HERE, event_pattern=PATTERN)
    await service.put_targets("shop", [{"Id": "q", "Arn": QUEUE, "InputPath": "$.detail"}], scope=HERE)
    await service.put_rule("other", scope=HERE, event_pattern=json.dumps({"source": ["else"]}))
    await service.put_targets("other", [{"Id": "q", "Arn": QUEUE}], scope=HERE)
    result = await service.put_events(
        [{"Source": "shop", "DetailType": "d", "Detail": json.dumps({"n": 1})}], scope=HERE
    )
    assert result.failed_count == 0
    await wired.settle()
    assert wired.queue.bodies == [{"n": 1}]
