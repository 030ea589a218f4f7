"""Mappings kept in the store (kind ``lambda.event-source-mapping``), served from memory."""

from __future__ import annotations

import orjson

from triggerfish.services.lambda_.mappings.models import EventSourceMapping
from triggerfish.store.interfaces import DocumentStore

KIND = "lambda.event-source-mapping"


class MappingRegistry:
    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents
        self._mappings: dict[str, EventSourceMapping] = {}

    async def load(self) -> list[EventSourceMapping]:
        for document in await self._documents.list(KIND):
            mapping = EventSourceMapping.from_json(orjson.loads(document.body))
            self._mappings[mapping.uuid] = mapping
        return self.all()

    def find(self, uuid: str) -> EventSourceMapping | None:
        return self._mappings.get(uuid)

    def all(self, scope: str | None = None) -> list[EventSourceMapping]:
        found = [m for m in self._mappings.values() if scope is None or m.scope == scope]
        return sorted(found, key=lambda m: (m.last_modified, m.uuid))

    async def save(self, mapping: EventSourceMapping, *, now: float) -> None:
        body = orjson.dumps(mapping.to_json()).decode()
        await self._documents.put(KIND, mapping.scope, mapping.uuid, body, now=now)
        self._mappings[mapping.uuid] = mapping

    async def delete(self, mapping: EventSourceMapping) -> None:
        await self._documents.delete(KIND, mapping.scope, mapping.uuid)
        self._mappings.pop(mapping.uuid, None)
