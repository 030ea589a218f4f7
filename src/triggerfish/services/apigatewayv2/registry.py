"""Every HTTP API in memory, each stored as one document (kind ``apigatewayv2.api``).

A change of one API runs under that API's lock: it is computed from the stored state, written, and
only then made visible, so what a caller is told succeeded is durable and concurrent changes of one
API never lose each other. After every change, ``AutoDeploy`` stages are redeployed (see
:mod:`.deploying`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from triggerfish.core.clock import Clock
from triggerfish.services.apigatewayv2.deploying import auto_deploy
from triggerfish.services.apigatewayv2.documents import decode_state, encode_state
from triggerfish.services.apigatewayv2.edits import new_child_id
from triggerfish.services.apigatewayv2.errors import api_not_found
from triggerfish.services.apigatewayv2.identifiers import API_ID_LENGTH, random_id
from triggerfish.services.apigatewayv2.models import API_KIND, ApiState, Scope
from triggerfish.store.interfaces import DocumentStore

T = TypeVar("T")
Edit = Callable[[ApiState], tuple[ApiState, T]]


class ApiRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock
        self._states: dict[str, ApiState] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def load(self) -> None:
        """Read every stored API back (after a restart)."""
        self._states = {}
        for document in await self._documents.list(API_KIND):
            state = decode_state(document.body)
            self._states[state.id] = state

    def find(self, api_id: str) -> ApiState | None:
        return self._states.get(api_id)

    def require(self, api_id: str, scope: Scope) -> ApiState:
        state = self._states.get(api_id)
        if state is None or not state.in_scope(scope):
            raise api_not_found(scope.account, api_id)
        return state

    def in_scope(self, scope: Scope) -> list[ApiState]:
        return sorted((s for s in self._states.values() if s.in_scope(scope)), key=lambda s: s.id)

    def new_api_id(self) -> str:
        # API ids are unique across accounts and regions of one local cloud (the host names them)
        return random_id(API_ID_LENGTH, self._states)

    async def add(self, state: ApiState) -> ApiState:
        async with self._lock(state.id):
            state = self._deployed(state)
            await self._save(state)
            self._states[state.id] = state
            return state

    async def change(self, api_id: str, scope: Scope, edit: Edit[T]) -> tuple[ApiState, T]:
        """Apply ``edit`` to the API; returns the state as stored (after automatic deployments) and
        what ``edit`` returned."""
        async with self._lock(api_id):
            current = self.require(api_id, scope)
            changed, result = edit(current)
            if changed is current:
                return current, result
            changed = self._deployed(changed)
            await self._save(changed)
            self._states[api_id] = changed
            return changed, result

    async def remove(self, api_id: str, scope: Scope) -> None:
        async with self._lock(api_id):
            state = self.require(api_id, scope)
            await self._documents.delete(API_KIND, state.api.scope, api_id)
            del self._states[api_id]
        self._locks.pop(api_id, None)

    def _deployed(self, state: ApiState) -> ApiState:
        return auto_deploy(state, now=self._clock.now(), new_id=new_child_id)

    async def _save(self, state: ApiState) -> None:
        await self._documents.put(API_KIND, state.api.scope, state.id, encode_state(state), now=self._clock.now())

    def _lock(self, api_id: str) -> asyncio.Lock:
        lock = self._locks.get(api_id)
        if lock is None:
            lock = self._locks[api_id] = asyncio.Lock()
        return lock
