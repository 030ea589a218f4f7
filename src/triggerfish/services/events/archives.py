"""EventBridge archives: CreateArchive and its siblings, and keeping the events a bus receives (§4.5).

Archives are held in memory, indexed by their bus, so that ``record`` costs nothing on a bus without
one; every change is written to the DocumentStore before it is acknowledged. An archive's counters
change under its lock together with the event it keeps. Retention is swept lazily, at most once a
minute per archive, when an archive is written to or read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.core.patterns import CompiledPattern, InvalidPattern, compile_pattern
from triggerfish.core.scope import scope_key
from triggerfish.services.events import archive_params as params
from triggerfish.services.events.archive_models import (
    ARCHIVE_KIND,
    REPLAY_NAME,
    Archive,
    ArchivedEvent,
)
from triggerfish.services.events.archive_shapes import (
    ArchiveChange,
    ArchiveDescription,
    ArchiveList,
    archive_change,
    archive_description,
    archive_summary,
)
from triggerfish.services.events.archive_store import ArchivedEvents
from triggerfish.services.events.errors import InvalidEventPattern, ResourceAlreadyExists, ResourceNotFound
from triggerfish.services.events.models import Scope
from triggerfish.services.events.naming import parse_bus_arn
from triggerfish.services.events.paging import page
from triggerfish.store.interfaces import DocumentStore, RevisionMismatch

DAY = 86_400.0
#: the least time between two retention sweeps of one archive
SWEEP_INTERVAL = 60.0


@dataclass(eq=False)
class _Live:
    archive: Archive
    pattern: CompiledPattern | None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    swept_at: float = float("-inf")


class Archives:
    def __init__(
        self, documents: DocumentStore, clock: Clock, *, bus_exists: Callable[[str], bool] | None = None
    ) -> None:
        self._documents = documents
        self._clock = clock
        self._bus_exists = bus_exists
        self._events = ArchivedEvents(documents)
        self._archives: dict[tuple[str, str], _Live] = {}  # by (scope, name)
        self._by_bus: dict[str, list[_Live]] = {}

    async def start(self) -> None:
        for document in await self._documents.list(ARCHIVE_KIND, None):
            archive = Archive.from_json(document.body)
            self._add(_Live(archive, _compile(archive.event_pattern)))

    async def close(self) -> None:
        self._archives.clear()
        self._by_bus.clear()

    # --- keeping events ---------------------------------------------------------------------------

    async def record(self, bus_arn: str, event: Mapping[str, Any]) -> None:
        """Keep ``event``, just put on the bus ``bus_arn``, in every archive of that bus that wants it."""
        # "Replayed events are not sent to an archive." (CreateArchive, botocore model)
        if REPLAY_NAME in event:
            return
        for live in tuple(self._by_bus.get(bus_arn, ())):
            if live.pattern is not None and not live.pattern.matches(event):
                continue
            async with live.lock:
                if not self._is_live(live):
                    continue
                archive = live.archive
                size = await self._events.put(archive.scope, archive.name, event, now=self._clock.now())
                live.archive = replace(
                    archive, event_count=archive.event_count + 1, size_bytes=archive.size_bytes + size
                )
                await self._sweep(live)
                await self._save(live.archive)

    async def find(self, name: str, *, scope: Scope) -> Archive | None:
        live = self._archives.get((scope_key(scope), name))
        return None if live is None else live.archive

    async def scan(
        self, archive: Archive, *, start: float, end: float, after: str | None = None
    ) -> AsyncGenerator[ArchivedEvent, None]:
        """The events ``archive`` keeps with a time in ``[start, end)``, oldest first, after key ``after``;
        events past their retention are left out even before the sweep has removed them, and the
        reading stops if the archive is deleted."""
        live = self._archives.get((archive.scope, archive.name))
        if live is None:
            return
        retention = live.archive.retention_days
        cutoff = self._clock.now() - retention * DAY if retention else None
        async for stored in self._events.scan(archive.scope, archive.name, start=start, end=end, after=after):
            if not self._is_live(live):
                return  # deleted while being read
            if cutoff is not None and stored.ingested_at < cutoff and stored.time < cutoff:
                continue
            yield stored

    # --- the API ----------------------------------------------------------------------------------

    async def create(self, fields: Mapping[str, Any], *, scope: Scope) -> ArchiveChange:
        name = params.name(fields, "ArchiveName", "archiveName", params.ARCHIVE_NAME)
        source = params.required_text(fields, "EventSourceArn", "eventSourceArn")
        description = params.optional_text(fields, "Description", "description", params.DESCRIPTION)
        pattern_text = params.optional_text(fields, "EventPattern", "eventPattern")
        pattern = _compile(pattern_text)
        retention = params.retention_days(fields) or 0
        kms_key = params.optional_text(fields, "KmsKeyIdentifier", "kmsKeyIdentifier")
        source = self._check_bus(source, scope)
        key = (scope_key(scope), name)
        if key in self._archives:
            raise _exists(name)
        archive = Archive(
            name,
            scope.account,
            scope.region,
            source,
            description,
            pattern_text,
            retention,
            kms_key,
            created_at=self._clock.now(),
        )
        try:
            await self._documents.put(
                ARCHIVE_KIND, archive.scope, name, archive.to_json(), now=archive.created_at, expected_revision=0
            )
        except RevisionMismatch:
            raise _exists(name) from None
        self._add(_Live(archive, pattern))
        return archive_change(archive)

    async def describe(self, name: str, *, scope: Scope) -> ArchiveDescription:
        live = self._live(name, scope)
        async with live.lock:
            await self._sweep(live, save=True)
        return archive_description(live.archive)

    async def list(self, fields: Mapping[str, Any], *, scope: Scope) -> ArchiveList:
        params.exclusive_filters(fields, "ListArchives")
        prefix = params.optional_text(fields, "NamePrefix", "namePrefix") or ""
        source = params.optional_text(fields, "EventSourceArn", "eventSourceArn")
        state = fields.get("State")
        if source is not None:
            source = self._check_bus(source, scope)
        here = scope_key(scope)
        chosen = sorted(
            (
                live
                for (where, name), live in self._archives.items()
                if where == here
                and name.startswith(prefix)
                and (source is None or live.archive.event_source_arn == source)
                and (state is None or live.archive.state.value == state)
            ),
            key=lambda live: live.archive.name,
        )
        shown = page(chosen, lambda live: live.archive.name, limit=fields.get("Limit"), token=fields.get("NextToken"))
        for live in shown.items:
            async with live.lock:
                await self._sweep(live, save=True)
        result: ArchiveList = {"Archives": [archive_summary(live.archive) for live in shown.items]}
        if shown.next_token is not None:
            result["NextToken"] = shown.next_token
        return result

    async def update(self, fields: Mapping[str, Any], *, scope: Scope) -> ArchiveChange:
        name = params.name(fields, "ArchiveName", "archiveName", params.ARCHIVE_NAME)
        description = params.optional_text(fields, "Description", "description", params.DESCRIPTION)
        pattern_text = params.optional_text(fields, "EventPattern", "eventPattern")
        pattern = _compile(pattern_text)
        retention = params.retention_days(fields)
        kms_key = params.optional_text(fields, "KmsKeyIdentifier", "kmsKeyIdentifier")
        live = self._live(name, scope)
        async with live.lock:
            archive = live.archive
            # members left out keep their value
            live.archive = replace(
                archive,
                description=archive.description if description is None else description,
                event_pattern=archive.event_pattern if pattern_text is None else pattern_text,
                retention_days=archive.retention_days if retention is None else retention,
                kms_key=archive.kms_key if kms_key is None else kms_key,
            )
            if pattern_text is not None:
                live.pattern = pattern
            live.swept_at = float("-inf")  # a shorter retention applies at once
            await self._sweep(live)
            await self._save(live.archive)
        return archive_change(live.archive)

    async def delete(self, name: str, *, scope: Scope) -> None:
        live = self._live(name, scope)
        async with live.lock:
            archive = live.archive
            # events first: a crash part way leaves the archive to be deleted again, never orphans
            await self._events.drop(archive.scope, archive.name)
            await self._documents.delete(ARCHIVE_KIND, archive.scope, archive.name)
            self._remove(live)

    # --- helpers ----------------------------------------------------------------------------------

    def _check_bus(self, source: str, scope: Scope) -> str:
        """The ARN of the caller's existing bus that ``source`` names."""
        bus = parse_bus_arn(source)
        if bus is None:
            raise params.not_valid("EventSourceArn", "Provided Arn is not in correct format.")
        here = (bus.region, bus.account) == (scope.region, scope.account)
        if not here or (self._bus_exists is not None and not self._bus_exists(bus.arn)):
            raise ResourceNotFound(f"Event bus {bus.name} does not exist.")
        return bus.arn

    def _live(self, name: str, scope: Scope) -> _Live:
        live = self._archives.get((scope_key(scope), name))
        if live is None:
            raise ResourceNotFound(f"Archive {name} does not exist.")
        return live

    def _is_live(self, live: _Live) -> bool:
        return self._archives.get((live.archive.scope, live.archive.name)) is live

    def _add(self, live: _Live) -> None:
        self._archives[(live.archive.scope, live.archive.name)] = live
        self._by_bus.setdefault(live.archive.event_source_arn, []).append(live)

    def _remove(self, live: _Live) -> None:
        del self._archives[(live.archive.scope, live.archive.name)]
        on_bus = self._by_bus[live.archive.event_source_arn]
        on_bus.remove(live)
        if not on_bus:
            del self._by_bus[live.archive.event_source_arn]

    async def _sweep(self, live: _Live, *, save: bool = False) -> None:
        """Drop the events past the archive's retention (spec §4.5: RetentionDays, 0 = for ever)."""
        archive = live.archive
        now = self._clock.now()
        if archive.retention_days == 0 or now - live.swept_at < SWEEP_INTERVAL:
            return
        live.swept_at = now
        count, size = await self._events.prune(archive.scope, archive.name, now - archive.retention_days * DAY)
        if count:
            live.archive = replace(
                archive, event_count=max(0, archive.event_count - count), size_bytes=max(0, archive.size_bytes - size)
            )
            if save:
                await self._save(live.archive)

    async def _save(self, archive: Archive) -> None:
        await self._documents.put(ARCHIVE_KIND, archive.scope, archive.name, archive.to_json(), now=self._clock.now())


def _compile(text: str | None) -> CompiledPattern | None:
    if text is None:
        return None
    try:
        return compile_pattern(text)
    except InvalidPattern as error:
        raise InvalidEventPattern(error.message) from None


def _exists(name: str) -> ResourceAlreadyExists:
    return ResourceAlreadyExists(f"Archive {name} already exists.")
