"""Message move tasks: redrive a dead-letter queue back to its sources or to another queue (spec §2.1).

A task runs in the background on the injected clock, moving at most ``MaxNumberOfMessagesPerSecond``
messages a second (as fast as it can without one). Each step is one store transfer, so a crash
never loses or doubles a message. Tasks are journalled when they start, after each step and when they end:
after a restart a running task carries on (its count of moved messages may trail by the last step), a
cancelling one ends cancelled, and the recent ones are still listed.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import uuid
from dataclasses import dataclass, field

from triggerfish.core.clock import Clock
from triggerfish.services.sqs.errors import InvalidParameterValue, ResourceNotFound
from triggerfish.services.sqs.message import Message
from triggerfish.services.sqs.models import MoveTaskStatus, MoveTaskView
from triggerfish.services.sqs.move_task_journal import MoveTaskJournal, TaskRecord
from triggerfish.services.sqs.queue_state import LiveQueue
from triggerfish.services.sqs.receiving import Receiver
from triggerfish.services.sqs.registry import QueueRegistry

log = logging.getLogger(__name__)

MAX_RATE = 500
UNLIMITED_STEP = 500  # messages per step when no rate is given
MAX_LISTED = 10
_NON_EXISTENT = "AWS.SimpleQueueService.NonExistentQueue"


@dataclass
class _Task:
    id: str
    handle: str
    source_arn: str
    destination_arn: str | None
    rate: int | None
    to_move: int
    started_at: float
    moved: int = 0
    status: MoveTaskStatus = MoveTaskStatus.RUNNING
    failure_reason: str | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    runner: asyncio.Task[None] | None = None

    def record(self) -> TaskRecord:
        return TaskRecord(
            self.id,
            self.handle,
            self.source_arn,
            self.destination_arn,
            self.rate,
            self.to_move,
            self.started_at,
            self.moved,
            self.status,
            self.failure_reason,
        )

    @classmethod
    def from_record(cls, record: TaskRecord) -> _Task:
        return cls(
            record.id,
            record.handle,
            record.source_arn,
            record.destination_arn,
            record.rate,
            record.to_move,
            record.started_at,
            record.moved,
            record.status,
            record.failure_reason,
        )

    def view(self) -> MoveTaskView:
        return MoveTaskView(
            self.handle,
            self.status,
            self.source_arn,
            self.destination_arn,
            self.rate,
            self.moved,
            self.to_move,
            self.started_at,
            self.failure_reason,
        )


class MoveTasks:
    def __init__(self, registry: QueueRegistry, receiver: Receiver, clock: Clock, journal: MoveTaskJournal) -> None:
        self._registry = registry
        self._receiver = receiver
        self._clock = clock
        self._journal = journal
        self._tasks: dict[str, list[_Task]] = {}  # by source ARN, newest last

    async def resume(self) -> None:
        """Reload the journal after a restart: running tasks carry on, cancelling ones end cancelled."""
        for record in await self._journal.read_all():
            task = _Task.from_record(record)
            if self._registry.by_arn(task.source_arn) is None:
                await self._journal.forget(task.id)
                continue
            self._tasks.setdefault(task.source_arn, []).append(task)
            if task.status is MoveTaskStatus.CANCELLING:
                task.status = MoveTaskStatus.CANCELLED
                await self._journal.write(task.record())
            elif task.status is MoveTaskStatus.RUNNING:
                task.runner = asyncio.get_running_loop().create_task(self._run(task))

    async def start(self, source_arn: str, destination_arn: str | None, rate: int | None) -> str:
        source = self._registry.by_arn(source_arn)
        if source is None:
            raise ResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
        if not self._registry.dead_letter_sources(source):
            raise InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.")
        if destination_arn is not None:
            destination = self._registry.by_arn(destination_arn)
            if destination is None:
                raise ResourceNotFound(
                    "The resource that you specified for the DestinationArn parameter doesn't exist."
                )
            if destination.config.fifo != source.config.fifo:
                raise InvalidParameterValue("The source queue and the destination queue must be of the same type.")
        if rate is not None and not 1 <= rate <= MAX_RATE:
            raise InvalidParameterValue(
                f"Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. "
                f"Reason: Must be between 1 and {MAX_RATE}."
            )
        tasks = self._tasks.setdefault(source.arn, [])
        if any(task.status in (MoveTaskStatus.RUNNING, MoveTaskStatus.CANCELLING) for task in tasks):
            raise InvalidParameterValue(
                "There is already a task running. "
                "Only one active task is allowed for a source queue arn at a given time."
            )
        task_id = str(uuid.uuid4())
        task = _Task(
            task_id,
            _encode_handle(task_id, source.arn),
            source.arn,
            destination_arn,
            rate,
            source.visible_count,
            self._clock.now(),
        )
        tasks.append(task)
        await self._journal.write(task.record())
        for dropped in tasks[:-MAX_LISTED]:
            await self._journal.forget(dropped.id)
        del tasks[:-MAX_LISTED]
        task.runner = asyncio.get_running_loop().create_task(self._run(task))
        return task.handle

    def list(self, source_arn: str, max_results: int | None) -> list[MoveTaskView]:
        if self._registry.by_arn(source_arn) is None:
            raise ResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
        limit = 1 if max_results is None else max_results
        if not 1 <= limit <= MAX_LISTED:
            raise InvalidParameterValue(
                f"Value {limit} for parameter MaxResults is invalid. "
                f"Reason: You must enter a number that's between 1 and {MAX_LISTED}."
            )
        tasks = self._tasks.get(source_arn, [])
        return [task.view() for task in reversed(tasks)][:limit]

    async def cancel(self, handle: str) -> int:
        task_id, source_arn = _decode_handle(handle)
        if self._registry.by_arn(source_arn) is None:
            raise ResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
        task = next((t for t in self._tasks.get(source_arn, []) if t.id == task_id), None)
        if task is None or task.status is not MoveTaskStatus.RUNNING:
            raise ResourceNotFound("Task does not exist.")
        task.status = MoveTaskStatus.CANCELLING
        await self._journal.write(task.record())
        task.wake.set()
        return task.moved

    async def forget(self, arn: str) -> None:
        """The queue ``arn`` was deleted: its own tasks end."""
        for task in self._tasks.pop(arn, []):
            task.wake.set()
            await self._journal.forget(task.id)

    async def close(self) -> None:
        runners = [task.runner for tasks in self._tasks.values() for task in tasks if task.runner is not None]
        for runner in runners:
            runner.cancel()
        for runner in runners:
            with contextlib.suppress(asyncio.CancelledError):
                await runner

    async def _run(self, task: _Task) -> None:
        try:
            await self._move_all(task)
        except Exception:
            log.exception("message move task %s failed", task.id)
            task.status, task.failure_reason = MoveTaskStatus.FAILED, "InternalError"
        if self._registry.by_arn(task.source_arn) is not None:
            await self._journal.write(task.record())

    async def _move_all(self, task: _Task) -> None:
        next_step = self._clock.now()
        while task.status is MoveTaskStatus.RUNNING and task.moved < task.to_move:
            source = self._registry.by_arn(task.source_arn)
            if source is None:
                task.status, task.failure_reason = MoveTaskStatus.FAILED, _NON_EXISTENT
                return
            step = min(task.rate or UNLIMITED_STEP, task.to_move - task.moved)
            refused = await self._step(task, source, step)
            await self._journal.write(task.record())
            if refused:
                task.status, task.failure_reason = MoveTaskStatus.FAILED, _NON_EXISTENT
                return
            if task.moved >= task.to_move or source.visible_count == 0:
                break
            if task.rate is not None:
                next_step += 1.0
                await self._pause(task, next_step)
            else:
                await asyncio.sleep(0)
        if task.status is MoveTaskStatus.CANCELLING:
            task.status = MoveTaskStatus.CANCELLED
        elif task.status is MoveTaskStatus.RUNNING:
            task.status = MoveTaskStatus.COMPLETED

    async def _step(self, task: _Task, source: LiveQueue, limit: int) -> bool:
        """Move up to ``limit`` messages; returns whether a destination was missing."""
        now = self._clock.now()
        pulled, refused = source.pull(limit, lambda message: self._destination(task, message) is not None)
        by_destination: dict[str, tuple[LiveQueue, list[Message]]] = {}
        for message in pulled:
            destination = self._destination(task, message)
            assert destination is not None
            by_destination.setdefault(destination.arn, (destination, []))[1].append(message)
        for destination, messages in by_destination.values():
            await self._receiver.move(source, destination, messages, now, dead_lettered=False)
        task.moved += len(pulled)
        return refused

    def _destination(self, task: _Task, message: Message) -> LiveQueue | None:
        # without a destination each message returns to the queue it was dead-lettered from
        arn = task.destination_arn or message.dead_letter_source
        return None if arn is None else self._registry.by_arn(arn)

    async def _pause(self, task: _Task, until: float) -> None:
        woken = asyncio.ensure_future(task.wake.wait())
        timer = asyncio.ensure_future(self._clock.sleep_until(until))
        try:
            await asyncio.wait((woken, timer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            timer.cancel()


def _encode_handle(task_id: str, source_arn: str) -> str:
    document = json.dumps({"taskId": task_id, "sourceArn": source_arn}, separators=(",", ":"))
    return base64.b64encode(document.encode()).decode()


def _decode_handle(handle: str) -> tuple[str, str]:
    try:
        document = json.loads(base64.b64decode(handle.encode(), validate=True))
        return str(document["taskId"]), str(document["sourceArn"])
    except (binascii.Error, ValueError, TypeError, KeyError):
        raise InvalidParameterValue("Value for parameter TaskHandle is invalid.") from None
