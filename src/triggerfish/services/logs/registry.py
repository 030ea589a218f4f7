"""Log groups, their streams and subscription filters: held live in memory, their configuration in
documents (kinds ``logs.group``, ``logs.stream``, ``logs.subscription``), their events in the store's
stream log (stream ``logs:<region>:<group>``, shard = log stream name, position = the group's counter).

The stream log cannot drop one shard, so a log stream keeps a *floor*: the group's last position when
the stream was created. Records of a shard at or below its stream's floor belong to an earlier
stream of the same name (deleted since) and are skipped when the group is loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from triggerfish.services.logs.errors import group_not_found, stream_not_found
from triggerfish.services.logs.index import StreamEvents
from triggerfish.services.logs.models import (
    FILTER_KIND,
    GROUP_KIND,
    STREAM_KIND,
    LogGroup,
    LogStream,
    OutputEvent,
    SubscriptionFilter,
    child_name,
    group_arn,
    store_stream,
    stream_arn,
)
from triggerfish.store.interfaces import DocumentStore
from triggerfish.store.streams import StreamLogStore

_LOAD_CHUNK = 10_000


@dataclass
class LiveStream:
    name: str
    arn: str
    created: int
    floor: int
    events: StreamEvents = field(default_factory=StreamEvents)

    def snapshot(self, group: str) -> LogStream:
        return LogStream(
            group=group,
            name=self.name,
            arn=self.arn,
            created=self.created,
            first_event=self.events.first_timestamp,
            last_event=self.events.last_timestamp,
            last_ingestion=self.events.last_ingestion,
            stored_bytes=self.events.stored_bytes,
        )


@dataclass
class LiveGroup:
    config: LogGroup
    last_position: int = 0
    streams: dict[str, LiveStream] = field(default_factory=dict)
    filters: dict[str, SubscriptionFilter] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.config.name

    def snapshot(self) -> LogGroup:
        stored = sum(stream.events.stored_bytes for stream in self.streams.values())
        return replace(self.config, stored_bytes=stored)

    def stream(self, name: str) -> LiveStream:
        found = self.streams.get(name)
        if found is None:
            raise stream_not_found()
        return found

    def oldest_timestamp(self) -> int | None:
        firsts = [ts for stream in self.streams.values() if (ts := stream.events.first_timestamp) is not None]
        return min(firsts) if firsts else None


class GroupRegistry:
    def __init__(self, documents: DocumentStore, log: StreamLogStore, account: str) -> None:
        self._documents = documents
        self._log = log
        self.account = account
        self._groups: dict[tuple[str, str], LiveGroup] = {}
        self._unloaded: list[tuple[str, LiveGroup, LiveStream, int]] = []

    # --- lookup ---------------------------------------------------------------------------------

    def find(self, region: str, name: str) -> LiveGroup | None:
        return self._groups.get((region, name))

    def get(self, region: str, name: str) -> LiveGroup:
        found = self._groups.get((region, name))
        if found is None:
            raise group_not_found()
        return found

    def in_region(self, region: str) -> list[LiveGroup]:
        return sorted((live for (r, _), live in self._groups.items() if r == region), key=lambda live: live.name)

    def all(self) -> Iterator[LiveGroup]:
        return iter(list(self._groups.values()))

    # --- changes (memory first, then the document) ------------------------------------------------

    def add_group(self, config: LogGroup, last_position: int = 0) -> LiveGroup:
        live = LiveGroup(config, last_position)
        self._groups[(config.region, config.name)] = live
        return live

    def remove_group(self, live: LiveGroup) -> None:
        key = (live.config.region, live.name)
        if self._groups.get(key) is live:
            del self._groups[key]

    def new_stream(self, live: LiveGroup, name: str, created: int) -> LiveStream:
        region = live.config.region
        stream = LiveStream(name, stream_arn(region, self.account, live.name, name), created, live.last_position)
        live.streams[name] = stream
        return stream

    def scope(self, region: str) -> str:
        return f"{self.account}/{region}"

    async def save_group(self, config: LogGroup, now: float) -> None:
        body = {
            "created": config.created,
            "retention": config.retention_days,
            "class": config.log_group_class,
            "kms": config.kms_key_id,
            "tags": dict(config.tags),
        }
        await self._put(GROUP_KIND, config.region, config.name, body, now)

    async def save_stream(self, live: LiveGroup, stream: LiveStream, now: float) -> None:
        body = {"created": stream.created, "floor": stream.floor}
        await self._put(STREAM_KIND, live.config.region, child_name(live.name, stream.name), body, now)

    async def save_filter(self, region: str, item: SubscriptionFilter, now: float) -> None:
        body = {
            "pattern": item.pattern,
            "destination": item.destination_arn,
            "role": item.role_arn,
            "distribution": item.distribution,
            "created": item.created,
        }
        await self._put(FILTER_KIND, region, child_name(item.group, item.name), body, now)

    async def delete_document(self, kind: str, region: str, name: str) -> None:
        await self._documents.delete(kind, self.scope(region), name)

    async def _put(self, kind: str, region: str, name: str, body: Mapping[str, Any], now: float) -> None:
        text = json.dumps(body, separators=(",", ":"))
        await self._documents.put(kind, self.scope(region), name, text, now=now)

    # --- loading after a restart ---------------------------------------------------------------------

    async def load(self) -> None:
        """Groups, streams and filters; their events are left to :meth:`load_events`."""
        for document in await self._documents.list(GROUP_KIND):
            account, _, region = document.scope.partition("/")
            if account != self.account:
                continue
            body = json.loads(document.body)
            config = LogGroup(
                region=region,
                name=document.name,
                arn=group_arn(region, account, document.name),
                created=int(body["created"]),
                retention_days=body.get("retention"),
                stored_bytes=0,
                log_group_class=str(body.get("class") or "STANDARD"),
                kms_key_id=body.get("kms"),
                tags=dict(body.get("tags") or {}),
            )
            positions = await self._log.last_positions(store_stream(region, config.name))
            self.add_group(config, max(positions.values(), default=0))
        for document in await self._documents.list(STREAM_KIND):
            account, _, region = document.scope.partition("/")
            group, _, name = document.name.partition(":")
            live = self._groups.get((region, group))
            if account != self.account or live is None:
                continue
            body = json.loads(document.body)
            arn = stream_arn(region, account, group, name)
            stream = LiveStream(name, arn, int(body["created"]), int(body["floor"]))
            live.streams[name] = stream
            # what is stored now; anything written after start is in the index already
            self._unloaded.append((region, live, stream, live.last_position))
        for document in await self._documents.list(FILTER_KIND):
            account, _, region = document.scope.partition("/")
            group, _, name = document.name.partition(":")
            live = self._groups.get((region, group))
            if account != self.account or live is None:
                continue
            body = json.loads(document.body)
            live.filters[name] = SubscriptionFilter(
                group=group,
                name=name,
                pattern=str(body["pattern"]),
                destination_arn=str(body["destination"]),
                role_arn=body.get("role"),
                distribution=str(body.get("distribution") or "ByLogStream"),
                created=int(body["created"]),
            )

    async def load_events(self) -> None:
        """The stored events of every stream :meth:`load` found. New events may arrive meanwhile: a stored
        event goes into the index by its key, wherever that falls."""
        unloaded, self._unloaded = self._unloaded, []
        for region, live, stream, ceiling in unloaded:
            await self._load_events(region, live, stream, ceiling)

    async def _load_events(self, region: str, live: LiveGroup, stream: LiveStream, ceiling: int) -> None:
        key = store_stream(region, live.name)
        after: int | None = stream.floor
        while True:
            records = await self._log.read(key, stream.name, after=after, limit=_LOAD_CHUNK)
            for record in records:
                if record.position > ceiling:
                    return
                timestamp = round(record.arrival * 1000)
                stream.events.add(
                    OutputEvent(
                        group=live.name,
                        stream=stream.name,
                        timestamp=timestamp,
                        ingestion=int(record.partition_key),
                        message=record.data.decode("utf-8"),
                        position=record.position,
                    )
                )
            if len(records) < _LOAD_CHUNK:
                return
            after = records[-1].position
