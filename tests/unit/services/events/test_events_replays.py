"""EventBridge replays: the StartReplay checks and their AWS messages, the time window and filter ARNs,
the states a replay goes through, cancelling, failing, listing, and carrying on after a restart on a
file-backed store. The sink is a recording fake that can be held shut to catch a replay mid-way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.events.archive_models import REPLAY_NAME
from triggerfish.services.events.archives import Archives
from triggerfish.services.events.errors import (
    IllegalStatus,
    ResourceAlreadyExists,
    ResourceNotFound,
    ValidationException,
)
from triggerfish.services.events.models import Location
from triggerfish.services.events.replays import Replays
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

HERE = Location()
ACCOUNT, REGION = HERE.account, HERE.region
DEFAULT_BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
ORDERS_BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/orders"
ARCHIVE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:archive/main"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/my-rule"
T0 = datetime(2023, 6, 1, 12, 0, 0, tzinfo=UTC)
BUSES = frozenset({DEFAULT_BUS, ORDERS_BUS})


def make_event(n: int, at: datetime) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "detail-type": "thing happened",
        "source": "app",
        "account": ACCOUNT,
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": ["arn:aws:s3:::bucket"],
        "detail": {"n": n},
    }


class Sink:
    """Records what a replay sends; ``hold()`` makes the next sends wait until ``release()``."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any], frozenset[str] | None]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.waiting = asyncio.Event()
        self.failure: Exception | None = None
        #: hold shut once this many events have been sent
        self.hold_after: int | None = None

    async def __call__(self, bus: str, event: dict[str, Any], filters: frozenset[str] | None) -> None:
        if not self.gate.is_set():
            self.waiting.set()
            await self.gate.wait()
        if self.failure is not None:
            raise self.failure
        self.sent.append((bus, event, filters))
        if len(self.sent) == self.hold_after:
            self.hold()

    def numbers(self) -> list[int]:
        return [event["detail"]["n"] for _, event, _ in self.sent]

    def hold(self) -> None:
        self.gate.clear()
        self.waiting.clear()

    def release(self) -> None:
        self.gate.set()


class Rig:
    def __init__(self, store: Store, clock: VirtualClock) -> None:
        self.store = store
        self.clock = clock
        self.tracker = WorkTracker()
        self.sink = Sink()
        self.archives = Archives(store.documents, clock, bus_exists=BUSES.__contains__)
        self.replays = Replays(store.documents, clock, self.tracker, self.archives, self.sink, BUSES.__contains__)

    async def start(self) -> None:
        await self.archives.start()
        await self.replays.start()

    async def close(self) -> None:
        await self.replays.close()
        await self.archives.close()

    async def settle(self) -> None:
        async def settled() -> None:
            while self.tracker.in_flight:
                await self.tracker.wait_changed(1.0)

        await asyncio.wait_for(settled(), 30)

    async def fill(self, count: int = 5, *, bus: str = DEFAULT_BUS) -> None:
        """An archive ``main`` on ``bus`` with ``count`` events a minute apart from T0."""
        await self.archives.create({"ArchiveName": "main", "EventSourceArn": bus}, scope=HERE)
        for n in range(count):
            await self.archives.record(bus, make_event(n, T0 + timedelta(minutes=n)))

    async def start_replay(self, name: str = "r1", **fields: Any) -> dict[str, Any]:
        request: dict[str, Any] = {
            "ReplayName": name,
            "EventSourceArn": ARCHIVE_ARN,
            "EventStartTime": T0,
            "EventEndTime": T0 + timedelta(hours=1),
            "Destination": {"Arn": DEFAULT_BUS},
            **fields,
        }
        return dict(await self.replays.start(request, scope=HERE))


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(start=(T0 + timedelta(days=1)).timestamp())


@pytest.fixture
async def rig(clock: VirtualClock) -> AsyncIterator[Rig]:
    store = open_store(None)
    await store.open()
    made = Rig(store, clock)
    await made.start()
    yield made
    await made.close()
    await store.close()


# --- running a replay -----------------------------------------------------------------------------


async def test_a_replay_starts_then_sends_every_event_of_its_window_and_completes(
    rig: Rig, clock: VirtualClock
) -> None:
    await rig.fill(5)
    started = await rig.start_replay(
        EventStartTime=T0 + timedelta(minutes=1), EventEndTime=T0 + timedelta(minutes=4), Description="again"
    )
    assert started == {
        "ReplayArn": f"arn:aws:events:{REGION}:{ACCOUNT}:replay/r1",
        "State": "STARTING",
        "ReplayStartTime": datetime.fromtimestamp(clock.now(), UTC),
    }
    assert rig.tracker.in_flight == 1  # held from the moment it is accepted
    await rig.settle()
    assert rig.sink.numbers() == [1, 2, 3]  # the start is in the window, the end is not
    described = await rig.replays.describe("r1", scope=HERE)
    assert described == {
        "ReplayName": "r1",
        "ReplayArn": f"arn:aws:events:{REGION}:{ACCOUNT}:replay/r1",
        "Description": "again",
        "State": "COMPLETED",
        "EventSourceArn": ARCHIVE_ARN,
        "Destination": {"Arn": DEFAULT_BUS},
        "EventStartTime": T0 + timedelta(minutes=1),
        "EventEndTime": T0 + timedelta(minutes=4),
        "EventLastReplayedTime": T0 + timedelta(minutes=3),
        "ReplayStartTime": datetime.fromtimestamp(clock.now(), UTC),
        "ReplayEndTime": datetime.fromtimestamp(clock.now(), UTC),
    }


async def test_replayed_events_carry_replay_name_before_resources_and_go_to_the_bus(rig: Rig) -> None:
    await rig.fill(1)
    await rig.start_replay("again")
    await rig.settle()
    [(bus, event, filters)] = rig.sink.sent
    assert bus == DEFAULT_BUS and filters is None
    original = make_event(0, T0)
    assert list(event) == [
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        REPLAY_NAME,
        "resources",
        "detail",
    ]
    assert event == {**original, REPLAY_NAME: "again"}


async def test_filter_arns_limit_the_rules_the_events_go_to(rig: Rig) -> None:
    await rig.fill(2)
    other_rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/second"
    await rig.start_replay(Destination={"Arn": DEFAULT_BUS, "FilterArns": [RULE_ARN, other_rule]})
    await rig.settle()
    assert {filters for _, _, filters in rig.sink.sent} == {frozenset({RULE_ARN, other_rule})}
    described = await rig.replays.describe("r1", scope=HERE)
    assert described["Destination"] == {"Arn": DEFAULT_BUS, "FilterArns": [RULE_ARN, other_rule]}


async def test_rules_of_a_custom_bus_are_named_with_the_bus(rig: Rig) -> None:
    await rig.fill(1, bus=ORDERS_BUS)
    rule = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/orders/on-order"
    await rig.start_replay(Destination={"Arn": ORDERS_BUS, "FilterArns": [rule]})
    await rig.settle()
    assert rig.sink.sent == [(ORDERS_BUS, {**make_event(0, T0), REPLAY_NAME: "r1"}, frozenset({rule}))]
    with pytest.raises(ValidationException, match=r"^Parameter Destination\.FilterArns is not valid\. Reason: "):
        await rig.start_replay("r2", Destination={"Arn": ORDERS_BUS, "FilterArns": [RULE_ARN]})


async def test_a_window_without_events_completes_without_a_last_replayed_time(rig: Rig) -> None:
    await rig.fill(2)
    await rig.start_replay(EventStartTime=T0 - timedelta(days=3), EventEndTime=T0 - timedelta(days=2))
    await rig.settle()
    described = await rig.replays.describe("r1", scope=HERE)
    assert described["State"] == "COMPLETED" and "EventLastReplayedTime" not in described
    assert rig.sink.sent == []


async def test_an_end_in_the_future_is_accepted(rig: Rig, clock: VirtualClock) -> None:
    await rig.fill(2)
    now = datetime.fromtimestamp(clock.now(), UTC)
    await rig.start_replay(EventStartTime=T0, EventEndTime=now + timedelta(minutes=1))
    await rig.settle()
    assert rig.sink.numbers() == [0, 1]


async def test_events_past_retention_are_not_replayed(rig: Rig, clock: VirtualClock) -> None:
    await rig.archives.create({"ArchiveName": "main", "EventSourceArn": DEFAULT_BUS, "RetentionDays": 1}, scope=HERE)
    await rig.archives.record(DEFAULT_BUS, make_event(0, T0))
    await clock.advance(2 * 86_400)
    await rig.archives.record(DEFAULT_BUS, make_event(1, T0 + timedelta(minutes=1)))
    await rig.start_replay()
    await rig.settle()
    assert rig.sink.numbers() == [1]


async def test_a_failing_sink_fails_the_replay_with_a_reason(rig: Rig) -> None:
    await rig.fill(2)
    rig.sink.failure = ResourceNotFound("Event bus default does not exist.")
    await rig.start_replay()
    await rig.settle()
    described = await rig.replays.describe("r1", scope=HERE)
    assert (described["State"], described["StateReason"]) == ("FAILED", "Event bus default does not exist.")
    assert "ReplayEndTime" in described


async def test_a_replay_whose_archive_is_deleted_mid_way_fails(rig: Rig) -> None:
    await rig.fill(5)
    rig.sink.hold()
    await rig.start_replay()
    await asyncio.wait_for(rig.sink.waiting.wait(), 10)
    await rig.archives.delete("main", scope=HERE)
    rig.sink.release()
    await rig.settle()
    assert rig.sink.numbers() == [0]  # the event being sent goes; the rest went with the archive
    described = await rig.replays.describe("r1", scope=HERE)
    assert (described["State"], described["StateReason"]) == ("FAILED", "Archive main does not exist.")


# --- cancelling -----------------------------------------------------------------------------------


async def test_cancel_stops_between_events_and_ends_cancelled(rig: Rig) -> None:
    await rig.fill(5)
    rig.sink.hold()
    await rig.start_replay()
    await asyncio.wait_for(rig.sink.waiting.wait(), 10)
    assert (await rig.replays.describe("r1", scope=HERE))["State"] == "RUNNING"
    cancelled = await rig.replays.cancel("r1", scope=HERE)
    assert cancelled == {"ReplayArn": f"arn:aws:events:{REGION}:{ACCOUNT}:replay/r1", "State": "CANCELLING"}
    assert (await rig.replays.describe("r1", scope=HERE))["State"] == "CANCELLING"
    rig.sink.release()
    await rig.settle()
    assert rig.sink.numbers() == [0]  # the event being sent finishes; no other starts
    described = await rig.replays.describe("r1", scope=HERE)
    assert described["State"] == "CANCELLED" and "ReplayEndTime" in described
    with pytest.raises(IllegalStatus) as again:
        await rig.replays.cancel("r1", scope=HERE)
    assert again.value.message == "Replay r1 is not in a valid state for this operation."


async def test_cancel_before_the_first_event_sends_nothing(rig: Rig) -> None:
    await rig.fill(3)
    await rig.start_replay()
    assert (await rig.replays.cancel("r1", scope=HERE))["State"] == "CANCELLING"
    await rig.settle()
    assert rig.sink.sent == []
    assert (await rig.replays.describe("r1", scope=HERE))["State"] == "CANCELLED"


async def test_a_finished_replay_cannot_be_cancelled(rig: Rig) -> None:
    await rig.fill(1)
    await rig.start_replay()
    await rig.settle()
    with pytest.raises(IllegalStatus, match=r"^Replay r1 is not in a valid state for this operation\.$"):
        await rig.replays.cancel("r1", scope=HERE)
    with pytest.raises(ResourceNotFound, match=r"^Replay ghost does not exist\.$"):
        await rig.replays.cancel("ghost", scope=HERE)


# --- StartReplay's checks -------------------------------------------------------------------------


async def test_start_replay_errors_use_aws_messages(rig: Rig) -> None:
    await rig.fill(1)
    await rig.archives.create({"ArchiveName": "orders", "EventSourceArn": ORDERS_BUS}, scope=HERE)
    for end in (T0, T0 - timedelta(seconds=10)):
        with pytest.raises(ValidationException) as window:
            await rig.start_replay(EventEndTime=end)
        assert window.value.message == (
            "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime."
        )
    with pytest.raises(ValidationException) as no_archive:
        await rig.start_replay(EventSourceArn=f"arn:aws:events:{REGION}:{ACCOUNT}:archive/ghost")
    assert no_archive.value.message == "Parameter EventSourceArn is not valid. Reason: Archive ghost does not exist."
    with pytest.raises(ResourceNotFound, match=r"^Event bus nope does not exist\.$"):
        await rig.start_replay(Destination={"Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/nope"})
    with pytest.raises(ValidationException) as cross:
        await rig.start_replay(Destination={"Arn": ORDERS_BUS})
    assert (
        cross.value.message
        == "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted."
    )
    with pytest.raises(ValidationException, match=r"^Parameter Destination\.FilterArns is not valid\. Reason: "):
        await rig.start_replay(Destination={"Arn": DEFAULT_BUS, "FilterArns": ["arn:aws:sqs:us-east-1:000000000000:q"]})
    with pytest.raises(ValidationException, match="Value null at 'destination'"):
        await rig.replays.start(
            {"ReplayName": "x", "EventSourceArn": ARCHIVE_ARN, "EventStartTime": T0, "EventEndTime": T0},
            scope=HERE,
        )
    with pytest.raises(ValidationException, match="Member must have length less than or equal to 64"):
        await rig.start_replay("r" * 65)
    assert rig.sink.sent == [] and rig.tracker.in_flight == 0
    with pytest.raises(ResourceNotFound):
        await rig.replays.describe("r1", scope=HERE)  # nothing was started by a rejected call


async def test_replay_names_stay_taken_after_the_replay_finishes(rig: Rig) -> None:
    await rig.fill(1)
    await rig.start_replay()
    with pytest.raises(ResourceAlreadyExists, match=r"^Replay r1 already exists\.$"):
        await rig.start_replay()
    await rig.settle()
    with pytest.raises(ResourceAlreadyExists, match=r"^Replay r1 already exists\.$"):
        await rig.start_replay()


async def test_epoch_seconds_are_accepted_from_python_callers(rig: Rig) -> None:
    await rig.fill(3)
    await rig.start_replay(EventStartTime=T0.timestamp(), EventEndTime=(T0 + timedelta(minutes=2)).timestamp())
    await rig.settle()
    assert rig.sink.numbers() == [0, 1]


# --- reading --------------------------------------------------------------------------------------


async def test_list_replays_filters_one_at_a_time_and_pages(rig: Rig) -> None:
    await rig.fill(1)
    await rig.archives.create({"ArchiveName": "other", "EventSourceArn": DEFAULT_BUS}, scope=HERE)
    for name in ("b-2", "a-1", "b-1"):
        await rig.start_replay(name)
    await rig.start_replay("c-1", EventSourceArn=f"arn:aws:events:{REGION}:{ACCOUNT}:archive/other")
    await rig.settle()
    rig.sink.hold()
    await rig.start_replay("d-running")
    await asyncio.wait_for(rig.sink.waiting.wait(), 10)

    async def names(**fields: Any) -> list[str]:
        return [entry["ReplayName"] for entry in (await rig.replays.list(fields, scope=HERE))["Replays"]]

    assert await names() == ["a-1", "b-1", "b-2", "c-1", "d-running"]
    assert await names(NamePrefix="b-") == ["b-1", "b-2"]
    assert await names(State="RUNNING") == ["d-running"]
    assert await names(State="COMPLETED") == ["a-1", "b-1", "b-2", "c-1"]
    assert await names(EventSourceArn=f"arn:aws:events:{REGION}:{ACCOUNT}:archive/other") == ["c-1"]
    first = await rig.replays.list({"Limit": 3}, scope=HERE)
    assert [entry["ReplayName"] for entry in first["Replays"]] == ["a-1", "b-1", "b-2"]
    rest = await rig.replays.list({"Limit": 3, "NextToken": first["NextToken"]}, scope=HERE)
    assert [entry["ReplayName"] for entry in rest["Replays"]] == ["c-1", "d-running"] and "NextToken" not in rest
    entry = (await rig.replays.list({"NamePrefix": "a-1"}, scope=HERE))["Replays"][0]
    assert set(entry) == {
        "ReplayName",
        "EventSourceArn",
        "State",
        "EventStartTime",
        "EventEndTime",
        "EventLastReplayedTime",
        "ReplayStartTime",
        "ReplayEndTime",
    }
    with pytest.raises(ValidationException) as both:
        await rig.replays.list({"NamePrefix": "a", "State": "RUNNING"}, scope=HERE)
    assert both.value.message == (
        "At most one filter is allowed for ListReplays. Use either : State, EventSourceArn, or NamePrefix."
    )
    assert await names() == ["a-1", "b-1", "b-2", "c-1", "d-running"]
    assert (await rig.replays.list({}, scope=Location(region="eu-west-1")))["Replays"] == []
    rig.sink.release()


async def test_describe_of_an_unknown_replay_is_not_found(rig: Rig) -> None:
    with pytest.raises(ResourceNotFound, match=r"^Replay ghost does not exist\.$"):
        await rig.replays.describe("ghost", scope=HERE)


# --- restarts -------------------------------------------------------------------------------------


async def test_a_running_replay_resumes_after_a_restart_without_repeating_events(
    tmp_path: Path, clock: VirtualClock
) -> None:
    store = open_store(tmp_path)
    await store.open()
    first = Rig(store, clock)
    await first.start()
    await first.fill(5)
    # two events go through, then the server stops while the third is being sent
    first.sink.hold_after = 2
    await first.start_replay()
    await asyncio.wait_for(first.sink.waiting.wait(), 10)
    await first.close()
    await store.close()
    assert first.sink.numbers() == [0, 1]

    store = open_store(tmp_path)
    await store.open()
    second = Rig(store, clock)
    journalled = await second.replays.describe("r1", scope=HERE)
    assert journalled["State"] == "RUNNING"
    assert journalled["EventLastReplayedTime"] == T0 + timedelta(minutes=1)
    await second.start()
    await second.settle()
    assert second.sink.numbers() == [2, 3, 4]
    assert (await second.replays.describe("r1", scope=HERE))["State"] == "COMPLETED"
    await second.close()
    await store.close()


async def test_a_cancelling_replay_ends_cancelled_after_a_restart(tmp_path: Path, clock: VirtualClock) -> None:
    store = open_store(tmp_path)
    await store.open()
    first = Rig(store, clock)
    await first.start()
    await first.fill(3)
    first.sink.hold()
    await first.start_replay()
    await asyncio.wait_for(first.sink.waiting.wait(), 10)
    await first.replays.cancel("r1", scope=HERE)
    await first.close()
    await store.close()

    store = open_store(tmp_path)
    await store.open()
    second = Rig(store, clock)
    await second.start()
    await second.settle()
    described = await second.replays.describe("r1", scope=HERE)
    assert described["State"] == "CANCELLED" and "ReplayEndTime" in described
    assert second.sink.sent == []
    await second.close()
    await store.close()
