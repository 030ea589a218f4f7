"""EventRouter: archives, rule matching and concurrent sends to every target of every matched rule."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import orjson
import pytest
from events_delivery_fakes import (
    BUS_ARN,
    FUNCTION_ARN,
    QUEUE_ARN,
    TOPIC_ARN,
    FakeArchives,
    FakeRules,
    Rig,
    make_event,
    make_rule,
    make_target,
    with_state,
)

from triggerfish.core.delivery import DeliveryFailed
from triggerfish.core.errors import TooManyRequests
from triggerfish.services.events.models import RuleState
from triggerfish.services.events.routing import EventRouter


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    opened = await Rig.open()
    yield opened
    await opened.close()


def router(rig: Rig, rules: FakeRules, archives: FakeArchives | None = None) -> EventRouter:
    return EventRouter(rules, rig.dispatcher, archives)


async def test_every_target_of_every_matching_rule_gets_the_event(rig: Rig) -> None:
    rules = FakeRules(
        [
            make_rule("a", make_target(FUNCTION_ARN, "fn"), make_target(QUEUE_ARN, "q")),
            make_rule("b", make_target(TOPIC_ARN, "topic")),
            make_rule("other-source", make_target(FUNCTION_ARN, "x"), pattern='{"source": ["billing"]}'),
            with_state(make_rule("disabled", make_target(FUNCTION_ARN, "y")), RuleState.DISABLED),
        ]
    )
    event = make_event()
    await router(rig, rules).route(BUS_ARN, event, ingestion_time=rig.clock.now())

    assert [r.arn for r in rig.targets.received] == [FUNCTION_ARN, QUEUE_ARN, TOPIC_ARN]
    assert all(orjson.loads(r.delivery.body) == event for r in rig.targets.received)


async def test_the_sends_run_concurrently(rig: Rig) -> None:
    # the Lambda target answers only once the queue target has been called: one after the other
    # would never finish
    queue_called = asyncio.Event()

    async def wait_for_queue() -> None:
        await queue_called.wait()

    async def mark_queue() -> None:
        queue_called.set()

    rig.targets.gates[FUNCTION_ARN] = wait_for_queue
    rig.targets.gates[QUEUE_ARN] = mark_queue
    rules = FakeRules([make_rule("a", make_target(FUNCTION_ARN, "fn"), make_target(QUEUE_ARN, "q"))])

    await asyncio.wait_for(router(rig, rules).route(BUS_ARN, make_event(), ingestion_time=rig.clock.now()), 10)

    assert {r.arn for r in rig.targets.received} == {FUNCTION_ARN, QUEUE_ARN}


async def test_route_returns_once_each_send_is_durable(rig: Rig) -> None:
    failed = DeliveryFailed("Rate Exceeded.")
    failed.__cause__ = TooManyRequests("Rate Exceeded.")
    rig.targets.fail(QUEUE_ARN, failed)
    rules = FakeRules([make_rule("a", make_target(FUNCTION_ARN, "fn"), make_target(QUEUE_ARN, "q"))])

    await router(rig, rules).route(BUS_ARN, make_event(), ingestion_time=rig.clock.now())

    assert [r.arn for r in rig.targets.received] == [FUNCTION_ARN]
    assert await rig.queued() == 1  # the queue target's retry is stored


async def test_events_are_archived_but_replays_are_not(rig: Rig) -> None:
    archives = FakeArchives()
    rules = FakeRules([make_rule("a", make_target(FUNCTION_ARN))])
    live = make_event()
    await router(rig, rules, archives).route(BUS_ARN, live, ingestion_time=rig.clock.now())
    replayed = {**live, "replay-name": "again"}
    await router(rig, rules, archives).route(BUS_ARN, replayed, ingestion_time=rig.clock.now(), replay_name="again")

    assert archives.recorded == [(BUS_ARN, live)]
    assert len(rig.targets.to(FUNCTION_ARN)) == 2  # the replay is still matched and delivered


async def test_events_are_archived_even_when_no_rule_matches(rig: Rig) -> None:
    archives = FakeArchives()
    await router(rig, FakeRules(), archives).route(BUS_ARN, make_event(), ingestion_time=rig.clock.now())

    assert len(archives.recorded) == 1
    assert rig.targets.received == []


async def test_a_replay_goes_only_to_the_rules_it_names(rig: Rig) -> None:
    chosen = make_rule("chosen", make_target(FUNCTION_ARN))
    rules = FakeRules([chosen, make_rule("skipped", make_target(QUEUE_ARN))])
    event = {**make_event(), "replay-name": "r"}

    await router(rig, rules).route(
        BUS_ARN, event, ingestion_time=rig.clock.now(), replay_name="r", only_rules=frozenset({chosen.arn})
    )

    assert [r.arn for r in rig.targets.received] == [FUNCTION_ARN]
    assert orjson.loads(rig.targets.received[0].delivery.body)["replay-name"] == "r"


async def test_rules_of_other_buses_are_not_matched(rig: Rig) -> None:
    rules = FakeRules([make_rule("a", make_target(FUNCTION_ARN))])
    other = BUS_ARN.replace("default", "other")

    await router(rig, rules).route(other, make_event(), ingestion_time=rig.clock.now())

    assert rig.targets.received == []


async def test_a_send_that_cannot_be_stored_fails_the_route_after_the_others_finish(rig: Rig) -> None:
    class BrokenArchive:
        async def record(self, bus_arn: str, event: object) -> None:
            raise OSError("disk full")

    rules = FakeRules([make_rule("a", make_target(FUNCTION_ARN))])
    with pytest.raises(OSError, match="disk full"):
        await EventRouter(rules, rig.dispatcher, BrokenArchive()).route(
            BUS_ARN, make_event(), ingestion_time=rig.clock.now()
        )

    assert len(rig.targets.to(FUNCTION_ARN)) == 1
