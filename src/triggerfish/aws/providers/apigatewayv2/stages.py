"""Stages and deployments: Create, Get, Get (list), Update and Delete of stages; Create, Get, Get (list)
and Delete of deployments."""

from __future__ import annotations

from triggerfish.aws.providers.apigatewayv2 import shapes
from triggerfish.aws.providers.apigatewayv2.apis import Operation
from triggerfish.aws.providers.apigatewayv2.fields import stage_fields
from triggerfish.aws.providers.apigatewayv2.paging import page
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigatewayv2 import HttpApiService


class StageOperations:
    def __init__(self, service: HttpApiService) -> None:
        self._stages = service.stages
        self._deployments = service.deployments

    def table(self) -> dict[str, Operation]:
        return {
            "CreateStage": self.create_stage,
            "GetStage": self.get_stage,
            "GetStages": self.get_stages,
            "UpdateStage": self.update_stage,
            "DeleteStage": self.delete_stage,
            "CreateDeployment": self.create_deployment,
            "GetDeployment": self.get_deployment,
            "GetDeployments": self.get_deployments,
            "DeleteDeployment": self.delete_deployment,
        }

    async def create_stage(self, call: Call) -> Reply:
        p = call.params
        stage = await self._stages.create(
            p["ApiId"], p["StageName"], stage_fields(p), tags=p.get("Tags"), scope=call.scope
        )
        return Reply(shapes.stage(stage))

    async def get_stage(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.stage(self._stages.get(p["ApiId"], p["StageName"], scope=call.scope)))

    async def get_stages(self, call: Call) -> Reply:
        stages = self._stages.list(call.params["ApiId"], scope=call.scope)
        return Reply(page(stages, call.params, lambda stage: stage.name, shapes.stage))

    async def update_stage(self, call: Call) -> Reply:
        p = call.params
        stage = await self._stages.update(p["ApiId"], p["StageName"], stage_fields(p), scope=call.scope)
        return Reply(shapes.stage(stage))

    async def delete_stage(self, call: Call) -> Reply:
        await self._stages.delete(call.params["ApiId"], call.params["StageName"], scope=call.scope)
        return Reply()

    async def create_deployment(self, call: Call) -> Reply:
        p = call.params
        deployment = await self._deployments.create(
            p["ApiId"], description=p.get("Description"), stage_name=p.get("StageName"), scope=call.scope
        )
        return Reply(shapes.deployment(deployment))

    async def get_deployment(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.deployment(self._deployments.get(p["ApiId"], p["DeploymentId"], scope=call.scope)))

    async def get_deployments(self, call: Call) -> Reply:
        deployments = self._deployments.list(call.params["ApiId"], scope=call.scope)
        return Reply(page(deployments, call.params, lambda deployment: deployment.id, shapes.deployment))

    async def delete_deployment(self, call: Call) -> Reply:
        await self._deployments.delete(call.params["ApiId"], call.params["DeploymentId"], scope=call.scope)
        return Reply()
