"""The runtime of one enabled stream mapping (Kinesis, DynamoDB Streams; spec §7.1): one consumer per
shard, children started once their parent is consumed, all woken by the stream's signal.

Same lifecycle surface as the queue poller, so the mapping manager treats both alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.patterns.esm import EventSource, compile_filter_criteria
from triggerfish.core.stream_port import ShardInfo, StreamKind, StreamSource
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.mappings.functions import FunctionPort
from triggerfish.services.lambda_.mappings.models import EventSourceMapping
from triggerfish.services.lambda_.mappings.streams.checkpoints import Checkpoints
from triggerfish.services.lambda_.mappings.streams.context import StreamContext
from triggerfish.services.lambda_.mappings.streams.shard_consumer import ShardConsumer
from triggerfish.store.interfaces import DocumentStore

log = logging.getLogger(__name__)


def stream_kind(arn: str) -> StreamKind:
    return StreamKind.DYNAMODB if arn.startswith("arn:aws:dynamodb:") else StreamKind.KINESIS


class StreamPoller:
    def __init__(
        self,
        mapping: EventSourceMapping,
        source: StreamSource,
        functions: FunctionPort,
        clock: Clock,
        tracker: WorkTracker,
        documents: DocumentStore,
        deliveries: DeliveryRegistry,
        *,
        retry_base_delay: float = 1.0,
    ) -> None:
        self.mapping = mapping
        kind = stream_kind(mapping.event_source_arn)
        self._ctx = StreamContext(
            mapping=mapping,
            kind=kind,
            source=source,
            functions=functions,
            clock=clock,
            tracker=tracker,
            checkpoints=Checkpoints(documents, mapping.uuid, clock),
            deliveries=deliveries,
            filters=compile_filter_criteria(EventSource(kind.value), mapping.filter_patterns or ()),
            retry_base_delay=retry_base_delay,
        )
        self._consumers: dict[str, ShardConsumer] = {}
        self._wake = asyncio.Event()
        self._signals = 1
        self._refreshed_at = 0
        self._task: asyncio.Task[None] | None = None
        self._idle_callbacks: list[Callable[[], None]] = []
        self._stop_listening: Callable[[], None] = _nothing

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        self._stop_listening = self._ctx.source.on_records(self.mapping.event_source_arn, self.wake)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop reading at once; a batch being invoked finishes, a batch waiting to retry is dropped
        unsettled (its records are read again after a restart)."""
        if self._ctx.stopping:
            return
        self._ctx.stopped.set()
        self._stop_listening()
        self.wake()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for consumer in list(self._consumers.values()):
            await consumer.stop()
        self._ctx.tracker.poke()

    async def finish(self, *, cancel: bool = False) -> None:
        """Wait for (or cancel) the batches still in flight."""
        for consumer in list(self._consumers.values()):
            await consumer.finish(cancel=cancel)

    @property
    def in_flight(self) -> int:
        return sum(consumer.in_flight for consumer in self._consumers.values())

    @property
    def blocked(self) -> bool:
        """Waiting for concurrency to free up (or for its function to come back)."""
        return any(consumer.blocked for consumer in self._consumers.values())

    @property
    def last_processing_result(self) -> str:
        return self._ctx.last_result

    def on_idle(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once no batch is in flight any more."""
        if self.in_flight:
            self._idle_callbacks.append(callback)
        else:
            callback()

    def wake(self) -> None:
        self._signals += 1
        self._wake.set()
        for consumer in self._consumers.values():
            consumer.wake()
        self._ctx.tracker.poke()

    def next_due(self) -> float | None:
        """For settling: "now" while records wait to be read or a batch is being formed; a batching
        window's close; a retry's time when retries are bounded; otherwise nothing."""
        if self._ctx.stopping:
            return None
        if self._signals != self._refreshed_at:
            return self._ctx.clock.now()
        dues = [due for consumer in self._consumers.values() if (due := consumer.next_due()) is not None]
        return min(dues) if dues else None

    # -- shards ----------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._ctx.stopping:
            seen = self._signals
            self._wake.clear()
            try:
                self._refresh()
            except Exception:
                log.exception("event source mapping %s could not list its shards", self.mapping.uuid)
            self._refreshed_at = seen
            self._ctx.tracker.poke()
            await self._wake.wait()

    def _refresh(self) -> None:
        """Start a consumer for every shard that may be read: one without a parent, or whose parent is
        gone or fully consumed (children only after their parent, §7.1)."""
        info = self._ctx.source.stream(self.mapping.event_source_arn)
        if info is None:
            return
        self._ctx.retention = info.retention_hours * 3600.0
        shards = {shard.shard_id: shard for shard in info.shards}
        for shard in info.shards:
            consumer = self._consumers.get(shard.shard_id)
            if consumer is not None:
                consumer.update(shard)
                continue
            parent = shard.parent_shard_id
            if parent is not None and parent in shards:
                parent_consumer = self._consumers.get(parent)
                if parent_consumer is None or not parent_consumer.done:
                    continue
            self._start(shard, from_oldest=parent is not None)

    def _start(self, shard: ShardInfo, *, from_oldest: bool) -> None:
        # a child shard is read from its start: its records follow its parent's
        consumer = ShardConsumer(self._ctx, shard, from_oldest=from_oldest, on_change=self._changed)
        self._consumers[shard.shard_id] = consumer
        consumer.start()

    def _changed(self) -> None:
        """A consumer finished a batch or its shard: wake the shard list, tell idle waiters."""
        if not self.in_flight and self._idle_callbacks:
            callbacks, self._idle_callbacks = self._idle_callbacks, []
            for callback in callbacks:
                callback()
        self._signals += 1
        self._wake.set()


def _nothing() -> None:
    pass
