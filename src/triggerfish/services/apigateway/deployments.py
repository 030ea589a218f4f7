"""Deployments: CreateDeployment (optionally into a stage), GetDeployment(s), Update/DeleteDeployment.

A deployment freezes the API's resources, methods and authorizers as they were (the gateway serves
a stage from that snapshot until the stage is pointed at a newer deployment).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from triggerfish.services.apigateway.errors import BadRequest, deployment_not_found
from triggerfish.services.apigateway.ids import new_id
from triggerfish.services.apigateway.models import Deployment, RestApi, Scope, Stage
from triggerfish.services.apigateway.patches import invalid_path, only_replace, patches
from triggerfish.services.apigateway.registry import RestApiRegistry
from triggerfish.services.apigateway.stages import check_stage_name


@dataclass(frozen=True)
class NewDeployment:
    description: str | None = None
    stage_name: str | None = None
    stage_description: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    tracing_enabled: bool | None = None
    cache_cluster_enabled: bool | None = None


def snapshot(api: RestApi, deployment_id: str, now: float, description: str | None) -> Deployment:
    methods = [m for resource in api.resources.values() for m in resource.methods.values()]
    if not methods:
        raise BadRequest("The REST API doesn't contain any methods")
    if any(m.integration is None for m in methods):
        raise BadRequest("No integration defined for method")
    return Deployment(
        id=deployment_id,
        created_at=now,
        description=description,
        resources=dict(api.resources),
        authorizers=dict(api.authorizers),
        binary_media_types=api.binary_media_types,
        disable_execute_api_endpoint=api.disable_execute_api_endpoint,
    )


class Deployments:
    def __init__(self, registry: RestApiRegistry) -> None:
        self._registry = registry

    async def create(self, scope: Scope, api_id: str, settings: NewDeployment) -> Deployment:
        api = self._registry.require(scope, api_id)
        if settings.stage_name is not None:
            check_stage_name(settings.stage_name)
        now = self._registry.clock.now()
        deployment = snapshot(api, new_id(api.deployments), now, settings.description)
        stages = dict(api.stages)
        if settings.stage_name:
            stages[settings.stage_name] = _point(api.stages.get(settings.stage_name), settings, deployment.id, now)
        deployments = {**api.deployments, deployment.id: deployment}
        await self._registry.save(replace(api, deployments=deployments, stages=stages))
        return deployment

    def list(self, scope: Scope, api_id: str) -> list[Deployment]:
        api = self._registry.require(scope, api_id)
        return sorted(api.deployments.values(), key=lambda d: (d.created_at, d.id))

    def get(self, scope: Scope, api_id: str, deployment_id: str) -> Deployment:
        return self._locate(scope, api_id, deployment_id)[1]

    async def update(
        self, scope: Scope, api_id: str, deployment_id: str, operations: Iterable[Mapping[str, Any]] | None
    ) -> Deployment:
        api, deployment = self._locate(scope, api_id, deployment_id)
        for patch in patches(operations):
            if patch.path != "/description":
                raise invalid_path(patch)
            only_replace(patch)
            deployment = replace(deployment, description=patch.value or None)
        await self._registry.save(replace(api, deployments={**api.deployments, deployment.id: deployment}))
        return deployment

    async def delete(self, scope: Scope, api_id: str, deployment_id: str) -> None:
        api, _ = self._locate(scope, api_id, deployment_id)
        if any(stage.deployment_id == deployment_id for stage in api.stages.values()):
            raise BadRequest("Active stages pointing to this deployment must be moved or deleted")
        kept = {key: value for key, value in api.deployments.items() if key != deployment_id}
        await self._registry.save(replace(api, deployments=kept))

    def _locate(self, scope: Scope, api_id: str, deployment_id: str) -> tuple[RestApi, Deployment]:
        api = self._registry.require(scope, api_id)
        deployment = api.deployments.get(deployment_id)
        if deployment is None:
            raise deployment_not_found()
        return api, deployment


def _point(existing: Stage | None, settings: NewDeployment, deployment_id: str, now: float) -> Stage:
    """The stage CreateDeployment names, created or moved to the new deployment."""
    if existing is None:
        return Stage(
            name=str(settings.stage_name),
            deployment_id=deployment_id,
            created_at=now,
            updated_at=now,
            description=settings.stage_description,
            variables=dict(settings.variables),
            tracing_enabled=bool(settings.tracing_enabled),
            cache_cluster_enabled=bool(settings.cache_cluster_enabled),
        )
    return replace(
        existing,
        deployment_id=deployment_id,
        updated_at=now,
        variables={**existing.variables, **settings.variables},
        tracing_enabled=existing.tracing_enabled if settings.tracing_enabled is None else settings.tracing_enabled,
        cache_cluster_enabled=(
            existing.cache_cluster_enabled if settings.cache_cluster_enabled is None else settings.cache_cluster_enabled
        ),
    )
