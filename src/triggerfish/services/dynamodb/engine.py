"""The table engine: live tables in memory over a durable store, and the streams their changes feed.

A change is applied to memory at once (item and every index), so the next request sees it; the
item writes and the stream records they produce go to the store in ONE transaction, and the caller
answers only once that is durable. Stream consumers are told after the records are durable, never
before, so whatever they read was acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import orjson

from triggerfish.core.clock import Clock, sleep_until_woken
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.errors import ResourceNotFound
from triggerfish.services.dynamodb.models import AttributeValue, Item, TableConfig
from triggerfish.services.dynamodb.stream_records import change_record, label_time, view_type_of
from triggerfish.services.dynamodb.stream_state import StreamOwner, TableStream
from triggerfish.services.dynamodb.table_data import TableData
from triggerfish.services.dynamodb.ttl import expiry_of, has_expired
from triggerfish.services.dynamodb.values import equal, from_json, key_text, to_json
from triggerfish.store.streams import ItemWrite, LogRecord, StreamLogStore, TableItemStore

log = logging.getLogger(__name__)

#: DynamoDB Streams keep records for 24 hours (developer guide, "DynamoDB Streams")
RETENTION_SECONDS = 24 * 3600
TRIM_INTERVAL = 3600.0
_SWEEP_BATCH = 1000

Listener = Callable[[], None]


@dataclass(frozen=True)
class ItemChange:
    """One item of one table put (``new``) or deleted (``new is None``). ``old`` is what the caller read;
    the engine records the item as memory holds it when the change is committed."""

    table: TableData
    key: Item
    old: Item | None
    new: Item | None


class TableEngine:
    def __init__(
        self,
        items: TableItemStore,
        log: StreamLogStore,
        clock: Clock,
        tracker: WorkTracker,
        *,
        ttl_interval: float = 1.0,
    ) -> None:
        self._items = items
        self._log = log
        self._clock = clock
        self._tracker = tracker
        self._ttl_interval = ttl_interval
        self._tables: dict[str, TableData] = {}
        #: every known stream by ARN, enabled or closed, in creation order
        self._streams: dict[str, TableStream] = {}
        #: the enabled stream of each table, by table id
        self._live: dict[str, TableStream] = {}
        self._listeners: dict[str, list[Listener]] = {}
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._wake_at = math.inf

    # --- tables -----------------------------------------------------------------------------------

    async def open(self, config: TableConfig, *, load: bool) -> TableData:
        """A live table; ``load`` reads its items from the store (at start)."""
        data = TableData(config)
        if load:
            rows = await self._items.load(config.table_id)
            data.load((text, from_json(orjson.loads(body))) for text, body in rows)
        self._tables[config.table_id] = data
        if config.stream_label is not None and config.stream_arn not in self._streams:
            await self._restore_stream(config)
        self._poke_ttl(data)
        return data

    def reconfigure(self, data: TableData, config: TableConfig) -> None:
        """Apply a table's new configuration: indexes built or dropped at once, the stream opened or closed."""
        data.reconfigure(config)
        live = self._live.get(config.table_id)
        if live is not None and (live.arn != config.stream_arn or not config.stream_enabled):
            self._close(live)
        arn = config.stream_arn
        if config.stream_enabled and arn is not None and config.stream_label is not None:
            stream = self._streams.get(arn)
            if stream is None:
                stream = TableStream(
                    arn, config.stream_label, StreamOwner.of(config), config.stream_view_type, self._clock.now(), 0
                )
                self._streams[arn] = stream
            stream.view = config.stream_view_type
            if stream.enabled:
                self._live[config.table_id] = stream
            self._notify(arn)
        self._poke_ttl(data)

    async def drop(self, data: TableData) -> None:
        """Forget a table and delete its items; its stream closes and stays readable until retention ends."""
        data.dropped = True
        table_id = data.config.table_id
        self._tables.pop(table_id, None)
        live = self._live.get(table_id)
        if live is not None:
            self._close(live)
        data.clear()
        await self._items.drop(table_id)

    def tables(self) -> list[TableData]:
        return list(self._tables.values())

    # --- writes -----------------------------------------------------------------------------------

    def commit(self, changes: Sequence[ItemChange], *, ttl: bool = False) -> Awaitable[None]:
        """Apply the changes to memory now and return the awaitable of their one durable write.

        A change that leaves an item as it was writes nothing and produces no stream record (developer
        guide, "Change data capture for DynamoDB Streams": no record when a write changes no data).
        ``ttl`` marks deletions by Time to Live (their records carry ``userIdentity``).
        """
        now = self._clock.now()
        writes: list[ItemWrite] = []
        records: list[LogRecord] = []
        for change in changes:
            data = change.table
            if data.dropped:
                raise ResourceNotFound()
            text = key_text(change.key)
            new = change.new
            old = data.get_by_text(text)
            if _unchanged(old, new):
                continue
            data.apply(text, new)
            body = None if new is None else orjson.dumps(to_json(new))
            writes.append(ItemWrite(data.config.table_id, text, body))
            stream = self._live.get(data.config.table_id)
            if stream is not None and stream.view is not None:
                key = data.key_of(new if new is not None else old)  # type: ignore[arg-type]
                records.append(
                    change_record(
                        stream_arn=stream.arn,
                        shard_id=stream.shard_id,
                        position=stream.next_position(),
                        view=stream.view,
                        key=key,
                        old=old,
                        new=new,
                        now=now,
                        ttl=ttl,
                    )
                )
            if new is not None and data.expiries.earliest() is not None:
                self._poke_ttl(data)
        if not writes:
            return _done()
        written = self._items.write(writes, records)
        if not records:
            return written
        future = asyncio.ensure_future(written)
        future.add_done_callback(partial(self._landed, records))
        return future

    def _landed(self, records: list[LogRecord], future: asyncio.Future[None]) -> None:
        if future.cancelled() or future.exception() is not None:
            log.error("stream records %s..%s were not stored", records[0].position, records[-1].position)
            return
        arns: list[str] = []
        for record in records:
            stream = self._streams.get(record.stream)
            if stream is not None:
                stream.landed(record)
            if record.stream not in arns:
                arns.append(record.stream)
        for arn in arns:
            self._notify(arn)

    # --- streams ----------------------------------------------------------------------------------

    def stream(self, arn: str) -> TableStream | None:
        return self._streams.get(arn)

    def streams(self) -> list[TableStream]:
        return list(self._streams.values())

    def live_stream(self, data: TableData) -> TableStream | None:
        return self._live.get(data.config.table_id)

    async def read(self, stream: TableStream, *, after: int | None, limit: int) -> Sequence[LogRecord]:
        """Up to ``limit`` durable, unexpired records after position ``after`` (``None``: the oldest)."""
        cutoff = self._clock.now() - RETENTION_SECONDS
        records = stream.cached(after, limit)
        if records is None:
            records = await self._log.read(stream.arn, stream.shard_id, after=after, limit=limit)
        if records and records[0].arrival < cutoff:
            # the oldest records are past retention but not trimmed yet: start at the first one within it
            first = await self._log.first_at(stream.arn, stream.shard_id, cutoff)
            if first is None:
                return ()
            records = await self._log.read(stream.arn, stream.shard_id, after=first - 1, limit=limit)
        return records

    async def oldest_position(self, stream: TableStream) -> int:
        """The position of the oldest record still within retention (one past the newest when none is)."""
        cutoff = self._clock.now() - RETENTION_SECONDS
        first = await self._log.first_at(stream.arn, stream.shard_id, cutoff)
        return stream.durable + 1 if first is None else first

    async def first_at(self, stream: TableStream, timestamp: float) -> int | None:
        return await self._log.first_at(stream.arn, stream.shard_id, timestamp)

    def on_records(self, arn: str, callback: Listener) -> Callable[[], None]:
        listeners = self._listeners.setdefault(arn, [])
        listeners.append(callback)

        def stop() -> None:
            with contextlib.suppress(ValueError):
                listeners.remove(callback)

        return stop

    def _notify(self, arn: str) -> None:
        for callback in list(self._listeners.get(arn, ())):
            try:
                callback()
            except Exception:
                log.exception("a stream listener of %s failed", arn)

    def _close(self, stream: TableStream) -> None:
        stream.close(self._clock.now())
        self._live.pop(stream.owner.table_id, None)
        self._notify(stream.arn)

    async def _restore_stream(self, config: TableConfig) -> None:
        arn, label = config.stream_arn, config.stream_label
        assert arn is not None and label is not None
        positions = await self._log.last_positions(arn)
        position = max(positions.values(), default=0)
        view = config.stream_view_type
        last: LogRecord | None = None
        if position:
            found = await self._log.read(arn, next(iter(positions)), after=position - 1, limit=1)
            last = found[0] if found else None
        if view is None and last is not None:
            # a disabled stream's view type is not in the table's configuration; its records say it
            view = view_type_of(last.data)
        stream = TableStream(arn, label, StreamOwner.of(config), view, label_time(label), position)
        if last is not None:
            stream.last_arrival = last.arrival
        self._streams[arn] = stream
        if config.stream_enabled:
            self._live[config.table_id] = stream
        else:
            stream.close(self._clock.now())

    # --- time to live and retention ---------------------------------------------------------------

    def start_ttl(self) -> None:
        """Start the background sweep (expired items, stream retention). It holds no work token:
        waiting for things to settle never waits for an expiry."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._maintain())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def sweep_ttl(self, now: float) -> int:
        """Delete every item whose TTL timestamp is before ``now``; returns how many were deleted."""
        deleted = 0
        for data in list(self._tables.values()):
            ttl = data.config.ttl_attribute if data.config.ttl_enabled else None
            if ttl is None:
                continue
            while due := data.expiries.pop_before(now, _SWEEP_BATCH):
                changes = []
                for when, text in due:
                    item = data.get_by_text(text)
                    if item is not None and expiry_of(item, ttl) == when and has_expired(when, now):
                        changes.append(ItemChange(data, data.key_of(item), item, None))
                if changes and not data.dropped:
                    await self.commit(changes, ttl=True)
                    deleted += len(changes)
        return deleted

    async def trim_streams(self, now: float) -> None:
        """Drop records past retention, and forget closed streams whose records all are."""
        cutoff = now - RETENTION_SECONDS
        for stream in list(self._streams.values()):
            last = stream.last_arrival
            if stream.closed_at is not None and stream.closed_at < cutoff and (last is None or last < cutoff):
                del self._streams[stream.arn]
                await self._log.drop(stream.arn)
                self._notify(stream.arn)
            elif last is not None:
                # the newest record stays, so its position survives a restart; reads skip it once expired
                await self._log.trim(stream.arn, before=min(cutoff, last))

    async def _maintain(self) -> None:
        next_trim = self._clock.now()
        last_sweep = -math.inf
        while True:
            self._wake.clear()
            now = self._clock.now()
            if now >= next_trim:
                next_trim = now + TRIM_INTERVAL
                await self._safely(self.trim_streams(now))
            earliest = self._earliest_expiry()
            if earliest is not None and earliest < now and now >= last_sweep + self._ttl_interval:
                last_sweep = now
                await self._safely(self.sweep_ttl(now))
                continue
            wake_at = next_trim
            if earliest is not None:
                wake_at = min(wake_at, max(math.nextafter(earliest, math.inf), last_sweep + self._ttl_interval))
            await self._sleep(wake_at)

    async def _safely(self, work: Awaitable[object]) -> None:
        try:
            await work
        except Exception:
            log.exception("DynamoDB background maintenance failed")

    def _earliest_expiry(self) -> float | None:
        times = [when for data in self._tables.values() if (when := data.expiries.earliest()) is not None]
        return min(times, default=None)

    def _poke_ttl(self, data: TableData) -> None:
        earliest = data.expiries.earliest()
        if earliest is not None and earliest < self._wake_at:
            self._wake.set()

    async def _sleep(self, when: float) -> None:
        self._wake_at = when
        try:
            await sleep_until_woken(self._clock, self._wake, when)
        finally:
            self._wake_at = math.inf


def _unchanged(old: Mapping[str, AttributeValue] | None, new: Mapping[str, AttributeValue] | None) -> bool:
    if old is None or new is None:
        return old is new
    return old.keys() == new.keys() and all(equal(old[name], new[name]) for name in old)


def _done() -> asyncio.Future[None]:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future
