"""The events an archive keeps: one document each, named so that they sort by event time (spec §4.5).

A replay reads the names of one time window in pages; the retention sweep reads from the oldest
name and stops at the first event younger than the cut-off, so neither touches the rest.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import Any

from triggerfish.services.events.archive_models import (
    ARCHIVED_KIND,
    ArchivedEvent,
    event_key,
    event_time,
    key_prefix,
)
from triggerfish.store.interfaces import Document, DocumentStore

PAGE = 100


class ArchivedEvents:
    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents

    async def put(self, scope: str, archive: str, event: Mapping[str, Any], *, now: float) -> int:
        """Keep ``event`` in ``archive``, ingested ``now``; returns its size in bytes."""
        text = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
        size = len(text.encode())
        event_id = event.get("id")
        key = event_key(archive, event_time(event, now), event_id if isinstance(event_id, str) else str(uuid.uuid4()))
        body = f'{{"ingested_at":{float(now)!r},"size":{size},"event":{text}}}'
        await self._documents.put(ARCHIVED_KIND, scope, key, body, now=now)
        return size

    async def scan(
        self, scope: str, archive: str, *, start: float, end: float | None = None, after: str | None = None
    ) -> AsyncGenerator[ArchivedEvent, None]:
        """The events of ``archive`` whose time is in ``[start, end)``, oldest first, after key ``after``."""
        prefix = key_prefix(archive)
        start_ms = _ms_at_or_after(start)
        end_ms = None if end is None else _ms_at_or_after(end)
        lower = f"{prefix}{start_ms:015d}"
        cursor = lower if after is None or after < lower else after
        async for document, ms in self._run(scope, prefix, cursor):
            if end_ms is not None and ms >= end_ms:
                return
            yield _decode(document, ms)

    async def prune(self, scope: str, archive: str, cutoff: float) -> tuple[int, int]:
        """Delete the events ingested before ``cutoff`` whose time is before it too; returns how many
        went and their bytes. An event that came with a later ``time`` than its ingestion goes once
        that time is past the cut-off too, so the sweep can stop at the first young event time."""
        prefix = key_prefix(archive)
        cutoff_ms = _ms_at_or_after(cutoff)
        count = size = 0
        async for document, ms in self._run(scope, prefix, prefix):
            if ms >= cutoff_ms:
                break
            stored = _decode(document, ms)
            if stored.ingested_at < cutoff:
                await self._documents.delete(ARCHIVED_KIND, scope, document.name)
                count += 1
                size += stored.size
        return count, size

    async def drop(self, scope: str, archive: str) -> None:
        """Delete every event of ``archive``."""
        prefix = key_prefix(archive)
        async for document, _ in self._run(scope, prefix, prefix):
            await self._documents.delete(ARCHIVED_KIND, scope, document.name)

    async def _run(self, scope: str, prefix: str, cursor: str) -> AsyncIterator[tuple[Document, int]]:
        """The documents named ``<prefix>...`` after ``cursor``, in pages, with their time in ms."""
        while True:
            page = await self._documents.list(ARCHIVED_KIND, scope, after=cursor, limit=PAGE)
            for document in page:
                if not document.name.startswith(prefix):
                    return
                yield document, int(document.name[len(prefix) :].split("/", 1)[0])
                cursor = document.name
            if len(page) < PAGE:
                return


def _ms_at_or_after(seconds: float) -> int:
    # the first whole millisecond not before ``seconds`` (clamped at the epoch, like the keys)
    return max(0, math.ceil(round(seconds * 1000, 3)))


def _decode(document: Document, ms: int) -> ArchivedEvent:
    body = json.loads(document.body)
    return ArchivedEvent(document.name, body["event"], ms / 1000, float(body["ingested_at"]), int(body["size"]))
