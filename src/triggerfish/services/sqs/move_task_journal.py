"""Where message move tasks are written down, so that a restart resumes a running task and still lists
the recent ones (ListMessageMoveTasks reports the last ten of a source queue, spec §2.1)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from triggerfish.core.clock import Clock
from triggerfish.services.sqs.models import MoveTaskStatus
from triggerfish.store.interfaces import DocumentStore

KIND = "sqs.move_task"
_SCOPE = "tasks"  # one namespace: task ids are unique and a task names its own source queue


@dataclass(frozen=True)
class TaskRecord:
    id: str
    handle: str
    source_arn: str
    destination_arn: str | None
    rate: int | None
    to_move: int
    started_at: float
    moved: int
    status: MoveTaskStatus
    failure_reason: str | None


class MoveTaskJournal:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock

    async def write(self, record: TaskRecord) -> None:
        body = {**record.__dict__, "status": record.status.value}
        await self._documents.put(KIND, _SCOPE, record.id, json.dumps(body), now=self._clock.now())

    async def forget(self, task_id: str) -> None:
        await self._documents.delete(KIND, _SCOPE, task_id)

    async def read_all(self) -> Sequence[TaskRecord]:
        records = []
        for document in await self._documents.list(KIND, _SCOPE):
            body = json.loads(document.body)
            records.append(TaskRecord(**{**body, "status": MoveTaskStatus(body["status"])}))
        return sorted(records, key=lambda record: record.started_at)
