"""In-memory twins for event source mapping tests: a queue that follows the ``QueueSource`` port's
docstrings on a virtual clock, functions that run Python callables under a real concurrency governor,
and a document store in a dict."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from triggerfish.core.clock import Clock, VirtualClock
from triggerfish.core.delivery import MessageAttribute
from triggerfish.core.errors import ResourceNotFound
from triggerfish.core.queue_port import QueueInfo, ReceivedMessage
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.concurrency import ConcurrencyGovernor
from triggerfish.services.lambda_.invoker import Throttled
from triggerfish.services.lambda_.mappings import EventSourceMapping, EventSourceMappings, ScalingPolicy
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.records import Invocation
from triggerfish.store.interfaces import Document

ACCOUNT = "000000000000"
REGION = "us-east-1"


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


# -- the queue ----------------------------------------------------------------------------------


@dataclass
class FakeMessage:
    message_id: str
    body: str
    sent_at: float
    visible_at: float
    group: str | None = None
    dedup: str | None = None
    sequence: int = 0
    attributes: Mapping[str, MessageAttribute] = field(default_factory=dict)
    receive_count: int = 0
    first_receive: float | None = None
    handle: str | None = None
    in_flight: bool = False


@dataclass
class FakeQueueState:
    info: QueueInfo
    messages: list[FakeMessage] = field(default_factory=list)
    listeners: list[Callable[[], None]] = field(default_factory=list)


class FakeQueue:
    """A ``QueueSource`` with SQS's receive rules: visibility timeouts on the clock, receive counts,
    redrive after maxReceiveCount, FIFO groups locked while one of their messages is in flight."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.queues: dict[str, FakeQueueState] = {}
        self.receives: list[tuple[str, int, int]] = []  # (arn, asked, got)
        self.deletes: list[tuple[str, int]] = []
        self.visibility_changes: list[tuple[str, int, int]] = []
        self._ids = itertools.count(1)
        self._timers: set[asyncio.Task[None]] = set()

    def create(
        self,
        name: str,
        *,
        visibility_timeout: int = 30,
        dead_letter: str | None = None,
        max_receive_count: int | None = None,
    ) -> str:
        arn = queue_arn(name)
        info = QueueInfo(
            arn=arn,
            url=f"http://localhost/{ACCOUNT}/{name}",
            name=name,
            fifo=name.endswith(".fifo"),
            visibility_timeout=visibility_timeout,
            dead_letter_target=queue_arn(dead_letter) if dead_letter else None,
            max_receive_count=max_receive_count,
        )
        self.queues[arn] = FakeQueueState(info)
        return arn

    def send(
        self,
        arn: str,
        body: str,
        *,
        group: str | None = None,
        delay: float = 0,
        attributes: Mapping[str, MessageAttribute] | None = None,
    ) -> str:
        state = self.queues[arn]
        number = next(self._ids)
        now = self.clock.now()
        message = FakeMessage(
            message_id=f"m-{number:06d}",
            body=body,
            sent_at=now,
            visible_at=now + delay,
            group=group,
            dedup=f"d-{number}" if state.info.fifo else None,
            sequence=number,
            attributes=dict(attributes or {}),
        )
        state.messages.append(message)
        if delay:
            self._notify_at(arn, now + delay)
        else:
            self._notify(arn)
        return message.message_id

    def send_many(self, arn: str, bodies: Sequence[str], *, group: str | None = None) -> list[str]:
        return [self.send(arn, body, group=group) for body in bodies]

    # -- inspection ------------------------------------------------------------------------------

    def bodies(self, arn: str) -> list[str]:
        return [m.body for m in self.queues[arn].messages]

    def visible(self, arn: str) -> list[str]:
        now = self.clock.now()
        return [m.body for m in self.queues[arn].messages if m.visible_at <= now]

    def in_flight(self, arn: str) -> list[str]:
        now = self.clock.now()
        return [m.body for m in self.queues[arn].messages if m.visible_at > now and m.in_flight]

    def receive_count(self, arn: str, body: str) -> int:
        return next(m.receive_count for m in self.queues[arn].messages if m.body == body)

    # -- the port ----------------------------------------------------------------------------------

    def queue(self, arn: str) -> QueueInfo | None:
        state = self.queues.get(arn)
        return state.info if state else None

    async def receive(self, arn: str, max_messages: int) -> Sequence[ReceivedMessage]:
        state = self.queues[arn]
        now = self.clock.now()
        locked = {m.group for m in state.messages if state.info.fifo and m.in_flight and m.visible_at > now}
        taken: list[ReceivedMessage] = []
        for message in list(state.messages):
            if len(taken) >= max_messages:
                break
            if message.visible_at > now:
                if state.info.fifo:
                    locked.add(message.group)  # a delayed or hidden message holds its group's order
                continue
            if state.info.fifo and message.group in locked:
                continue
            limit = state.info.max_receive_count
            if limit is not None and message.receive_count >= limit and state.info.dead_letter_target:
                state.messages.remove(message)
                self._move(message, state.info.dead_letter_target)
                continue
            taken.append(self._take(arn, state, message, now))
        self.receives.append((arn, max_messages, len(taken)))
        return taken

    async def delete(self, arn: str, receipt_handles: Sequence[str]) -> None:
        handles = set(receipt_handles)
        state = self.queues[arn]
        state.messages = [m for m in state.messages if m.handle not in handles]
        self.deletes.append((arn, len(handles)))
        self._notify(arn)  # a FIFO group may have been unlocked

    async def change_visibility(self, arn: str, receipt_handles: Sequence[str], timeout: int) -> None:
        handles = set(receipt_handles)
        now = self.clock.now()
        self.visibility_changes.append((arn, len(handles), timeout))
        for message in self.queues[arn].messages:
            if message.handle in handles and message.in_flight:
                message.visible_at = now + timeout
                if timeout == 0:
                    message.in_flight = False
        if timeout == 0:
            self._notify(arn)
        else:
            self._notify_at(arn, now + timeout)

    def on_available(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        listeners = self.queues[arn].listeners
        listeners.append(callback)

        def stop() -> None:
            with contextlib.suppress(ValueError):
                listeners.remove(callback)

        return stop

    def next_visible_at(self, arn: str) -> float | None:
        now = self.clock.now()
        later = [m.visible_at for m in self.queues[arn].messages if m.visible_at > now]
        return min(later) if later else None

    # -- internals ---------------------------------------------------------------------------------

    def _take(self, arn: str, state: FakeQueueState, message: FakeMessage, now: float) -> ReceivedMessage:
        message.receive_count += 1
        message.first_receive = message.first_receive or now
        message.handle = f"h-{message.message_id}-{message.receive_count}"
        message.in_flight = True
        message.visible_at = now + state.info.visibility_timeout
        self._notify_at(arn, message.visible_at)
        attributes = {
            "ApproximateReceiveCount": str(message.receive_count),
            "SentTimestamp": str(round(message.sent_at * 1000)),
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": str(round(message.first_receive * 1000)),
        }
        if state.info.fifo:
            attributes["SequenceNumber"] = f"{message.sequence:020d}"
            attributes["MessageGroupId"] = message.group or ""
            attributes["MessageDeduplicationId"] = message.dedup or ""
        return ReceivedMessage(
            message_id=message.message_id,
            receipt_handle=message.handle,
            body=message.body,
            md5_of_body=hashlib.md5(message.body.encode(), usedforsecurity=False).hexdigest(),
            attributes=attributes,
            message_attributes=message.attributes,
            size=len(message.body.encode()),
        )

    def _move(self, message: FakeMessage, dead_letter_arn: str) -> None:
        target = self.queues[dead_letter_arn]
        now = self.clock.now()
        moved = FakeMessage(message.message_id, message.body, message.sent_at, now, message.group, message.dedup)
        target.messages.append(moved)
        self._notify(dead_letter_arn)

    def _notify(self, arn: str) -> None:
        for listener in list(self.queues[arn].listeners):
            listener()

    def _notify_at(self, arn: str, when: float) -> None:
        async def later() -> None:
            await self.clock.sleep_until(when)
            for message in self.queues[arn].messages:
                if message.in_flight and message.visible_at <= self.clock.now():
                    message.in_flight = False
            self._notify(arn)

        task = asyncio.get_running_loop().create_task(later())
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    async def close(self) -> None:
        for task in list(self._timers):
            task.cancel()
        for task in list(self._timers):
            with contextlib.suppress(asyncio.CancelledError):
                await task


# -- functions ------------------------------------------------------------------------------------


class FunctionFailed(Exception):
    """Raised by a fake handler: the invocation ends with a function error."""


Handler = Callable[[dict[str, Any]], Awaitable[object]]


@dataclass
class Call:
    function: str
    event: dict[str, Any]

    @property
    def bodies(self) -> list[str]:
        return [record["body"] for record in self.event["Records"]]

    @property
    def ids(self) -> list[str]:
        return [record["messageId"] for record in self.event["Records"]]


class FakeFunctions:
    """A ``FunctionPort`` running async Python handlers; concurrency goes through a real governor."""

    def __init__(self, governor: ConcurrencyGovernor | None = None) -> None:
        self.governor = governor or ConcurrencyGovernor()
        self.functions: dict[str, FunctionConfig] = {}
        self.handlers: dict[str, Handler] = {}
        self.calls: list[Call] = []
        self.running = 0
        self.peak = 0
        #: how many coming invocations fail with a throttle that the capacity check did not foresee
        self.surprise_throttles = 0
        self._listeners: list[Callable[[], None]] = []

    def add(self, name: str, handler: Handler, *, timeout: int = 3, reserved: int | None = None) -> FunctionConfig:
        function = FunctionConfig(
            name=name,
            account=ACCOUNT,
            region=REGION,
            runtime="python3.12",
            handler="app.handler",
            code_dir="/nowhere",
            timeout=timeout,
            reserved_concurrency=reserved,
        )
        self.functions[name] = function
        self.handlers[name] = handler
        self.governor.set_reservation(function.arn, reserved)
        return function

    def reserve(self, name: str, reserved: int | None) -> None:
        function = self.functions[name] = self.functions[name].evolve(reserved_concurrency=reserved)
        self.governor.set_reservation(function.arn, reserved)

    def remove(self, name: str) -> None:
        function = self.functions.pop(name)
        self.governor.set_reservation(function.arn, None)

    def calls_of(self, name: str) -> list[Call]:
        return [call for call in self.calls if call.function == name]

    # -- the port ----------------------------------------------------------------------------------

    def lookup(self, function_name: str, account: str, region: str) -> FunctionConfig:
        name = function_name.split(":")[-1] if function_name.startswith("arn:") else function_name
        function = self.functions.get(name)
        if function is None:
            raise ResourceNotFound(f"Function not found: arn:aws:lambda:{region}:{account}:function:{name}")
        return function

    def by_arn(self, function_arn: str) -> FunctionConfig | None:
        return self.functions.get(function_arn.split(":")[6])

    def has_capacity(self, function: FunctionConfig) -> bool:
        slot = self.governor.try_acquire(function.arn)
        if isinstance(slot, str):
            return False
        self.governor.release(slot)
        return True

    async def invoke(self, function: FunctionConfig, payload: bytes) -> Invocation:
        if self.surprise_throttles:
            self.surprise_throttles -= 1
            raise Throttled("ConcurrentInvocationLimitExceeded")
        slot = self.governor.try_acquire(function.arn)
        if isinstance(slot, str):
            raise Throttled(slot)
        event = orjson.loads(payload)
        self.calls.append(Call(function.name, event))
        self.running += 1
        self.peak = max(self.peak, self.running)
        error: str | None = None
        try:
            result = await self.handlers[function.name](event)
            body = result if isinstance(result, bytes) else orjson.dumps(result)
        except FunctionFailed as exc:
            error = "Unhandled"
            body = orjson.dumps({"errorMessage": str(exc), "errorType": "FunctionFailed"})
        finally:
            self.running -= 1
            self.governor.release(slot)
        for listener in list(self._listeners):
            listener()
        return Invocation(
            request_id=f"r-{len(self.calls)}",
            function_name=function.name,
            function_arn=function.qualified_arn(),
            invocation_type="RequestResponse",
            event=payload,
            payload=body,
            function_error=error,
            error_type="FunctionFailed" if error else None,
            duration_ms=0.0,
            cold=False,
            init_ms=None,
            log="",
            started_at=0.0,
        )

    def on_capacity(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)


# -- documents ----------------------------------------------------------------------------------


class MemoryDocuments:
    """A ``DocumentStore`` in a dict (shared by two services to stand for a restart)."""

    def __init__(self) -> None:
        self.documents: dict[tuple[str, str, str], Document] = {}

    async def put(
        self, kind: str, scope: str, name: str, body: str, *, now: float, expected_revision: int | None = None
    ) -> Document:
        old = self.documents.get((kind, scope, name))
        document = Document(
            kind, scope, name, body, (old.revision + 1) if old else 1, old.created_at if old else now, now
        )
        self.documents[(kind, scope, name)] = document
        return document

    async def get(self, kind: str, scope: str, name: str) -> Document | None:
        return self.documents.get((kind, scope, name))

    async def delete(self, kind: str, scope: str, name: str) -> bool:
        return self.documents.pop((kind, scope, name), None) is not None

    async def list(
        self, kind: str, scope: str | None = None, *, after: str | None = None, limit: int | None = None
    ) -> Sequence[Document]:
        found = sorted(
            (d for (k, s, _), d in self.documents.items() if k == kind and (scope is None or s == scope)),
            key=lambda d: (d.scope, d.name),
        )
        return found[:limit] if limit is not None else found


# -- settling -----------------------------------------------------------------------------------


async def settle(tracker: WorkTracker, clock: VirtualClock, rounds: int = 10_000) -> None:
    """Run the loop until no work is in flight and nothing is due now (virtual time stands still)."""
    quiet = 0
    for _ in range(rounds):
        due = tracker.next_due()
        if tracker.in_flight == 0 and (due is None or due > clock.now()):
            quiet += 1
            if quiet > 3:
                return
        else:
            quiet = 0
        await asyncio.sleep(0)
    raise AssertionError(f"did not settle: in flight {tracker.in_flight}, next due {tracker.next_due()}")


# -- the whole rig --------------------------------------------------------------------------------


class Harness:
    """Mappings over the fake queue and fake functions, on a virtual clock."""

    def __init__(
        self, documents: MemoryDocuments | None = None, policy: ScalingPolicy | None = None, *, attach: bool = True
    ) -> None:
        self.clock = VirtualClock()
        self.tracker = WorkTracker()
        self.queue = FakeQueue(self.clock)
        self.functions = FakeFunctions()
        self.documents = documents or MemoryDocuments()
        self.mappings = EventSourceMappings(
            self.documents, self.clock, self.tracker, self.functions, policy=policy or ScalingPolicy()
        )
        if attach:
            self.mappings.attach("sqs", self.queue)

    async def start(self) -> Harness:
        await self.mappings.start()
        return self

    async def close(self) -> None:
        await self.mappings.close()
        await self.queue.close()

    async def settle(self) -> None:
        await settle(self.tracker, self.clock)

    async def advance(self, seconds: float) -> None:
        await self.clock.advance(seconds)
        await self.settle()

    async def spin(self, rounds: int = 200) -> None:
        """Let the loop run without waiting for work to finish (for invocations held open)."""
        for _ in range(rounds):
            await asyncio.sleep(0)

    async def tick(self, seconds: float) -> None:
        """Advance the clock without waiting for work to finish."""
        await self.clock.advance(seconds)
        await self.spin()

    async def map(self, function: str, queue: str, **settings: Any) -> EventSourceMapping:
        return await self.mappings.create(function, queue, **settings)


async def ok(event: dict[str, Any]) -> None:
    """A handler that succeeds and returns nothing."""
    return None
