"""Deployments: what CreateDeployment captures, and the automatic deployments of ``AutoDeploy`` stages.

A stage with ``AutoDeploy`` is redeployed after every change of the API's content, as one new
deployment per stage (``AutoDeployed: true``). Only what can still be served is kept: a manual
deployment keeps its content; an automatic one keeps it while a stage points at it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from triggerfish.services.apigatewayv2.edits import put, require_deployment, require_stage, without
from triggerfish.services.apigatewayv2.errors import BadRequest
from triggerfish.services.apigatewayv2.models import ApiState, Deployment

# AWS's wording for both a refused CreateDeployment and a failed automatic one
NO_ROUTES = "Unable to deploy API because no routes exist in this API"
AUTO_DESCRIPTION = "Automatic deployment triggered by changes to the Api configuration"


def deployed_message(deployment_id: str) -> str:
    # Stage.LastDeploymentStatusMessage after an automatic deployment
    return f"Successfully deployed stage with deployment ID '{deployment_id}'"


def create_deployment(
    state: ApiState, deployment_id: str, *, description: str | None, stage_name: str | None, now: float
) -> tuple[ApiState, Deployment]:
    stage = require_stage(state, stage_name) if stage_name else None
    if not state.content.routes:
        raise BadRequest(NO_ROUTES)
    deployment = Deployment(deployment_id, now, description, content=state.content)
    state = dataclasses.replace(state, deployments=put(state.deployments, deployment_id, deployment))
    if stage is not None:
        moved = dataclasses.replace(stage, deployment_id=deployment_id, updated_at=now)
        state = dataclasses.replace(state, stages=put(state.stages, stage.name, moved))
    return state, deployment


def delete_deployment(state: ApiState, deployment_id: str) -> ApiState:
    require_deployment(state, deployment_id)
    if any(stage.deployment_id == deployment_id for stage in state.stages.values()):
        # API Gateway's refusal to delete a deployment a stage serves
        raise BadRequest("Active stages pointing to this deployment must be moved or deleted")
    return dataclasses.replace(state, deployments=without(state.deployments, deployment_id))


def auto_deploy(state: ApiState, *, now: float, new_id: Callable[[ApiState], str]) -> ApiState:
    """Redeploy every ``AutoDeploy`` stage whose deployment is not of the current content."""
    for stage in list(state.stages.values()):
        if not stage.auto_deploy or _serves_current(state, stage.deployment_id):
            continue
        if not state.content.routes:
            message = f"Deployment attempt failed: {NO_ROUTES}"
            if stage.last_deployment_message != message:
                failed = dataclasses.replace(stage, last_deployment_message=message)
                state = dataclasses.replace(state, stages=put(state.stages, stage.name, failed))
            continue
        deployment = Deployment(new_id(state), now, AUTO_DESCRIPTION, auto_deployed=True, content=state.content)
        deployed = dataclasses.replace(
            stage, deployment_id=deployment.id, last_deployment_message=deployed_message(deployment.id)
        )
        state = dataclasses.replace(
            state,
            deployments=put(state.deployments, deployment.id, deployment),
            stages=put(state.stages, stage.name, deployed),
        )
    return _prune(state)


def _serves_current(state: ApiState, deployment_id: str | None) -> bool:
    deployment = state.deployments.get(deployment_id) if deployment_id else None
    return deployment is not None and deployment.content is state.content


def _prune(state: ApiState) -> ApiState:
    served = {stage.deployment_id for stage in state.stages.values()}
    stale = [d for d in state.deployments.values() if d.auto_deployed and d.content is not None and d.id not in served]
    if not stale:
        return state
    deployments = dict(state.deployments)
    for deployment in stale:
        deployments[deployment.id] = dataclasses.replace(deployment, content=None)
    return dataclasses.replace(state, deployments=deployments)
