"""The CloudWatch Logs service: groups, streams and events per region, retention, tags, subscription
filters, the function-log sink and live listeners.

Events live in memory (an index per log stream, loaded at start) and in the store's stream log. What
PutLogEvents acknowledges is durable first; function output from the sink is stored in the
background. Once a batch is stored, live listeners hear of it and each subscription filter of its
group delivers the events it matches, as tracked background work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import replace
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.ids import DEFAULT_ACCOUNT
from triggerfish.core.patterns.logs_filter import InvalidFilterPattern, LogFilter, compile_filter_pattern
from triggerfish.core.work import WorkTracker
from triggerfish.runtime.logs import LogSink
from triggerfish.services.logs import subscriptions, validation
from triggerfish.services.logs.errors import InvalidParameter, filter_not_found, group_exists, stream_exists
from triggerfish.services.logs.models import (
    FILTER_KIND,
    GROUP_KIND,
    STREAM_KIND,
    EventPage,
    LogGroup,
    LogStream,
    OutputEvent,
    RejectedInfo,
    SubscriptionFilter,
    child_name,
    group_arn,
    store_stream,
)
from triggerfish.services.logs.reading import Source, filter_page, get_page
from triggerfish.services.logs.registry import GroupRegistry, LiveGroup, LiveStream
from triggerfish.services.logs.retention import RetentionKeeper
from triggerfish.services.logs.sink import FunctionLogSink
from triggerfish.services.logs.tags import resolve_group_name, tagged, untagged
from triggerfish.store.interfaces import Store
from triggerfish.store.streams import LogRecord

log = logging.getLogger(__name__)

Listener = Callable[[Sequence[OutputEvent]], None]


class LogsService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        deliveries: DeliveryRegistry,
        tracker: WorkTracker,
        *,
        account: str = DEFAULT_ACCOUNT,
    ) -> None:
        self.account = account
        self._clock = clock
        self._log = store.streams
        self._deliveries = deliveries
        self._tracker = tracker
        self.registry = GroupRegistry(store.documents, store.streams, account)
        self.retention = RetentionKeeper(self.registry, store.streams, clock)
        self._listeners: dict[tuple[str, str], list[Listener]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loading: asyncio.Task[None] | None = None
        #: where the runtime sends function output
        self.sink: LogSink = FunctionLogSink(self._ingest_function_output)

    async def start(self) -> None:
        """Groups, streams and filters load before this returns; their stored events load in the background
        (a day of function output is a second's reading), and readers wait for them with :meth:`ready`."""
        await self.registry.load()
        self._loading = asyncio.get_running_loop().create_task(self._load_events())

    async def _load_events(self) -> None:
        await self.registry.load_events()
        self.retention.start()

    async def ready(self) -> None:
        """Once every stored event is in the index (at once after that)."""
        if self._loading is not None and not self._loading.done():
            await asyncio.shield(self._loading)

    async def close(self) -> None:
        if self._loading is not None and not self._loading.done():
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading
        await self.retention.close()
        # background writes were promised to the store: let them land
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _now_ms(self) -> int:
        return round(self._clock.now() * 1000)

    # --- log groups -------------------------------------------------------------------------------

    async def create_log_group(
        self,
        region: str,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        kms_key_id: str | None = None,
        log_group_class: str | None = None,
    ) -> LogGroup:
        validation.check_group_name(name)
        group_class = log_group_class or "STANDARD"
        validation.check_group_class(group_class)
        if self.registry.find(region, name) is not None:
            raise group_exists()
        config = LogGroup(
            region=region,
            name=name,
            arn=group_arn(region, self.account, name),
            created=self._now_ms(),
            retention_days=None,
            stored_bytes=0,
            log_group_class=group_class,
            kms_key_id=kms_key_id,
            tags=tagged({}, tags or {}),
        )
        live = self.registry.add_group(config)
        try:
            await self.registry.save_group(config, self._clock.now())
        except BaseException:
            self.registry.remove_group(live)
            raise
        return live.snapshot()

    async def delete_log_group(self, region: str, name: str) -> None:
        live = self.registry.get(region, name)
        self.registry.remove_group(live)
        await self._log.drop(store_stream(region, name))
        for stream in live.streams:
            await self.registry.delete_document(STREAM_KIND, region, child_name(name, stream))
        for item in live.filters:
            await self.registry.delete_document(FILTER_KIND, region, child_name(name, item))
        await self.registry.delete_document(GROUP_KIND, region, name)

    def describe_log_groups(
        self, region: str, *, prefix: str | None = None, pattern: str | None = None
    ) -> list[LogGroup]:
        """The region's groups by name; ``pattern`` is a case-sensitive substring (DescribeLogGroups)."""
        if prefix is not None and pattern is not None:
            # logGroupNamePrefix and logGroupNamePattern are mutually exclusive (DescribeLogGroups)
            raise InvalidParameter("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive.")
        groups = self.registry.in_region(region)
        return [
            live.snapshot()
            for live in groups
            if (prefix is None or live.name.startswith(prefix)) and (pattern is None or pattern in live.name)
        ]

    def log_group(self, region: str, name: str) -> LogGroup:
        return self.registry.get(region, name).snapshot()

    async def put_retention_policy(self, region: str, name: str, days: int) -> None:
        validation.check_retention(days)
        await self._reconfigure(self.registry.get(region, name), retention_days=days)
        self.retention.poke()

    async def delete_retention_policy(self, region: str, name: str) -> None:
        await self._reconfigure(self.registry.get(region, name), retention_days=None)

    async def tag(self, region: str, arn_or_name: str, tags: Mapping[str, str]) -> None:
        live = self.registry.get(region, resolve_group_name(arn_or_name))
        await self._reconfigure(live, tags=tagged(live.config.tags, tags))

    async def untag(self, region: str, arn_or_name: str, keys: Sequence[str]) -> None:
        live = self.registry.get(region, resolve_group_name(arn_or_name))
        await self._reconfigure(live, tags=untagged(live.config.tags, keys))

    def tags_of(self, region: str, arn_or_name: str) -> dict[str, str]:
        return dict(self.registry.get(region, resolve_group_name(arn_or_name)).config.tags)

    async def _reconfigure(self, live: LiveGroup, **changes: Any) -> None:
        config = replace(live.config, **changes)
        await self.registry.save_group(config, self._clock.now())
        live.config = config

    # --- log streams ------------------------------------------------------------------------------

    async def create_log_stream(self, region: str, group: str, name: str) -> LogStream:
        validation.check_child_name(name, "logStreamName")
        live = self.registry.get(region, group)
        if name in live.streams:
            raise stream_exists()
        stream = self.registry.new_stream(live, name, self._now_ms())
        try:
            await self.registry.save_stream(live, stream, self._clock.now())
        except BaseException:
            live.streams.pop(name, None)
            raise
        return stream.snapshot(group)

    async def delete_log_stream(self, region: str, group: str, name: str) -> None:
        live = self.registry.get(region, group)
        live.stream(name)
        del live.streams[name]
        # its records stay in the stream log until retention or the group's deletion; loading skips them
        await self.registry.delete_document(STREAM_KIND, region, child_name(group, name))

    def describe_log_streams(
        self,
        region: str,
        group: str,
        *,
        prefix: str | None = None,
        order_by: str = "LogStreamName",
        descending: bool = False,
    ) -> list[LogStream]:
        live = self.registry.get(region, group)
        if order_by not in ("LogStreamName", "LastEventTime"):
            raise InvalidParameter(
                f"1 validation error detected: Value '{order_by}' at 'orderBy' failed to satisfy constraint: "
                "Member must satisfy enum value set: [LogStreamName, LastEventTime]"
            )
        if order_by == "LastEventTime" and prefix is not None:
            # "If orderBy is LastEventTime, you cannot specify" logStreamNamePrefix (DescribeLogStreams)
            raise InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.")
        streams = [s.snapshot(group) for s in live.streams.values() if prefix is None or s.name.startswith(prefix)]
        if order_by == "LastEventTime":
            streams.sort(key=lambda s: (s.last_event or 0, s.name), reverse=descending)
        else:
            streams.sort(key=lambda s: s.name, reverse=descending)
        return streams

    # --- events -----------------------------------------------------------------------------------

    async def put_log_events(
        self, region: str, group: str, stream: str, events: Sequence[tuple[int, str]]
    ) -> RejectedInfo | None:
        """Store the acceptable events (durably, before returning); the rest are reported.
        Sequence tokens are ignored (PutLogEvents, since January 2023)."""
        live = self.registry.get(region, group)
        target = live.stream(stream)
        validation.check_batch(events)
        now_ms = self._now_ms()
        info = validation.rejected(events, now_ms, live.config.retention_days)
        first, last = 0, len(events)
        if info is not None:
            first = max(info.too_old_end or 0, info.expired_end or 0)
            last = info.too_new_start if info.too_new_start is not None else last
        accepted = events[first:last]
        if accepted:
            batch, write = self._append(live, target, accepted, now_ms)
            await write
            self._stored(live, batch)
        return info

    def get_log_events(
        self,
        region: str,
        group: str,
        stream: str,
        *,
        start: int | None = None,
        end: int | None = None,
        start_from_head: bool = False,
        limit: int | None = None,
        token: str | None = None,
    ) -> tuple[list[OutputEvent], str, str]:
        """A page of the stream's events and the next forward and backward tokens (GetLogEvents)."""
        target = self.registry.get(region, group).stream(stream)
        return get_page(target.events, start=start, end=end, start_from_head=start_from_head, limit=limit, token=token)

    def filter_log_events(
        self,
        region: str,
        groups: Sequence[str],
        *,
        streams: Sequence[str] | None = None,
        stream_prefix: str | None = None,
        start: int | None = None,
        end: int | None = None,
        pattern: str = "",
        limit: int | None = None,
        token: str | None = None,
    ) -> EventPage:
        if streams is not None and stream_prefix is not None:
            # both logStreamNames and logStreamNamePrefix is an error (FilterLogEvents)
            raise InvalidParameter("You cannot specify both LogStreamNames and LogStreamNamePrefix.")
        log_filter = _compile(pattern)
        sources: list[Source] = []
        for name in groups:
            live = self.registry.get(region, name)
            for stream in sorted(live.streams.values(), key=lambda s: s.name):
                if streams is not None and stream.name not in streams:
                    continue
                if stream_prefix is not None and not stream.name.startswith(stream_prefix):
                    continue
                sources.append(Source(name, stream.name, stream.events))
        events, next_token = filter_page(sources, start=start, end=end, log_filter=log_filter, limit=limit, token=token)
        return EventPage(events, next_token, [source.stream for source in sources])

    def listen(self, region: str, groups: Sequence[str], callback: Listener) -> Callable[[], None]:
        """Call ``callback`` (on the loop) with each batch of these groups' events once it is stored."""
        keys = [(region, group) for group in groups]
        for key in keys:
            self._listeners.setdefault(key, []).append(callback)

        def stop() -> None:
            for key in keys:
                callbacks = self._listeners.get(key, [])
                if callback in callbacks:
                    callbacks.remove(callback)
                if not callbacks:
                    self._listeners.pop(key, None)

        return stop

    def latest_position(self, region: str, group: str) -> int:
        """The position of the group's latest event (0 before any): later events have higher ones."""
        return self.registry.get(region, group).last_position

    # --- subscription filters ---------------------------------------------------------------------------

    async def put_subscription_filter(
        self,
        region: str,
        group: str,
        name: str,
        pattern: str,
        destination_arn: str,
        *,
        role_arn: str | None = None,
        distribution: str | None = None,
    ) -> None:
        validation.check_child_name(name, "filterName")
        live = self.registry.get(region, group)
        _compile(pattern)
        distribution = distribution or "ByLogStream"
        validation.check_distribution(distribution)
        subscriptions.check_room(list(live.filters), name)
        subscriptions.check_destination(self._deliveries, destination_arn)
        item = SubscriptionFilter(group, name, pattern, destination_arn, role_arn, distribution, self._now_ms())
        await self.registry.save_filter(region, item, self._clock.now())
        live.filters[name] = item

    def describe_subscription_filters(
        self, region: str, group: str, *, prefix: str | None = None
    ) -> list[SubscriptionFilter]:
        live = self.registry.get(region, group)
        found = [item for item in live.filters.values() if prefix is None or item.name.startswith(prefix)]
        return sorted(found, key=lambda item: item.name)

    async def delete_subscription_filter(self, region: str, group: str, name: str) -> None:
        live = self.registry.get(region, group)
        if name not in live.filters:
            raise filter_not_found()
        del live.filters[name]
        await self.registry.delete_document(FILTER_KIND, region, child_name(group, name))

    # --- ingestion ----------------------------------------------------------------------------------

    def _append(
        self, live: LiveGroup, stream: LiveStream, events: Sequence[tuple[int, str]], ingestion: int
    ) -> tuple[list[OutputEvent], Awaitable[None]]:
        """Index the events at once and queue their records; the awaitable resolves once they are durable."""
        key = store_stream(live.config.region, live.name)
        batch: list[OutputEvent] = []
        records: list[LogRecord] = []
        for timestamp, message in events:
            live.last_position += 1
            position = live.last_position
            event = OutputEvent(live.name, stream.name, timestamp, ingestion, message, position)
            stream.events.add(event)
            batch.append(event)
            # arrival is the event's own time, so trimming by arrival implements retention
            records.append(
                LogRecord(key, stream.name, position, timestamp / 1000, str(ingestion), message.encode("utf-8"))
            )
        return batch, self._log.append(records)

    def _stored(self, live: LiveGroup, batch: Sequence[OutputEvent]) -> None:
        region = live.config.region
        if self.registry.find(region, live.name) is not live:
            return
        if live.config.retention_days is not None:
            self.retention.poke()
        for callback in list(self._listeners.get((region, live.name), ())):
            try:
                callback(batch)
            except Exception:
                log.exception("a listener of log group %s failed", live.name)
        for item in list(live.filters.values()):
            self._spawn(subscriptions.deliver(self._deliveries, self.account, item, batch))

    def _ingest_function_output(
        self, region: str, group: str, stream: str, timestamp: int, messages: Sequence[str]
    ) -> None:
        """The sink's path: never waits; the group and stream are created on first use (as Lambda does)."""
        live = self.registry.find(region, group)
        saves: list[Coroutine[Any, Any, None]] = []
        now = self._clock.now()
        if live is None:
            config = LogGroup(region, group, group_arn(region, self.account, group), self._now_ms(), None, 0)
            live = self.registry.add_group(config)
            saves.append(self.registry.save_group(config, now))
        target = live.streams.get(stream)
        if target is None:
            target = self.registry.new_stream(live, stream, self._now_ms())
            saves.append(self.registry.save_stream(live, target, now))
        batch, write = self._append(live, target, [(timestamp, message) for message in messages], self._now_ms())
        self._spawn(self._store_output(live, batch, saves, write))

    async def _store_output(
        self,
        live: LiveGroup,
        batch: Sequence[OutputEvent],
        saves: Sequence[Coroutine[Any, Any, None]],
        write: Awaitable[None],
    ) -> None:
        outcomes = await asyncio.gather(*saves, return_exceptions=True)
        await write
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                log.error("saving log group %s or its stream failed: %s", live.name, outcome)
        self._stored(live, batch)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        hold = self._tracker.hold()
        hold.__enter__()
        task = asyncio.get_running_loop().create_task(_logged(work))
        self._tasks.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._tasks.discard(finished)
            hold.__exit__(None, None, None)

        task.add_done_callback(done)


async def _logged(work: Coroutine[Any, Any, None]) -> None:
    try:
        await work
    except Exception:
        log.exception("storing or delivering log events failed")


def _compile(pattern: str) -> LogFilter:
    try:
        return compile_filter_pattern(pattern)
    except InvalidFilterPattern as exc:
        raise InvalidParameter(str(exc)) from None
