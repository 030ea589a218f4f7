"""The parts of an API, each with create, get, list, update and delete: what the provider calls.

Each change goes through the registry (stored before it is visible, ``AutoDeploy`` stages redeployed
after it); what is returned is read from the state as stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.core.clock import Clock
from triggerfish.services.apigatewayv2 import authorizers, deploying, integrations, routes, stages
from triggerfish.services.apigatewayv2.edits import (
    new_child_id,
    require_authorizer,
    require_deployment,
    require_integration,
    require_route,
    require_stage,
)
from triggerfish.services.apigatewayv2.inputs import AuthorizerFields, IntegrationFields, RouteFields, StageFields
from triggerfish.services.apigatewayv2.models import Authorizer, Deployment, Integration, Route, Scope, Stage
from triggerfish.services.apigatewayv2.registry import ApiRegistry


class Routes:
    def __init__(self, registry: ApiRegistry) -> None:
        self._registry = registry

    async def create(self, api_id: str, fields: RouteFields, *, scope: Scope) -> Route:
        state, route = await self._registry.change(
            api_id, scope, lambda s: routes.create_route(s, new_child_id(s), fields)
        )
        return state.content.routes[route.id]

    def get(self, api_id: str, route_id: str, *, scope: Scope) -> Route:
        return require_route(self._registry.require(api_id, scope), route_id)

    def list(self, api_id: str, *, scope: Scope) -> list[Route]:
        return sorted(self._registry.require(api_id, scope).content.routes.values(), key=lambda r: r.id)

    async def update(self, api_id: str, route_id: str, fields: RouteFields, *, scope: Scope) -> Route:
        state, _ = await self._registry.change(api_id, scope, lambda s: routes.update_route(s, route_id, fields))
        return state.content.routes[route_id]

    async def delete(self, api_id: str, route_id: str, *, scope: Scope) -> None:
        await self._registry.change(api_id, scope, lambda s: (routes.delete_route(s, route_id), None))


class Integrations:
    def __init__(self, registry: ApiRegistry) -> None:
        self._registry = registry

    async def create(self, api_id: str, fields: IntegrationFields, *, scope: Scope) -> Integration:
        state, made = await self._registry.change(
            api_id, scope, lambda s: integrations.create_integration(s, new_child_id(s), fields)
        )
        return state.content.integrations[made.id]

    def get(self, api_id: str, integration_id: str, *, scope: Scope) -> Integration:
        return require_integration(self._registry.require(api_id, scope), integration_id)

    def list(self, api_id: str, *, scope: Scope) -> list[Integration]:
        return sorted(self._registry.require(api_id, scope).content.integrations.values(), key=lambda i: i.id)

    async def update(self, api_id: str, integration_id: str, fields: IntegrationFields, *, scope: Scope) -> Integration:
        state, _ = await self._registry.change(
            api_id, scope, lambda s: integrations.update_integration(s, integration_id, fields)
        )
        return state.content.integrations[integration_id]

    async def delete(self, api_id: str, integration_id: str, *, scope: Scope) -> None:
        await self._registry.change(api_id, scope, lambda s: (integrations.delete_integration(s, integration_id), None))


class Authorizers:
    def __init__(self, registry: ApiRegistry) -> None:
        self._registry = registry

    async def create(self, api_id: str, fields: AuthorizerFields, *, scope: Scope) -> Authorizer:
        state, made = await self._registry.change(
            api_id, scope, lambda s: authorizers.create_authorizer(s, new_child_id(s), fields)
        )
        return state.content.authorizers[made.id]

    def get(self, api_id: str, authorizer_id: str, *, scope: Scope) -> Authorizer:
        return require_authorizer(self._registry.require(api_id, scope), authorizer_id)

    def list(self, api_id: str, *, scope: Scope) -> list[Authorizer]:
        return sorted(self._registry.require(api_id, scope).content.authorizers.values(), key=lambda a: a.id)

    async def update(self, api_id: str, authorizer_id: str, fields: AuthorizerFields, *, scope: Scope) -> Authorizer:
        state, _ = await self._registry.change(
            api_id, scope, lambda s: authorizers.update_authorizer(s, authorizer_id, fields)
        )
        return state.content.authorizers[authorizer_id]

    async def delete(self, api_id: str, authorizer_id: str, *, scope: Scope) -> None:
        await self._registry.change(api_id, scope, lambda s: (authorizers.delete_authorizer(s, authorizer_id), None))


class Stages:
    def __init__(self, registry: ApiRegistry, clock: Clock) -> None:
        self._registry = registry
        self._clock = clock

    async def create(
        self, api_id: str, name: str, fields: StageFields, *, tags: Mapping[str, str] | None = None, scope: Scope
    ) -> Stage:
        now = self._clock.now()
        state, _ = await self._registry.change(
            api_id, scope, lambda s: stages.create_stage(s, name, fields, tags=tags or {}, now=now)
        )
        return state.stages[name]

    def get(self, api_id: str, name: str, *, scope: Scope) -> Stage:
        return require_stage(self._registry.require(api_id, scope), name)

    def list(self, api_id: str, *, scope: Scope) -> list[Stage]:
        return sorted(self._registry.require(api_id, scope).stages.values(), key=lambda s: s.name)

    async def update(self, api_id: str, name: str, fields: StageFields, *, scope: Scope) -> Stage:
        now = self._clock.now()
        state, _ = await self._registry.change(api_id, scope, lambda s: stages.update_stage(s, name, fields, now=now))
        return state.stages[name]

    async def delete(self, api_id: str, name: str, *, scope: Scope) -> None:
        await self._registry.change(api_id, scope, lambda s: (stages.delete_stage(s, name), None))


class Deployments:
    def __init__(self, registry: ApiRegistry, clock: Clock) -> None:
        self._registry = registry
        self._clock = clock

    async def create(
        self, api_id: str, *, description: str | None = None, stage_name: str | None = None, scope: Scope
    ) -> Deployment:
        now = self._clock.now()
        state, made = await self._registry.change(
            api_id,
            scope,
            lambda s: deploying.create_deployment(
                s, new_child_id(s), description=description, stage_name=stage_name, now=now
            ),
        )
        return state.deployments[made.id]

    def get(self, api_id: str, deployment_id: str, *, scope: Scope) -> Deployment:
        return require_deployment(self._registry.require(api_id, scope), deployment_id)

    def list(self, api_id: str, *, scope: Scope) -> list[Deployment]:
        return sorted(self._registry.require(api_id, scope).deployments.values(), key=lambda d: d.id)

    async def delete(self, api_id: str, deployment_id: str, *, scope: Scope) -> None:
        await self._registry.change(api_id, scope, lambda s: (deploying.delete_deployment(s, deployment_id), None))
