"""The consumer of one shard: read records in order, filter them, route them to lanes, send batches,
and move the durable checkpoint as batches settle (spec §7.1).

Nothing here polls on a timer: the stream signals new records, a settled batch signals its lane, and
the only timers are a batching window's close, a tumbling window's end and a retry's due time.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import zlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from triggerfish.core.clock import sleep_until_woken
from triggerfish.core.stream_port import ShardInfo, StreamRecord
from triggerfish.services.lambda_.mappings.streams.batching import plan, take
from triggerfish.services.lambda_.mappings.streams.checkpoints import Checkpoint, Progress, WindowState
from triggerfish.services.lambda_.mappings.streams.context import StreamContext
from triggerfish.services.lambda_.mappings.streams.records import Entry, batch_event, lambda_record, record_size
from triggerfish.services.lambda_.mappings.streams.retries import BatchRun, Lane
from triggerfish.services.lambda_.mappings.streams.windows import window_event, window_start
from triggerfish.services.lambda_.models import FunctionConfig

log = logging.getLogger(__name__)

#: records asked for per read
READ_LIMIT = 1000


class ShardConsumer:
    def __init__(
        self, ctx: StreamContext, shard: ShardInfo, *, from_oldest: bool, on_change: Callable[[], None]
    ) -> None:
        self._ctx = ctx
        self.shard = shard
        self._from_oldest = from_oldest
        self._on_change = on_change
        mapping = ctx.mapping
        # tumbling windows keep one state per shard, so a windowed shard is consumed in one lane
        lanes = 1 if mapping.tumbling_window > 0 else max(1, mapping.parallelization_factor)
        self._lanes = [Lane(i) for i in range(lanes)]
        self._queues: list[deque[Entry]] = [deque() for _ in range(lanes)]
        #: records read ahead, at most: enough to fill every lane's next batch
        self._buffer = mapping.batch_size * (lanes + 1)
        self._progress: Progress | None = None
        self._read_after: int | None = None
        self._wake = asyncio.Event()
        self._signals = 1
        self._drained_at = 0
        self._busy = True  # loading or reading
        self._blocked = False
        self._timer: float | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._task: asyncio.Task[None] | None = None
        self._idle_callbacks: list[Callable[[], None]] = []
        self.done = False

    @property
    def shard_id(self) -> str:
        return self.shard.shard_id

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        self.wake()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def finish(self, *, cancel: bool = False) -> None:
        tasks = list(self._tasks)
        if cancel:
            for task in tasks:
                task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def update(self, shard: ShardInfo) -> None:
        self.shard = shard

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    @property
    def blocked(self) -> bool:
        return self._blocked

    def on_idle(self, callback: Callable[[], None]) -> None:
        if self._tasks:
            self._idle_callbacks.append(callback)
        else:
            callback()

    def wake(self) -> None:
        self._signals += 1
        self._wake.set()

    def next_due(self) -> float | None:
        if self._ctx.stopping or self.done:
            return None
        now = self._ctx.clock.now()
        if self._busy or (self._signals != self._drained_at and not self._blocked):
            return now
        dues = [self._timer] if self._timer is not None else []
        if self._ctx.retries_bounded:
            dues.extend(lane.retry_at for lane in self._lanes if lane.retry_at is not None)
        return min(dues) if dues else None

    # -- the loop --------------------------------------------------------------------------------

    async def _run(self) -> None:
        while self._progress is None and not self._ctx.stopping:
            try:
                self._progress = await self._load()
            except Exception:
                log.exception("event source mapping %s could not load its checkpoint", self._ctx.mapping.uuid)
                self._busy = False
                self._drained_at = self._signals
                await self._sleep(None)
        if self._progress is not None:
            self._read_after = self._progress.position
        while not self._ctx.stopping:
            try:
                await self._step()
            except Exception:
                # a bug of ours must not end the mapping: log it and carry on at the next signal
                log.exception("event source mapping %s failed on shard %s", self._ctx.mapping.uuid, self.shard_id)
                self._busy = False
                self._drained_at = self._signals
                await self._sleep(None)
        self._busy = False

    async def _load(self) -> Progress:
        ctx = self._ctx
        checkpoint = await ctx.checkpoints.load(self.shard_id)
        if checkpoint is None:
            # StartingPosition is resolved once, on the first start, and stored at once (§7.1)
            checkpoint = Checkpoint(await self._starting_position())
            progress = Progress(checkpoint)
            progress.stored = None
            await ctx.checkpoints.save(self.shard_id, progress)
            return progress
        return Progress(checkpoint)

    async def _starting_position(self) -> int | None:
        ctx = self._ctx
        mapping = ctx.mapping
        if self._from_oldest or mapping.starting_position in (None, "TRIM_HORIZON"):
            return None
        if mapping.starting_position == "AT_TIMESTAMP" and mapping.starting_position_timestamp is not None:
            return await ctx.source.position_at(ctx.stream_arn, self.shard_id, mapping.starting_position_timestamp)
        return ctx.source.latest(ctx.stream_arn, self.shard_id)

    async def _step(self) -> None:
        seen = self._signals
        self._wake.clear()
        self._busy = True
        try:
            function = self._ctx.functions.by_arn(self._ctx.mapping.function_arn)
            await self._read(function)
            self._timer = self._dispatch(function) if function is not None else None
        finally:
            self._busy = False
            self._drained_at = seen
        self._check_done()
        self._ctx.tracker.poke()
        await self._sleep(self._timer)

    async def _read(self, function: FunctionConfig | None) -> None:
        ctx = self._ctx
        progress = self._progress
        assert progress is not None
        role = function.role if function is not None else ""
        moved = False
        while progress.unsettled < self._buffer and not ctx.stopping:
            limit = min(READ_LIMIT, self._buffer - progress.unsettled)
            records = await ctx.source.read(ctx.stream_arn, self.shard_id, after=self._read_after, limit=limit)
            if not records:
                break
            now = ctx.clock.now()
            skipped: list[int] = []
            for record in records:
                position = record.position
                self._read_after = position
                progress.read(position)
                if progress.was_settled(position):
                    skipped.append(position)  # settled before a restart by another lane
                    continue
                entry = self._entry(record, role, now)
                if entry is None:
                    skipped.append(position)  # filtered out: the checkpoint moves past it (§7.1)
                    continue
                self._queues[entry.lane].append(entry)
            if skipped:
                progress.settle(skipped)
                moved = True
            if len(records) < limit:
                break
        if moved:
            await ctx.checkpoints.save(self.shard_id, progress)

    def _entry(self, record: StreamRecord, role: str, now: float) -> Entry | None:
        ctx = self._ctx
        try:
            body = lambda_record(ctx.kind, record, ctx.stream_arn, role)
        except ValueError:
            log.error("event source mapping %s skipped unreadable record %s", ctx.mapping.uuid, record.sequence_number)
            return None
        if not ctx.filters.matches(body):
            return None
        lanes = len(self._lanes)
        # a stable hash of the partition key keeps each key in one lane, so its order holds (§7.1)
        lane = zlib.crc32(record.partition_key.encode()) % lanes if lanes > 1 else 0
        return Entry(record, body, record_size(body), now, lane)

    def _dispatch(self, function: FunctionConfig) -> float | None:
        """Start a batch on every idle lane that has one ready; the earliest time one will be."""
        ctx = self._ctx
        mapping = ctx.mapping
        now = ctx.clock.now()
        timer: float | None = None
        window_open = self._progress is not None and self._progress.window is not None
        ready = [lane for lane in self._lanes if not lane.busy and (self._queues[lane.index] or window_open)]
        if not ready:
            self._blocked = False
            return None
        if not ctx.functions.has_capacity(function):
            # throttled: records wait in the stream until concurrency frees up (§7.1, §8)
            self._blocked = True
            return None
        self._blocked = False
        for lane in ready:
            queue = self._queues[lane.index]
            if mapping.tumbling_window > 0:
                due = self._window_work(function, lane, queue, now)
            else:
                step = plan(
                    queue,
                    batch_size=mapping.batch_size,
                    batching_window=mapping.maximum_batching_window,
                    tumbling_window=0,
                    now=now,
                )
                if step.take:
                    self._launch(function, lane, take(queue, step.take), final=False)
                due = step.wait_until
            if due is not None:
                timer = due if timer is None else min(timer, due)
        return timer

    def _window_work(self, function: FunctionConfig, lane: Lane, queue: deque[Entry], now: float) -> float | None:
        """Tumbling windows: batches of one window; the final invoke once the window has ended (§7.1)."""
        mapping = self._ctx.mapping
        seconds = mapping.tumbling_window
        progress = self._progress
        assert progress is not None
        open_window = progress.window
        if queue:
            start = window_start(queue[0].record.arrival, seconds)
            if open_window is not None and open_window.start != start:
                # records of a later window: the open one is over
                self._launch(function, lane, (), final=True)
                return None
            step = plan(
                queue,
                batch_size=mapping.batch_size,
                batching_window=mapping.maximum_batching_window,
                tumbling_window=seconds,
                now=now,
            )
            if step.take:
                if open_window is None:
                    progress.window = WindowState(start, {})
                self._launch(function, lane, take(queue, step.take), final=False)
            return step.wait_until
        if open_window is None:
            return None
        end = open_window.start + seconds
        if now >= end:
            self._launch(function, lane, (), final=True)
            return None
        return end

    def _launch(self, function: FunctionConfig, lane: Lane, entries: Sequence[Entry], *, final: bool) -> None:
        lane.busy = True
        run = BatchRun(self._ctx, self, lane)
        task = asyncio.get_running_loop().create_task(run.process(function, entries, final=final))
        self._tasks.add(task)
        task.add_done_callback(functools.partial(self._ended, lane))

    def _ended(self, lane: Lane, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        lane.busy = False
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("event source mapping %s failed a batch", self._ctx.mapping.uuid, exc_info=error)
        if not self._tasks:
            callbacks, self._idle_callbacks = self._idle_callbacks, []
            for callback in callbacks:
                callback()
        self.wake()
        self._ctx.tracker.poke()
        self._on_change()

    # -- BatchOwner ------------------------------------------------------------------------------

    def event(self, entries: Sequence[Entry], *, final: bool) -> dict[str, Any]:
        ctx = self._ctx
        progress = self._progress
        if ctx.mapping.tumbling_window > 0 and progress is not None and progress.window is not None:
            return window_event(
                entries,
                progress.window,
                ctx.mapping.tumbling_window,
                shard_id=self.shard_id,
                stream_arn=ctx.stream_arn,
                final=final,
            )
        return batch_event(entries)

    async def settled(self, entries: Sequence[Entry], state: dict[str, Any] | None, *, final: bool) -> None:
        progress = self._progress
        assert progress is not None
        if final:
            progress.window = None  # the final invoke's state is discarded (§7.1)
        elif state is not None and progress.window is not None:
            progress.window = replace(progress.window, state=state)
        progress.settle(e.position for e in entries)
        await self._ctx.checkpoints.save(self.shard_id, progress)
        self._check_done()

    def _check_done(self) -> None:
        """A closed shard is done once its last record is settled; its children may start then."""
        ending = self.shard.ending_sequence_number
        progress = self._progress
        if self.done or ending is None or progress is None or progress.unsettled:
            return
        if progress.position is not None and progress.position >= int(ending) and not any(self._queues):
            self.done = True
            self._on_change()

    async def _sleep(self, until: float | None) -> None:
        try:
            await sleep_until_woken(self._ctx.clock, self._wake, until)
        finally:
            self._wake.clear()
