"""Small steps every change of an :class:`ApiState` is made of: find a part, put it, drop it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from triggerfish.services.apigatewayv2.errors import child_not_found, stage_not_found
from triggerfish.services.apigatewayv2.identifiers import CHILD_ID_LENGTH, random_id
from triggerfish.services.apigatewayv2.models import ApiState, Authorizer, Deployment, Integration, Route, Stage

V = TypeVar("V")


def put(mapping: Mapping[str, V], key: str, value: V) -> dict[str, V]:
    return {**mapping, key: value}


def without(mapping: Mapping[str, V], key: str) -> dict[str, V]:
    return {name: value for name, value in mapping.items() if name != key}


def with_content(state: ApiState, **changes: Any) -> ApiState:
    """The state with a new content object (so stages serving it see a change)."""
    return dataclasses.replace(state, content=dataclasses.replace(state.content, **changes))


def require_route(state: ApiState, route_id: str) -> Route:
    found = state.content.routes.get(route_id)
    if found is None:
        raise child_not_found("Route", route_id)
    return found


def require_integration(state: ApiState, integration_id: str) -> Integration:
    found = state.content.integrations.get(integration_id)
    if found is None:
        raise child_not_found("Integration", integration_id)
    return found


def require_authorizer(state: ApiState, authorizer_id: str) -> Authorizer:
    found = state.content.authorizers.get(authorizer_id)
    if found is None:
        raise child_not_found("Authorizer", authorizer_id)
    return found


def require_stage(state: ApiState, stage_name: str) -> Stage:
    found = state.stages.get(stage_name)
    if found is None:
        raise stage_not_found(stage_name)
    return found


def require_deployment(state: ApiState, deployment_id: str) -> Deployment:
    found = state.deployments.get(deployment_id)
    if found is None:
        raise child_not_found("Deployment", deployment_id)
    return found


def new_child_id(state: ApiState) -> str:
    """A fresh id for a route, integration, authorizer or deployment of ``state``."""
    content = state.content
    taken = {*content.routes, *content.integrations, *content.authorizers, *state.deployments}
    return random_id(CHILD_ID_LENGTH, taken)
