"""The HTTP API service (API Gateway v2, ``ProtocolType: HTTP``): management and the gateway's lookups.

APIs live in memory, each stored as one document (:mod:`.registry`); routes, integrations,
authorizers, stages and deployments are reached through :attr:`routes`, :attr:`integrations`,
:attr:`authorizers`, :attr:`stages` and :attr:`deployments`. The gateway reads a stage with
:meth:`stage_view`, on every request: synchronous, in memory, the same object until it changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from triggerfish.core.clock import Clock
from triggerfish.services.apigatewayv2 import stages
from triggerfish.services.apigatewayv2.apis import new_api, quick_create, update_api
from triggerfish.services.apigatewayv2.checks import check_tags
from triggerfish.services.apigatewayv2.errors import BadRequest, NotFound
from triggerfish.services.apigatewayv2.identifiers import (
    DEFAULT_BASE_URL,
    execute_api_endpoint,
    parse_tag_arn,
)
from triggerfish.services.apigatewayv2.importing import import_definition
from triggerfish.services.apigatewayv2.inputs import ApiFields, QuickCreate
from triggerfish.services.apigatewayv2.models import Api, ApiState, Scope
from triggerfish.services.apigatewayv2.openapi import read_definition
from triggerfish.services.apigatewayv2.parts import Authorizers, Deployments, Integrations, Routes, Stages
from triggerfish.services.apigatewayv2.registry import ApiRegistry
from triggerfish.services.apigatewayv2.stage_views import StageViews
from triggerfish.services.apigatewayv2.views import HttpStageView
from triggerfish.store.interfaces import DocumentStore


class HttpApiService:
    def __init__(
        self, documents: DocumentStore, clock: Clock, *, base_url_getter: Callable[[], str | None] | None = None
    ) -> None:
        self._clock = clock
        self._base_url = base_url_getter or (lambda: DEFAULT_BASE_URL)
        self.registry = ApiRegistry(documents, clock)
        self.routes = Routes(self.registry)
        self.integrations = Integrations(self.registry)
        self.authorizers = Authorizers(self.registry)
        self.stages = Stages(self.registry, clock)
        self.deployments = Deployments(self.registry, clock)
        self._views = StageViews()
        self._names: dict[str, tuple[object, tuple[str, ...]]] = {}

    async def start(self) -> None:
        await self.registry.load()

    async def close(self) -> None:
        """Nothing runs in the background; every change was stored when it was answered."""

    # --- what the gateway reads, on every request ------------------------------------------

    def stage_view(self, api_id: str, stage_name: str) -> HttpStageView | None:
        return self._views.view(self.registry.find(api_id), stage_name)

    def stage_names(self, api_id: str) -> tuple[str, ...]:
        state = self.registry.find(api_id)
        if state is None:
            return ()
        cached = self._names.get(api_id)
        if cached is None or cached[0] is not state.stages:
            cached = self._names[api_id] = (state.stages, tuple(sorted(state.stages)))
        return cached[1]

    def api_exists(self, api_id: str) -> bool:
        return self.registry.find(api_id) is not None

    def api_endpoint(self, api_id: str) -> str:
        return execute_api_endpoint(api_id, self._base_url() or DEFAULT_BASE_URL)

    # --- APIs -------------------------------------------------------------------------------

    async def create_api(
        self,
        fields: ApiFields,
        *,
        scope: Scope,
        protocol_type: str = "HTTP",
        tags: Mapping[str, str] | None = None,
        quick: QuickCreate | None = None,
    ) -> ApiState:
        now = self._clock.now()
        state = new_api(
            self.registry.new_api_id(), fields, protocol_type=protocol_type, tags=tags or {}, scope=scope, now=now
        )
        if quick is not None:
            state = quick_create(state, quick, now=now)
        return await self.registry.add(state)

    def get_api(self, api_id: str, *, scope: Scope) -> ApiState:
        return self.registry.require(api_id, scope)

    def list_apis(self, *, scope: Scope) -> list[ApiState]:
        return self.registry.in_scope(scope)

    async def update_api(
        self, api_id: str, fields: ApiFields, *, scope: Scope, quick: QuickCreate | None = None
    ) -> ApiState:
        def edit(state: ApiState) -> tuple[ApiState, None]:
            state = update_api(state, fields)
            return (quick_create(state, quick, now=self._clock.now()) if quick else state), None

        state, _ = await self.registry.change(api_id, scope, edit)
        return state

    async def delete_api(self, api_id: str, *, scope: Scope) -> None:
        await self.registry.remove(api_id, scope)
        self._views.forget(api_id)
        self._names.pop(api_id, None)

    async def delete_cors(self, api_id: str, *, scope: Scope) -> None:
        await self.update_api(api_id, {"cors": None}, scope=scope)

    async def import_api(
        self, body: str, *, scope: Scope, basepath: str | None = None, fail_on_warnings: bool = False
    ) -> ApiState:
        definition = read_definition(body, basepath)
        _check_warnings(definition.warnings, fail_on_warnings)
        state = new_api(
            self.registry.new_api_id(),
            {"name": definition.name},
            protocol_type="HTTP",
            tags={},
            scope=scope,
            now=self._clock.now(),
        )
        return await self.registry.add(import_definition(state, definition))

    async def reimport_api(
        self, api_id: str, body: str, *, scope: Scope, basepath: str | None = None, fail_on_warnings: bool = False
    ) -> ApiState:
        definition = read_definition(body, basepath)
        _check_warnings(definition.warnings, fail_on_warnings)
        state, _ = await self.registry.change(api_id, scope, lambda s: (import_definition(s, definition), None))
        return state

    # --- tags -------------------------------------------------------------------------------

    def get_tags(self, arn: str, *, scope: Scope) -> dict[str, str]:
        state, stage_name = self._tagged(arn, scope)
        if stage_name is None:
            return dict(state.api.tags)
        return dict(self.stages.get(state.id, stage_name, scope=scope).tags)

    async def tag_resource(self, arn: str, tags: Mapping[str, str], *, scope: Scope) -> None:
        await self._retag(arn, scope, lambda current: {**current, **tags})

    async def untag_resource(self, arn: str, keys: Sequence[str], *, scope: Scope) -> None:
        await self._retag(arn, scope, lambda current: {k: v for k, v in current.items() if k not in keys})

    async def _retag(self, arn: str, scope: Scope, change: Callable[[Mapping[str, str]], dict[str, str]]) -> None:
        found, stage_name = self._tagged(arn, scope)

        def edit(state: ApiState) -> tuple[ApiState, None]:
            if stage_name is None:
                tags = change(state.api.tags)
                check_tags(tags)
                return dataclasses.replace(state, api=dataclasses.replace(state.api, tags=tags)), None
            tags = change(self.stages.get(state.id, stage_name, scope=scope).tags)
            check_tags(tags)
            return stages.tag_stage(state, stage_name, tags), None

        await self.registry.change(found.id, scope, edit)

    def _tagged(self, arn: str, scope: Scope) -> tuple[ApiState, str | None]:
        target = parse_tag_arn(arn)
        if target is None:
            raise BadRequest(f"Invalid resource ARN {arn}")
        if target.region != scope.region:
            raise NotFound(f"Invalid resource ARN {arn}: it is not in region {scope.region}", "Api")
        return self.registry.require(target.api_id, scope), target.stage_name


def _check_warnings(warnings: Sequence[str], fail: bool) -> None:
    if warnings and fail:
        raise BadRequest("Warnings found during import:\n\t" + "\n\t".join(warnings))


__all__ = ["Api", "ApiState", "HttpApiService"]
