"""Every REST API, in memory for the gateway's O(1) lookups and in the DocumentStore for durability.

A change swaps the API's new value in synchronously (so a concurrent request sees it at once and
builds on it), then writes the document. Writes of one API are serialised, and each writes whatever
the API is at that moment, so the stored document always ends at the newest value.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

from triggerfish.core.clock import Clock
from triggerfish.services.apigateway.documents import api_from_document, api_to_document
from triggerfish.services.apigateway.errors import ApiGatewayError, api_not_found
from triggerfish.services.apigateway.models import REST_API_KIND, RestApi, Scope
from triggerfish.store.interfaces import DocumentStore


class RestApiRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self.clock = clock
        self._apis: dict[str, RestApi] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        #: called with the API's id after every change (the service drops cached views)
        self.on_change: Callable[[str], None] = lambda api_id: None

    async def load(self) -> None:
        self._apis.clear()
        for document in await self._documents.list(REST_API_KIND):
            api = api_from_document(document.name, document.scope, json.loads(document.body))
            self._apis[api.id] = api

    def get(self, api_id: str) -> RestApi | None:
        return self._apis.get(api_id)

    def ids(self) -> set[str]:
        return set(self._apis)

    def in_scope(self, scope: Scope) -> list[RestApi]:
        return [api for api in self._apis.values() if api.account == scope.account and api.region == scope.region]

    def require(self, scope: Scope, api_id: str, missing: Callable[[], ApiGatewayError] | None = None) -> RestApi:
        """The API ``api_id`` of the caller's account and region; ``missing`` words the error if not."""
        api = self._apis.get(api_id)
        if api is None or api.account != scope.account or api.region != scope.region:
            raise missing() if missing is not None else api_not_found(scope.account, api_id)
        return api

    async def save(self, api: RestApi) -> RestApi:
        self._apis[api.id] = api
        self.on_change(api.id)
        await self._flush(api.id, api.scope)
        return api

    async def remove(self, api: RestApi) -> None:
        self._apis.pop(api.id, None)
        self.on_change(api.id)
        await self._flush(api.id, api.scope)

    async def _flush(self, api_id: str, scope: str) -> None:
        lock = self._locks.setdefault(api_id, asyncio.Lock())
        async with lock:
            current = self._apis.get(api_id)
            if current is None:
                await self._documents.delete(REST_API_KIND, scope, api_id)
                self._locks.pop(api_id, None)
                return
            body = json.dumps(api_to_document(current), sort_keys=True)
            await self._documents.put(REST_API_KIND, scope, api_id, body, now=self.clock.now())
