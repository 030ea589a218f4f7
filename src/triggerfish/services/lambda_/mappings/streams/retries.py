"""One batch of one shard, from its first invoke until it is settled: retries with backoff, bisection,
partial failures, record age, and the OnFailure record when it is given up on (spec §7.1)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from triggerfish.services.lambda_.invoker import Throttled
from triggerfish.services.lambda_.mappings.streams.context import FUNCTION_FAILED, OK, StreamContext
from triggerfish.services.lambda_.mappings.streams.failure_records import Condition, failure_record, send_failure
from triggerfish.services.lambda_.mappings.streams.records import Entry
from triggerfish.services.lambda_.mappings.streams.results import judge
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.records import Invocation

log = logging.getLogger(__name__)


class BatchOwner(Protocol):
    """The shard consumer a batch belongs to."""

    @property
    def shard_id(self) -> str: ...

    def event(self, entries: Sequence[Entry], *, final: bool) -> dict[str, Any]:
        """The invoke event for these records (tumbling windows add their fields)."""

    async def settled(self, entries: Sequence[Entry], state: dict[str, Any] | None, *, final: bool) -> None:
        """These records are done with (processed, discarded): move the checkpoint past them."""


class Lane:
    """One of a shard's ParallelizationFactor lanes: at most one batch in flight, records kept in order."""

    def __init__(self, index: int) -> None:
        self.index = index
        self.busy = False
        #: while a failed batch waits to be retried: when
        self.retry_at: float | None = None


@dataclass
class _Piece:
    """A batch or a part of one, with what it has been through so far."""

    entries: Sequence[Entry]
    invokes: int = 0
    retries: int = 0


class BatchRun:
    def __init__(self, ctx: StreamContext, owner: BatchOwner, lane: Lane) -> None:
        self._ctx = ctx
        self._owner = owner
        self._lane = lane
        self._held = False

    async def process(self, function: FunctionConfig, entries: Sequence[Entry], *, final: bool = False) -> None:
        """Run the batch to its end. Holds the tracker except while waiting to retry."""
        hold = self._ctx.tracker.hold()
        hold.__enter__()
        self._hold = hold
        self._held = True
        try:
            pieces = [_Piece(entries)]
            while pieces and not self._ctx.stopping:
                await self._piece(function, pieces.pop(), pieces, final)
        finally:
            if self._held:
                hold.__exit__(None, None, None)

    async def _piece(self, function: FunctionConfig, piece: _Piece, pieces: list[_Piece], final: bool) -> None:
        ctx = self._ctx
        mapping = ctx.mapping
        entries = piece.entries
        last: Invocation | None = None
        last_event: dict[str, Any] | None = None
        throttles = 0
        while True:
            # Records older than MaximumRecordAgeInSeconds (or the retention) are discarded, never invoked (§7.1).
            expired = self._expired(entries)
            if expired:
                await self._discard(function, entries[:expired], Condition.RECORD_AGE_EXCEEDED, piece, last, last_event)
                entries = piece.entries = entries[expired:]
                if not entries and not final:
                    return
            if ctx.stopping:
                return  # not settled: read again after a restart
            event = self._owner.event(entries, final=final)
            try:
                invocation = await ctx.functions.invoke(function, orjson.dumps(event))
            except Throttled:
                # throttles are retried until the records expire and never count as attempts (§7.1)
                throttles += 1
                await self._wait(ctx.retry_delay(throttles))
                continue
            except Exception:
                log.exception("event source mapping %s could not invoke %s", mapping.uuid, function.name)
                throttles += 1
                await self._wait(ctx.retry_delay(throttles))
                continue
            piece.invokes += 1
            last, last_event = invocation, event
            outcome = judge(
                [e.sequence_number for e in entries],
                invocation.payload,
                invocation.function_error,
                report_item_failures=mapping.reports_item_failures,
                windowed=mapping.tumbling_window > 0,
            )
            if outcome.failed_from is None:
                ctx.last_result = OK
                await self._owner.settled(entries, outcome.state, final=final)
                return
            ctx.last_result = FUNCTION_FAILED
            cut = outcome.failed_from
            if cut > 0:
                # ReportBatchItemFailures: checkpoint before the lowest reported record, retry from there (§7.1)
                await self._owner.settled(entries[:cut], outcome.state, final=False)
                entries = piece.entries = entries[cut:]
                if mapping.bisect_batch_on_function_error:
                    # with bisection the batch is split at the reported record: a split, not a retry (§7.1)
                    pieces.append(piece)
                    return
            elif mapping.bisect_batch_on_function_error and len(entries) > 1:
                # Bisect: retry each half, first half first; splitting is not a retry (§7.1)
                middle = (len(entries) + 1) // 2
                pieces.append(_Piece(entries[middle:], piece.invokes, piece.retries))
                pieces.append(_Piece(entries[:middle], piece.invokes, piece.retries))
                return
            if 0 <= mapping.maximum_retry_attempts <= piece.retries:
                await self._discard(function, entries, Condition.RETRIES_EXHAUSTED, piece, last, last_event)
                return
            piece.retries += 1
            await self._wait(ctx.retry_delay(piece.retries))

    def _expired(self, entries: Sequence[Entry]) -> int:
        """How many of the first records are too old; records of a shard arrive in order."""
        oldest = self._ctx.clock.now() - self._ctx.max_age
        count = 0
        for entry in entries:
            if entry.record.arrival >= oldest:
                break
            count += 1
        return count

    async def _discard(
        self,
        function: FunctionConfig,
        entries: Sequence[Entry],
        condition: Condition,
        piece: _Piece,
        last: Invocation | None,
        last_event: dict[str, Any] | None,
    ) -> None:
        """Give up on records: an OnFailure record if a destination is set, then carry on after them (§7.1)."""
        ctx = self._ctx
        destination = ctx.mapping.on_failure_destination
        if destination and entries:
            now = ctx.clock.now()
            record = failure_record(
                kind=ctx.kind,
                stream_arn=ctx.stream_arn,
                shard_id=self._owner.shard_id,
                entries=entries,
                function_arn=function.arn,
                condition=condition,
                invoke_count=piece.invokes,
                request_id=last.request_id if last else None,
                function_error=last.function_error if last else None,
                now=now,
            )
            await send_failure(
                ctx.deliveries,
                destination,
                record,
                payload=last_event,
                mapping_uuid=ctx.mapping.uuid,
                shard_id=self._owner.shard_id,
                now=now,
            )
        await self._owner.settled(entries, None, final=not entries)

    async def _wait(self, delay: float) -> None:
        """Wait to retry without holding the tracker: settling sees the retry through ``next_due``."""
        ctx = self._ctx
        until = ctx.clock.now() + delay
        self._lane.retry_at = until
        self._release()
        ctx.tracker.poke()
        stopped = asyncio.ensure_future(ctx.stopped.wait())
        timer = asyncio.ensure_future(ctx.clock.sleep_until(until))
        try:
            await asyncio.wait((stopped, timer), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            timer.cancel()
            self._lane.retry_at = None
            self._acquire()

    def _release(self) -> None:
        if self._held:
            self._held = False
            self._hold.__exit__(None, None, None)

    def _acquire(self) -> None:
        if not self._held:
            self._held = True
            self._hold.__enter__()
