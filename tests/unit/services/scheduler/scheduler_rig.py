"""The Scheduler service on the virtual clock with every target recorded: the rig of the tests beside this file."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.service import Scope
from triggerfish.services.scheduler import SchedulerService
from triggerfish.services.ticker import Ticker
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

SCOPE = Scope(DEFAULT_ACCOUNT, DEFAULT_REGION)
ROLE = "arn:aws:iam::000000000000:role/scheduler"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:work"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:work"
DLQ = "arn:aws:sqs:us-east-1:000000000000:dead"
BUS = "arn:aws:events:us-east-1:000000000000:event-bus/default"
TOPIC = "arn:aws:sns:us-east-1:000000000000:news"
#: 2024-03-01T00:00:00Z
START = dt.datetime(2024, 3, 1, tzinfo=dt.UTC).timestamp()


def at(text: str) -> float:
    """Epoch seconds of a UTC ISO time such as ``2024-03-10T07:30:00``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def iso(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class Received:
    arn: str
    delivery: Delivery
    at: float

    @property
    def body(self) -> Any:
        return json.loads(self.delivery.body)

    def attribute(self, name: str) -> str | None:
        found = self.delivery.attributes.get(name)
        return None if found is None else found.string_value


@dataclass
class Recorder:
    """Every target at once: records deliveries; ARNs in ``missing`` do not exist; ``failures`` maps
    an ARN to the errors its next deliveries raise, one each."""

    clock: VirtualClock
    received: list[Received] = field(default_factory=list)
    #: every delivery tried, taken or not
    attempted: list[Received] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    failures: dict[str, list[Exception]] = field(default_factory=dict)

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.attempted.append(Received(arn, delivery, self.clock.now()))
        pending = self.failures.get(arn)
        if pending:
            raise pending.pop(0)
        if arn in self.missing:
            raise DeliveryFailed(f"{arn} does not exist")
        self.received.append(Received(arn, delivery, self.clock.now()))

    def exists(self, arn: str) -> bool:
        return arn not in self.missing

    def to(self, arn: str) -> list[Received]:
        return [r for r in self.received if r.arn == arn]

    def tried(self, arn: str) -> list[Received]:
        return [r for r in self.attempted if r.arn == arn]


class Rig:
    """The service and everything around it; ``restart`` reopens it on the same store file."""

    def __init__(self, clock: VirtualClock, data_dir: Path | None, retry_base_delay: float = 1.0) -> None:
        self.clock = clock
        self.data_dir = data_dir
        self.retry_base_delay = retry_base_delay
        self.recorder = Recorder(clock)
        self.deliveries = DeliveryRegistry()
        for service in ("lambda", "sqs", "sns", "events"):
            self.deliveries.register(service, self.recorder)

    async def start(self) -> None:
        self.store: Store = open_store(self.data_dir)
        await self.store.open()
        self.tracker = WorkTracker()
        self.ticker = Ticker(self.clock, self.tracker)
        self.service = SchedulerService(
            self.store.documents,
            self.clock,
            self.deliveries,
            self.tracker,
            self.ticker,
            self.store.pending("scheduler"),
            retry_base_delay=self.retry_base_delay,
        )
        await self.ticker.start()
        await self.service.start()
        await self.settle()

    async def stop(self) -> None:
        await self.settle()
        await self.service.close()
        await self.ticker.close()
        await self.store.close()

    async def restart(self, *, downtime: float = 0.0) -> None:
        await self.stop()
        if downtime:
            await self.clock.advance(downtime)
        await self.start()

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait (in real time) until nothing is in flight and nothing is due now."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while quiet < 3:
            due = self.tracker.next_due()
            if self.tracker.in_flight == 0 and (due is None or due > self.clock.now()):
                quiet += 1
                await asyncio.sleep(0)
                continue
            quiet = 0
            if loop.time() > deadline:
                raise AssertionError(f"did not settle: {self.tracker.in_flight} in flight, next due {due}")
            await self.tracker.wait_changed(0.01)

    async def advance(self, seconds: float) -> None:
        await self.clock.advance(seconds)
        await self.settle()

    async def advance_to(self, epoch: float) -> None:
        await self.advance(max(0.0, epoch - self.clock.now()))

    async def create(self, name: str, expression: str, **extra: Any) -> str:
        fields: dict[str, Any] = {
            "Name": name,
            "ScheduleExpression": expression,
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": FUNCTION, "RoleArn": ROLE},
        }
        fields.update(extra)
        arn = await self.service.create_schedule(fields, scope=SCOPE)
        await self.settle()
        return arn
