"""Gathering one batch: receive, drop what the filters reject, close on size, window or payload (spec §2.2)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from triggerfish.core.clock import Clock
from triggerfish.core.patterns.esm import FilterCriteria
from triggerfish.core.payloads.sqs import SqsRecord
from triggerfish.core.queue_port import QueueInfo, QueueSource, ReceivedMessage
from triggerfish.services.lambda_.mappings.models import EventSourceMapping
from triggerfish.services.lambda_.mappings.records import RecordBuilder
from triggerfish.services.lambda_.models import FunctionConfig

# A batch closes when its payload reaches 6 MB (spec §2.2), the synchronous invoke limit.
MAX_BATCH_BYTES = 6_291_456
# When window + function timeout outlast the queue's visibility timeout, Lambda keeps the batch
# hidden for window + timeout + 30 s (spec §2.2).
VISIBILITY_MARGIN = 30


@dataclass
class Batch:
    messages: list[ReceivedMessage] = field(default_factory=list)
    records: list[SqsRecord] = field(default_factory=list)
    size: int = 0

    def add(self, message: ReceivedMessage, record: SqsRecord) -> None:
        self.messages.append(message)
        self.records.append(record)
        self.size += message.size

    def __len__(self) -> int:
        return len(self.messages)


class Batcher:
    def __init__(self, mapping: EventSourceMapping, source: QueueSource, filters: FilterCriteria, clock: Clock) -> None:
        self._mapping = mapping
        self._source = source
        self._filters = filters
        self._clock = clock
        self._records = RecordBuilder(mapping.event_source_arn)
        #: while a batch waits for its batching window: when the window closes
        self.window_closes: float | None = None

    async def collect(
        self,
        function: FunctionConfig,
        wait_until: Callable[[float | None], Awaitable[None]],
        should_stop: Callable[[], bool],
    ) -> tuple[list[Batch], bool]:
        """Batches ready to send (more than one only past 6 MB) and whether the queue ran out of messages."""
        arn = self._mapping.event_source_arn
        queue = self._source.queue(arn)
        if queue is None:
            return [], True
        # FIFO mappings take no batching window (spec §2.2).
        window = 0 if queue.fifo else self._mapping.maximum_batching_window
        batch_size = self._mapping.batch_size
        batches: list[Batch] = []
        current = Batch()
        deadline: float | None = None
        exhausted = False
        try:
            while True:
                want = batch_size - len(current)
                received = await self._source.receive(arn, want)
                exhausted = len(received) < want
                if received:
                    await self._keep_hidden(queue, function, window, received)
                    for message, record in await self._matching(received):
                        if current and current.size + message.size > MAX_BATCH_BYTES:
                            batches.append(current)
                            current = Batch()
                        current.add(message, record)
                if len(current) >= batch_size or window == 0 or should_stop():
                    break
                if not current:
                    if exhausted:
                        break
                    continue  # everything received was filtered out; more is waiting
                if deadline is None:
                    # the window opens with the batch's first message
                    deadline = self._clock.now() + window
                if not exhausted:
                    continue
                if self._clock.now() >= deadline:
                    break
                self.window_closes = deadline
                await wait_until(deadline)
                self.window_closes = None
                if should_stop() or self._clock.now() >= deadline:
                    break
        finally:
            self.window_closes = None
        if current:
            batches.append(current)
        return batches, exhausted

    async def release(self, batches: list[Batch]) -> None:
        """Make messages received but never sent visible again at once (the mapping stopped)."""
        handles = [m.receipt_handle for batch in batches for m in batch.messages]
        if handles:
            await self._source.change_visibility(self._mapping.event_source_arn, handles, 0)

    async def _matching(self, received: Sequence[ReceivedMessage]) -> list[tuple[ReceivedMessage, SqsRecord]]:
        arn = self._mapping.event_source_arn
        build = self._records.record
        pairs = [(m, build(m)) for m in received]
        if not self._filters.filters:
            return pairs
        kept: list[tuple[ReceivedMessage, SqsRecord]] = []
        dropped: list[str] = []
        for message, record in pairs:
            if self._filters.matches(record):
                kept.append((message, record))
            else:
                dropped.append(message.receipt_handle)
        if dropped:
            # Messages no filter matches are deleted, never delivered nor retried (spec §2.2).
            await self._source.delete(arn, dropped)
        return kept

    async def _keep_hidden(
        self, queue: QueueInfo, function: FunctionConfig, window: int, received: Sequence[ReceivedMessage]
    ) -> None:
        needed = window + function.timeout
        if needed > queue.visibility_timeout:
            handles = [m.receipt_handle for m in received]
            await self._source.change_visibility(self._mapping.event_source_arn, handles, needed + VISIBILITY_MARGIN)
