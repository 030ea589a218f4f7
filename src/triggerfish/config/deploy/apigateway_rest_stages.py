"""``AWS::ApiGateway::Deployment`` and ``AWS::ApiGateway::Stage``: what a REST API's stages serve.

A deployment captures the API's resources, methods and authorizers when it is made; with ``StageName`` it
also creates (or moves) that stage. ``Ref`` is the deployment's id, a stage's ``Ref`` its name.

A stack update that changes methods but not the deployment leaves CloudFormation's deployment, and so the
stage, serving the old methods. Locally the change is expected to show: once everything else is done,
:meth:`RestDeploymentHandler.settle` makes a fresh deployment when this deployment changed the API, and
moves the stages that served the old one to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.apigateway_values import (
    already_gone,
    flag,
    mapping,
    rest_apis,
    string_map,
    tag_list,
    text,
)
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name, require
from triggerfish.config.errors import TemplateError
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigateway.deployments import NewDeployment
from triggerfish.services.apigateway.models import Deployment, RestApi
from triggerfish.services.apigateway.stages import NewStage


class RestDeploymentHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        service = rest_apis(context)
        api_id = str(require(properties, "RestApiId"))
        stage_name = text(properties, "StageName")
        stage = mapping(properties, "StageDescription")
        if stage and not stage_name:
            # Deployment.StageDescription: "you must also provide a stage name"
            raise TemplateError("StageDescription requires StageName")
        deployment = await service.deployments.create(
            context.scope,
            api_id,
            NewDeployment(
                description=text(properties, "Description"),
                stage_name=stage_name,
                stage_description=text(stage, "Description"),
                variables=string_map(stage, "Variables"),
                tracing_enabled=flag(stage, "TracingEnabled") if "TracingEnabled" in stage else None,
                cache_cluster_enabled=flag(stage, "CacheClusterEnabled") if "CacheClusterEnabled" in stage else None,
            ),
        )
        if stage_name and tag_list(stage):
            await service.apis.tag(context.scope, _stage_arn(context, api_id, stage_name), tag_list(stage))
        return _physical(deployment.id)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        api_id = str(require(properties, "RestApiId"))
        if api_id != previous_properties.get("RestApiId"):
            # another API (Deployment.RestApiId: "Update requires: Replacement")
            return await self.create(context, logical_id, properties)
        service = rest_apis(context)
        description = text(properties, "Description")
        if description != text(previous_properties, "Description"):
            operation = {"op": "replace", "path": "/description", "value": description or ""}
            await service.deployments.update(context.scope, api_id, previous.physical_id, [operation])
        stage_name, old_name = text(properties, "StageName"), text(previous_properties, "StageName")
        stage = mapping(properties, "StageDescription")
        if stage_name and (stage_name != old_name or stage != mapping(previous_properties, "StageDescription")):
            await _point_stage(service, context, api_id, stage_name, previous.physical_id, stage)
        if old_name and old_name != stage_name:
            await _drop_stage(service, context, api_id, old_name, previous.physical_id)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        service = rest_apis(context)
        api_id = str(properties.get("RestApiId"))
        stage_name = text(properties, "StageName")
        if stage_name:
            # the stage it created goes with it while it still serves this deployment
            await _drop_stage(service, context, api_id, stage_name, resource.physical_id)
        with already_gone():
            await service.deployments.delete(context.scope, api_id, resource.physical_id)

    async def settle(
        self, context: DeployContext, logical_id: str, resource: PhysicalResource, properties: Mapping[str, Any]
    ) -> PhysicalResource | None:
        api_id = str(properties.get("RestApiId"))
        if f"restapis/{api_id}" not in context.changed_apis:
            return None
        service = rest_apis(context)
        if not service.api_exists(api_id):
            return None
        api = service.apis.get(context.scope, api_id)
        deployment = api.deployments.get(resource.physical_id)
        serving = sorted(name for name, stage in api.stages.items() if stage.deployment_id == resource.physical_id)
        if deployment is None or not serving or _current(api, deployment):
            return None
        fresh = await service.deployments.create(
            context.scope, api_id, NewDeployment(description=deployment.description)
        )
        for name in serving:
            operation = {"op": "replace", "path": "/deploymentId", "value": fresh.id}
            await service.stages.update(context.scope, api_id, name, [operation])
        await service.deployments.delete(context.scope, api_id, deployment.id)
        return _physical(fresh.id)


class RestStageHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        name = _stage_name(context, logical_id, properties)
        await rest_apis(context).stages.create(
            context.scope,
            str(require(properties, "RestApiId")),
            NewStage(
                name=name,
                deployment_id=str(require(properties, "DeploymentId")),
                description=text(properties, "Description"),
                variables=string_map(properties, "Variables"),
                tags=tag_list(properties),
                tracing_enabled=flag(properties, "TracingEnabled"),
                cache_cluster_enabled=flag(properties, "CacheClusterEnabled"),
            ),
        )
        return PhysicalResource(name)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        api_id = str(require(properties, "RestApiId"))
        name = _stage_name(context, logical_id, properties)
        if api_id != previous_properties.get("RestApiId") or name != previous.physical_id:
            # another API or name is another stage (Stage: "Update requires: Replacement")
            await self.delete(context, previous, previous_properties)
            return await self.create(context, logical_id, properties)
        service = rest_apis(context)
        variables, old_variables = string_map(properties, "Variables"), string_map(previous_properties, "Variables")
        operations = [
            {"op": "replace", "path": "/deploymentId", "value": str(require(properties, "DeploymentId"))},
            {"op": "replace", "path": "/description", "value": text(properties, "Description") or ""},
            {"op": "replace", "path": "/tracingEnabled", "value": str(flag(properties, "TracingEnabled")).lower()},
            {
                "op": "replace",
                "path": "/cacheClusterEnabled",
                "value": str(flag(properties, "CacheClusterEnabled")).lower(),
            },
            *_variable_operations(variables, old_variables),
        ]
        await service.stages.update(context.scope, api_id, name, operations)
        arn = _stage_arn(context, api_id, name)
        tags, old_tags = tag_list(properties), tag_list(previous_properties)
        if dropped := [key for key in old_tags if key not in tags]:
            await service.apis.untag(context.scope, arn, dropped)
        if tags:
            await service.apis.tag(context.scope, arn, tags)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        api_id = str(properties.get("RestApiId"))
        with already_gone():
            await rest_apis(context).stages.delete(context.scope, api_id, resource.physical_id)


def _physical(deployment_id: str) -> PhysicalResource:
    return PhysicalResource(deployment_id, {"DeploymentId": deployment_id})


def _current(api: RestApi, deployment: Deployment) -> bool:
    """Whether ``deployment`` still captures the API as it is."""
    return (
        deployment.resources == api.resources
        and deployment.authorizers == api.authorizers
        and deployment.binary_media_types == api.binary_media_types
        and deployment.disable_execute_api_endpoint == api.disable_execute_api_endpoint
    )


def _stage_name(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> str:
    return text(properties, "StageName") or generated_name(context.stack_name, logical_id, limit=128)


def _stage_arn(context: DeployContext, api_id: str, stage_name: str) -> str:
    return f"arn:aws:apigateway:{context.scope.region}::/restapis/{api_id}/stages/{stage_name}"


def _variable_operations(variables: Mapping[str, str], old: Mapping[str, str]) -> list[dict[str, str]]:
    operations = [
        {"op": "replace", "path": f"/variables/{name}", "value": value}
        for name, value in variables.items()
        if old.get(name) != value
    ]
    operations += [{"op": "remove", "path": f"/variables/{name}"} for name in old if name not in variables]
    return operations


async def _point_stage(
    service: RestApiService,
    context: DeployContext,
    api_id: str,
    stage_name: str,
    deployment_id: str,
    stage: Mapping[str, Any],
) -> None:
    """Serve ``deployment_id`` on ``stage_name`` with the deployment's ``StageDescription``, as
    CreateDeployment does for a new stage name."""
    api = service.apis.get(context.scope, api_id)
    existing = api.stages.get(stage_name)
    variables = string_map(stage, "Variables")
    if existing is None:
        new = NewStage(
            name=stage_name,
            deployment_id=deployment_id,
            description=text(stage, "Description"),
            variables=variables,
            tags=tag_list(stage),
            tracing_enabled=flag(stage, "TracingEnabled"),
            cache_cluster_enabled=flag(stage, "CacheClusterEnabled"),
        )
        await service.stages.create(context.scope, api_id, new)
        return
    operations = [{"op": "replace", "path": "/deploymentId", "value": deployment_id}]
    if "Description" in stage:
        operations.append({"op": "replace", "path": "/description", "value": text(stage, "Description") or ""})
    operations += _variable_operations(variables, {})
    await service.stages.update(context.scope, api_id, stage_name, operations)


async def _drop_stage(
    service: RestApiService, context: DeployContext, api_id: str, stage_name: str, deployment_id: str
) -> None:
    with already_gone():
        api = service.apis.get(context.scope, api_id)
        stage = api.stages.get(stage_name)
        if stage is not None and stage.deployment_id == deployment_id:
            await service.stages.delete(context.scope, api_id, stage_name)
