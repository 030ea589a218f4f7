"""CreateStage, UpdateStage and DeleteStage as changes of an :class:`ApiState`."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from triggerfish.services.apigatewayv2.checks import check_stage_name, check_stage_variables, check_tags
from triggerfish.services.apigatewayv2.edits import put, require_deployment, require_stage, without
from triggerfish.services.apigatewayv2.errors import BadRequest, Conflict
from triggerfish.services.apigatewayv2.inputs import StageFields
from triggerfish.services.apigatewayv2.models import ApiState, Stage


def create_stage(
    state: ApiState,
    name: str,
    fields: StageFields,
    *,
    tags: Mapping[str, str],
    now: float,
    managed: bool = False,
) -> tuple[ApiState, Stage]:
    check_stage_name(name)
    if name in state.stages:
        raise Conflict(f"Stage {name} already exists")
    check_tags(tags)
    stage = _checked(state, dataclasses.replace(Stage(name, now, now, tags=dict(tags), managed=managed), **fields))
    return dataclasses.replace(state, stages=put(state.stages, name, stage)), stage


def update_stage(state: ApiState, name: str, fields: StageFields, *, now: float) -> tuple[ApiState, Stage]:
    stage = _checked(state, dataclasses.replace(require_stage(state, name), **fields, updated_at=now))
    return dataclasses.replace(state, stages=put(state.stages, name, stage)), stage


def delete_stage(state: ApiState, name: str) -> ApiState:
    require_stage(state, name)
    return dataclasses.replace(state, stages=without(state.stages, name))


def tag_stage(state: ApiState, name: str, tags: Mapping[str, str]) -> ApiState:
    stage = require_stage(state, name)
    return dataclasses.replace(state, stages=put(state.stages, name, dataclasses.replace(stage, tags=dict(tags))))


def _checked(state: ApiState, stage: Stage) -> Stage:
    check_stage_variables(stage.variables)
    if stage.deployment_id is not None:
        deployment = require_deployment(state, stage.deployment_id)
        if deployment.content is None:
            # superseded automatic deployments are not kept locally (see deploying.py)
            raise BadRequest(f"Deployment {deployment.id} was replaced by a later automatic deployment")
    return stage
