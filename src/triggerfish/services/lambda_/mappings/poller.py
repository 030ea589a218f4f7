"""The runtime of one enabled SQS mapping: wait for messages, receive and filter them, hand batches to
the sender, keep as many batches in flight as scaling allows (spec §2.2).

Nothing here polls on a timer. The queue signals ``on_available``; a finished batch or freed
concurrency wakes the loop too. An idle mapping waits on an event and costs nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

from triggerfish.core.clock import Clock, sleep_until_woken
from triggerfish.core.queue_port import QueueSource
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.mappings.batcher import Batch, Batcher
from triggerfish.services.lambda_.mappings.functions import FunctionPort
from triggerfish.services.lambda_.mappings.models import EventSourceMapping
from triggerfish.services.lambda_.mappings.scaling import Scaling, ScalingPolicy
from triggerfish.services.lambda_.mappings.sender import Sender
from triggerfish.services.lambda_.mappings.validation import compile_filters
from triggerfish.services.lambda_.models import FunctionConfig

log = logging.getLogger(__name__)


class QueuePoller:
    def __init__(
        self,
        mapping: EventSourceMapping,
        source: QueueSource,
        functions: FunctionPort,
        clock: Clock,
        tracker: WorkTracker,
        policy: ScalingPolicy,
    ) -> None:
        self.mapping = mapping
        self._source = source
        self._functions = functions
        self._clock = clock
        self._tracker = tracker
        self._scaling = Scaling(policy)
        self._batcher = Batcher(mapping, source, compile_filters(mapping.filter_patterns), clock)
        self._sender = Sender(mapping, source, functions)
        self._wake = asyncio.Event()
        # _signals counts wake-ups; the queue is known drained only while _drained_at equals it
        self._signals = 1
        self._drained_at = 0
        self._step_signal = 0  # the signal count when the current step began
        self._receiving = False
        self._blocked = False
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._batches: set[asyncio.Task[None]] = set()
        self._idle_callbacks: list[Callable[[], None]] = []
        self._stop_listening: Callable[[], None] = _nothing

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        self._stop_listening = self._source.on_available(self.mapping.event_source_arn, self.wake)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop receiving at once; batches already sent to the function finish on their own."""
        if self._stopping:
            return
        self._stopping = True
        self._stop_listening()
        self.wake()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._tracker.poke()

    async def finish(self, *, cancel: bool = False) -> None:
        """Wait for (or cancel) the batches still in flight."""
        batches = list(self._batches)
        if cancel:
            for task in batches:
                task.cancel()
        for task in batches:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    @property
    def in_flight(self) -> int:
        return len(self._batches)

    @property
    def blocked(self) -> bool:
        """Waiting for concurrency to free up (or for its function to come back)."""
        return self._blocked

    def on_idle(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once no batch is in flight any more."""
        if self._batches:
            self._idle_callbacks.append(callback)
        else:
            callback()

    def wake(self) -> None:
        self._signals += 1
        self._wake.set()
        self._tracker.poke()

    def next_due(self) -> float | None:
        """For settling: "now" while visible messages may wait here; a window's close while one is open."""
        if self._stopping:
            return None
        window_closes = self._batcher.window_closes
        if window_closes is not None:
            return window_closes  # a partial batch waits for its batching window
        if self._receiving:
            return self._clock.now()
        if self._blocked and self._signals == self._step_signal:
            # waiting for concurrency: running invocations hold the tracker; nothing is due until they end
            return None
        if self._signals != self._drained_at:
            return self._clock.now()
        # Messages still hidden (a failed batch's, a delayed one) are not waited for: a function that
        # keeps failing on a queue without redrive would otherwise never let anything settle. The
        # queue signals when they become visible, and they are work again from then on.
        return None

    # -- the loop --------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            try:
                await self._step()
            except Exception:
                # a bug of ours must not end the mapping: log it and carry on at the next signal
                log.exception("event source mapping %s failed; waiting for the next message", self.mapping.uuid)
                self._receiving = False
                self._drained_at = self._signals
                await self._sleep(None)

    async def _step(self) -> None:
        seen = self._step_signal = self._signals
        self._wake.clear()
        function = self._functions.by_arn(self.mapping.function_arn)
        ready, wake_at = self._may_start(function)
        if function is None or not ready:
            self._blocked = True
            self._tracker.poke()
            await self._sleep(wake_at)
            return
        self._blocked = False
        self._receiving = True
        try:
            batches, exhausted = await self._batcher.collect(function, self._sleep, self._should_stop)
        finally:
            self._receiving = False
        if self._should_stop():
            await self._batcher.release(batches)
            return
        for batch in batches:
            self._dispatch(function, batch)
        if not exhausted:
            self._scaling.backlogged(self._clock.now())
            return
        if self._signals == seen:
            self._drained_at = seen
            self._scaling.drained()
            self._tracker.poke()
            await self._sleep(None)

    def _may_start(self, function: FunctionConfig | None) -> tuple[bool, float | None]:
        """Whether another batch may start now; if not, when to look again (``None``: on a signal)."""
        if function is None:
            return False, None  # the function is gone or not active: wait until something changes
        now = self._clock.now()
        limit = self._scaling.limit(now, self.mapping.maximum_concurrency, function.reserved_concurrency)
        if len(self._batches) >= limit:
            # at the ramp's current limit: it grows at its next step, unless a batch ends first
            ceiling = self._scaling.ceiling(self.mapping.maximum_concurrency, function.reserved_concurrency)
            return False, self._scaling.next_step(now) if limit < ceiling else None
        if not self._functions.has_capacity(function):
            return False, None  # throttled (reserved or account concurrency): messages wait in the queue
        return True, None

    def _should_stop(self) -> bool:
        return self._stopping

    def _dispatch(self, function: FunctionConfig, batch: Batch) -> None:
        # The batch counts as work from this moment, before its task first runs, so settling never
        # sees a gap between "received" and "being sent".
        hold = self._tracker.hold()
        hold.__enter__()
        task = asyncio.get_running_loop().create_task(self._sender.send(function, batch))
        self._batches.add(task)
        task.add_done_callback(functools.partial(self._sent, hold))

    def _sent(self, hold: AbstractContextManager[None], task: asyncio.Task[None]) -> None:
        self._batches.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            # the batch's messages return after their visibility timeout, as after a function error
            log.error("event source mapping %s failed a batch", self.mapping.uuid, exc_info=error)
        hold.__exit__(None, None, None)
        if not self._batches:
            callbacks, self._idle_callbacks = self._idle_callbacks, []
            for callback in callbacks:
                callback()
        self.wake()

    async def _sleep(self, until: float | None) -> None:
        try:
            await sleep_until_woken(self._clock, self._wake, until)
        finally:
            # a signal is consumed by the receive that follows; left set, a batching window would spin
            # on empty receives until it closes
            self._wake.clear()


def _nothing() -> None:
    pass
