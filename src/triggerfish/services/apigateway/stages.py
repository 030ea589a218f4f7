"""Stages: CreateStage, GetStage, GetStages, UpdateStage, DeleteStage."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from triggerfish.services.apigateway.errors import BadRequest, Conflict, stage_not_found
from triggerfish.services.apigateway.models import RestApi, Scope, Stage
from triggerfish.services.apigateway.patches import Patch, as_bool, edit_map, invalid_path, only_replace, patches
from triggerfish.services.apigateway.registry import RestApiRegistry

# Stage names are letters, digits, hyphens and underscores, up to 128 (CreateStage API reference)
_STAGE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


@dataclass(frozen=True)
class NewStage:
    name: str
    deployment_id: str
    description: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    tracing_enabled: bool = False
    cache_cluster_enabled: bool = False


def check_stage_name(name: str) -> None:
    if not _STAGE_NAME.match(name):
        raise BadRequest("Stage name only allows a-zA-Z0-9_")  # AWS's wording (it also takes hyphens now)


class Stages:
    def __init__(self, registry: RestApiRegistry) -> None:
        self._registry = registry

    async def create(self, scope: Scope, api_id: str, settings: NewStage) -> Stage:
        api = self._registry.require(scope, api_id)
        check_stage_name(settings.name)
        if settings.deployment_id not in api.deployments:
            raise BadRequest("Deployment id does not exist")  # observed CreateStage answer
        if settings.name in api.stages:
            raise Conflict("Stage already exists")
        now = self._registry.clock.now()
        stage = Stage(
            name=settings.name,
            deployment_id=settings.deployment_id,
            created_at=now,
            updated_at=now,
            description=settings.description,
            variables=dict(settings.variables),
            tracing_enabled=settings.tracing_enabled,
            cache_cluster_enabled=settings.cache_cluster_enabled,
            tags=dict(settings.tags),
        )
        await self._registry.save(replace(api, stages={**api.stages, stage.name: stage}))
        return stage

    def get(self, scope: Scope, api_id: str, name: str) -> Stage:
        return self._locate(scope, api_id, name)[1]

    def list(self, scope: Scope, api_id: str, deployment_id: str | None = None) -> list[Stage]:
        api = self._registry.require(scope, api_id)
        found = [s for s in api.stages.values() if deployment_id is None or s.deployment_id == deployment_id]
        return sorted(found, key=lambda s: s.name)

    async def update(
        self, scope: Scope, api_id: str, name: str, operations: Iterable[Mapping[str, Any]] | None
    ) -> Stage:
        api, stage = self._locate(scope, api_id, name)
        for patch in patches(operations):
            stage = _apply(api, stage, patch)
        stage = replace(stage, updated_at=self._registry.clock.now())
        await self._registry.save(replace(api, stages={**api.stages, stage.name: stage}))
        return stage

    async def delete(self, scope: Scope, api_id: str, name: str) -> None:
        api, _ = self._locate(scope, api_id, name)
        await self._registry.save(replace(api, stages={k: v for k, v in api.stages.items() if k != name}))

    def _locate(self, scope: Scope, api_id: str, name: str) -> tuple[RestApi, Stage]:
        api = self._registry.require(scope, api_id)
        stage = api.stages.get(name)
        if stage is None:
            raise stage_not_found()
        return api, stage


def _apply(api: RestApi, stage: Stage, patch: Patch) -> Stage:
    variable = patch.key_after("variables")
    if variable is not None:
        return replace(stage, variables=edit_map(stage.variables, patch, variable, patch.value or ""))
    if patch.path == "/deploymentId":
        only_replace(patch)
        if patch.value not in api.deployments:
            raise BadRequest("Deployment id does not exist")
        return replace(stage, deployment_id=str(patch.value))
    if patch.path == "/description":
        only_replace(patch)
        return replace(stage, description=patch.value or None)
    if patch.path == "/tracingEnabled":
        only_replace(patch)
        return replace(stage, tracing_enabled=as_bool(patch))
    if patch.path == "/cacheClusterEnabled":
        only_replace(patch)
        return replace(stage, cache_cluster_enabled=as_bool(patch))
    raise invalid_path(patch)
