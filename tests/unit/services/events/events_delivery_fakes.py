"""Fakes and a rig for the EventBridge delivery tests: recording deliverers, a rule matcher, API
destinations, and a dispatcher over a real store on a virtual clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.patterns import compile_pattern
from triggerfish.core.payloads.eventbridge import eventbridge_event
from triggerfish.core.work import WorkTracker
from triggerfish.services.due_queue import DueQueue
from triggerfish.services.events.dispatch import InputRenderer, TargetDispatcher
from triggerfish.services.events.errors import TargetFailure
from triggerfish.services.events.models import Rule, RuleRef, RuleState, Target
from triggerfish.services.events.retry_policy import Jitter
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import AsyncEventStore, Store

ACCOUNT = "000000000000"
REGION = "us-east-1"
BUS_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:handler"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:target-queue"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:dead-letters"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:topic"
OTHER_BUS_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/other"
API_DESTINATION_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:api-destination/hook/7d3d0c9e-52ff-4d4d-8a63-8f0e1f1c7c11"

Behaviour = Callable[[str, Delivery], Awaitable[None]]


@dataclass
class Received:
    arn: str
    delivery: Delivery
    at: float


class RecordingDeliverer:
    """A ``Deliverer`` for one ARN service: records every delivery; ``fail`` scripts failures."""

    def __init__(self, clock: VirtualClock, existing: Iterable[str] = ()) -> None:
        self.clock = clock
        self.existing = set(existing)
        self.received: list[Received] = []
        self.attempts: list[Received] = []
        #: per ARN, exceptions to raise on the next attempts, in order
        self.failures: dict[str, list[BaseException]] = {}
        #: per ARN, an exception to raise on every attempt
        self.always: dict[str, BaseException] = {}
        #: per ARN, something to await before answering (to hold a delivery in flight)
        self.gates: dict[str, Callable[[], Awaitable[None]]] = {}

    def fail(self, arn: str, *errors: BaseException) -> None:
        self.failures.setdefault(arn, []).extend(errors)

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        attempt = Received(arn, delivery, self.clock.now())
        self.attempts.append(attempt)
        gate = self.gates.get(arn)
        if gate is not None:
            await gate()
        if arn in self.always:
            raise self.always[arn]
        queued = self.failures.get(arn)
        if queued:
            raise queued.pop(0)
        self.received.append(attempt)

    def exists(self, arn: str) -> bool:
        return arn in self.existing

    def to(self, arn: str) -> list[Received]:
        return [r for r in self.received if r.arn == arn]

    def tries(self, arn: str) -> list[Received]:
        return [r for r in self.attempts if r.arn == arn]


class FakeApiDestinations:
    def __init__(self, clock: VirtualClock, existing: Iterable[str] = ()) -> None:
        self.clock = clock
        self.existing = set(existing)
        self.calls: list[tuple[str, str, Mapping[str, Any] | None, float]] = []
        self.failures: list[TargetFailure] = []

    async def invoke(self, arn: str, body: str, http_parameters: Mapping[str, Any] | None) -> None:
        self.calls.append((arn, body, http_parameters, self.clock.now()))
        if self.failures:
            raise self.failures.pop(0)

    def exists(self, arn: str) -> bool:
        return arn in self.existing


class FakeRules:
    """A ``RuleMatcher`` over a list of rules, with real pattern matching."""

    def __init__(self, rules: Iterable[Rule] = ()) -> None:
        self.rules = list(rules)

    def match(self, bus_arn: str, event: Mapping[str, Any]) -> Sequence[Rule]:
        return [
            rule
            for rule in self.rules
            if rule.bus_arn == bus_arn
            and rule.state.enabled
            and rule.event_pattern is not None
            and compile_pattern(rule.event_pattern).matches(event)
        ]


class FakeArchives:
    def __init__(self) -> None:
        self.recorded: list[tuple[str, Mapping[str, Any]]] = []

    async def record(self, bus_arn: str, event: Mapping[str, Any]) -> None:
        self.recorded.append((bus_arn, event))


def make_event(
    source: str = "shop", detail: Mapping[str, Any] | None = None, *, time: float = 1_700_000_000.0
) -> dict[str, Any]:
    event = eventbridge_event(
        event_id="6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        source=source,
        detail_type="Order Placed",
        detail=detail or {"order": 42},
        account=ACCOUNT,
        region=REGION,
        time=time,
    )
    return dict(event)


def make_target(arn: str, target_id: str = "t1", /, **spec: Any) -> Target:
    return Target(target_id, arn, {"Id": target_id, "Arn": arn, **spec})


def make_rule(
    name: str = "orders", *targets: Target, pattern: str | None = '{"source": ["shop"]}', **fields: Any
) -> Rule:
    return Rule(name, "default", ACCOUNT, REGION, event_pattern=pattern, targets=targets, **fields)


def rule_ref(rule: Rule | None = None) -> RuleRef:
    return RuleRef.of(rule or make_rule())


@dataclass
class Rig:
    """A dispatcher over the store's ``events`` retry queue, recording deliverers for Lambda, SQS and
    SNS, and fake API destinations, on a virtual clock."""

    store: Store
    clock: VirtualClock = field(default_factory=VirtualClock)
    tracker: WorkTracker = field(default_factory=WorkTracker)
    render: InputRenderer | None = None
    jitter: Jitter | None = None
    base_delay: float = 1.0

    def __post_init__(self) -> None:
        self.deliveries = DeliveryRegistry()
        self.targets = RecordingDeliverer(self.clock, [FUNCTION_ARN, QUEUE_ARN, DLQ_ARN, TOPIC_ARN])
        for service in ("lambda", "sqs", "sns"):
            self.deliveries.register(service, self.targets)
        self.api = FakeApiDestinations(self.clock, [API_DESTINATION_ARN])
        self.queue = DueQueue(self.pending, self.clock, self.tracker)
        extra: dict[str, Any] = {} if self.jitter is None else {"jitter": self.jitter}
        self.dispatcher = TargetDispatcher(
            self.deliveries,
            self.queue,
            self.clock,
            self.api,
            retry_base_delay=self.base_delay,
            render=self.render,
            **extra,
        )

    @property
    def pending(self) -> AsyncEventStore:
        return self.store.pending("events")

    @classmethod
    async def open(cls, path: Path | None = None, **options: Any) -> Rig:
        store = open_store(path)
        await store.open()
        rig = cls(store, **options)
        await rig.dispatcher.start()
        return rig

    async def close(self, *, store: bool = True) -> None:
        await self.dispatcher.close()
        if store:
            await self.store.close()

    async def settle(self) -> None:
        await settle(self.tracker, self.clock)

    async def run(self, *, until: float | None = None, steps: int = 10_000) -> None:
        """Settle, then jump to each next wake-up (up to ``until``) and settle again."""
        for _ in range(steps):
            await self.settle()
            wakeup = self.clock.next_wakeup()
            if wakeup is None or (until is not None and wakeup > until):
                break
            await self.clock.set(wakeup)
        await self.settle()

    async def queued(self) -> int:
        return await self.pending.count()


async def settle(tracker: WorkTracker, clock: VirtualClock, timeout: float = 20.0) -> None:
    """Wait (in real time: the store answers from its own thread) until nothing is in flight and
    nothing is due at the virtual now."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    quiet = 0
    while quiet < 3:
        due = tracker.next_due()
        if tracker.in_flight == 0 and (due is None or due > clock.now()):
            quiet += 1
            await asyncio.sleep(0)
            continue
        quiet = 0
        if loop.time() > deadline:
            raise AssertionError(f"did not settle: in flight {tracker.in_flight}, next due {due}")
        await tracker.wait_changed(0.01)


def attributes(delivery: Delivery) -> dict[str, tuple[str, str | None]]:
    return {name: (value.data_type, value.string_value) for name, value in delivery.attributes.items()}


def with_state(rule: Rule, state: RuleState) -> Rule:
    return replace(rule, state=state)
