"""Deployments and stages: Create/Get/Update/DeleteDeployment, GetDeployments, the five stage operations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.apigateway import shapes
from triggerfish.aws.providers.apigateway.paging import page
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigateway.deployments import NewDeployment
from triggerfish.services.apigateway.service import RestApiService
from triggerfish.services.apigateway.stages import NewStage

Operation = Callable[[Call], Awaitable[Reply]]


class DeploymentOperations:
    def __init__(self, service: RestApiService) -> None:
        self._deployments = service.deployments
        self._stages = service.stages

    def table(self) -> dict[str, Operation]:
        return {
            "CreateDeployment": self.create,
            "GetDeployment": self.get,
            "GetDeployments": self.list,
            "UpdateDeployment": self.update,
            "DeleteDeployment": self.delete,
            "CreateStage": self.create_stage,
            "GetStage": self.get_stage,
            "GetStages": self.list_stages,
            "UpdateStage": self.update_stage,
            "DeleteStage": self.delete_stage,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        settings = NewDeployment(
            description=p.get("description"),
            stage_name=p.get("stageName"),
            stage_description=p.get("stageDescription"),
            variables=p.get("variables") or {},
            tracing_enabled=p.get("tracingEnabled"),
            cache_cluster_enabled=p.get("cacheClusterEnabled"),
        )
        return Reply(shapes.deployment(await self._deployments.create(call.scope, p["restApiId"], settings)))

    async def get(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.deployment(self._deployments.get(call.scope, p["restApiId"], p["deploymentId"])))

    async def list(self, call: Call) -> Reply:
        found = self._deployments.list(call.scope, call.params["restApiId"])
        chosen, position = page(found, dict(call.params), lambda d: f"{d.created_at:020.6f}{d.id}")
        result: dict[str, Any] = {"items": [shapes.deployment(d) for d in chosen]}
        if position:
            result["position"] = position
        return Reply(result)

    async def update(self, call: Call) -> Reply:
        p = call.params
        updated = await self._deployments.update(
            call.scope, p["restApiId"], p["deploymentId"], p.get("patchOperations")
        )
        return Reply(shapes.deployment(updated))

    async def delete(self, call: Call) -> Reply:
        await self._deployments.delete(call.scope, call.params["restApiId"], call.params["deploymentId"])
        return Reply()

    async def create_stage(self, call: Call) -> Reply:
        p = call.params
        settings = NewStage(
            name=p["stageName"],
            deployment_id=p["deploymentId"],
            description=p.get("description"),
            variables=p.get("variables") or {},
            tags=p.get("tags") or {},
            tracing_enabled=bool(p.get("tracingEnabled", False)),
            cache_cluster_enabled=bool(p.get("cacheClusterEnabled", False)),
        )
        return Reply(shapes.stage(await self._stages.create(call.scope, p["restApiId"], settings)))

    async def get_stage(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.stage(self._stages.get(call.scope, p["restApiId"], p["stageName"])))

    async def list_stages(self, call: Call) -> Reply:
        p = call.params
        found = self._stages.list(call.scope, p["restApiId"], p.get("deploymentId"))
        return Reply({"item": [shapes.stage(s) for s in found]})

    async def update_stage(self, call: Call) -> Reply:
        p = call.params
        updated = await self._stages.update(call.scope, p["restApiId"], p["stageName"], p.get("patchOperations"))
        return Reply(shapes.stage(updated))

    async def delete_stage(self, call: Call) -> Reply:
        await self._stages.delete(call.scope, call.params["restApiId"], call.params["stageName"])
        return Reply()
