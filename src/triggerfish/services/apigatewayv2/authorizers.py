"""CreateAuthorizer, UpdateAuthorizer and DeleteAuthorizer as changes of an :class:`ApiState`."""

from __future__ import annotations

import dataclasses

from triggerfish.services.apigatewayv2.checks import check_authorizer
from triggerfish.services.apigatewayv2.edits import put, require_authorizer, with_content, without
from triggerfish.services.apigatewayv2.errors import BadRequest, Conflict
from triggerfish.services.apigatewayv2.inputs import AuthorizerFields
from triggerfish.services.apigatewayv2.models import ApiState, Authorizer, Route

_AUTHORIZATION_TYPE = {"JWT": "JWT", "REQUEST": "CUSTOM"}


def create_authorizer(state: ApiState, authorizer_id: str, fields: AuthorizerFields) -> tuple[ApiState, Authorizer]:
    authorizer = check_authorizer(dataclasses.replace(Authorizer(authorizer_id, "", ""), **fields))
    return with_content(state, authorizers=put(state.content.authorizers, authorizer_id, authorizer)), authorizer


def update_authorizer(state: ApiState, authorizer_id: str, fields: AuthorizerFields) -> tuple[ApiState, Authorizer]:
    authorizer = check_authorizer(dataclasses.replace(require_authorizer(state, authorizer_id), **fields))
    wanted = _AUTHORIZATION_TYPE[authorizer.type]
    for route in _users(state, authorizer_id):
        if route.authorization_type != wanted:
            raise BadRequest(
                f"Route {route.id} uses authorizer {authorizer_id} with authorization type "
                f"{route.authorization_type}, which a {authorizer.type} authorizer cannot serve"
            )
    return with_content(state, authorizers=put(state.content.authorizers, authorizer_id, authorizer)), authorizer


def delete_authorizer(state: ApiState, authorizer_id: str) -> ApiState:
    require_authorizer(state, authorizer_id)
    users = sorted(route.id for route in _users(state, authorizer_id))
    if users:
        # worded as DeleteIntegration's refusal; both are ConflictException
        raise Conflict(
            f"Cannot delete Authorizer because it is referenced by the following Routes with Ids: [{', '.join(users)}]"
        )
    return with_content(state, authorizers=without(state.content.authorizers, authorizer_id))


def _users(state: ApiState, authorizer_id: str) -> list[Route]:
    return [route for route in state.content.routes.values() if route.authorizer_id == authorizer_id]
