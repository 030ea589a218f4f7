"""CreateRoute, UpdateRoute and DeleteRoute as changes of an :class:`ApiState`."""

from __future__ import annotations

import dataclasses

from triggerfish.services.apigatewayv2.edits import put, require_route, with_content, without
from triggerfish.services.apigatewayv2.errors import BadRequest
from triggerfish.services.apigatewayv2.inputs import RouteFields
from triggerfish.services.apigatewayv2.models import ApiState, Route
from triggerfish.services.apigatewayv2.route_keys import check_unique, parse_route_key

AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "JWT")
# which authorizer type each authorization type needs (CreateRoute, AuthorizationType)
_AUTHORIZER_TYPE = {"JWT": "JWT", "CUSTOM": "REQUEST"}


def create_route(
    state: ApiState, route_id: str, fields: RouteFields, *, managed: bool = False
) -> tuple[ApiState, Route]:
    route = checked_route(state, dataclasses.replace(Route(route_id, "", managed=managed), **fields))
    return with_content(state, routes=put(state.content.routes, route.id, route)), route


def update_route(
    state: ApiState, route_id: str, fields: RouteFields, *, by_api: bool = False
) -> tuple[ApiState, Route]:
    current = require_route(state, route_id)
    if current.managed and not by_api and fields.get("route_key", current.route_key) != current.route_key:
        # quick create's route keeps its key; UpdateApi changes it (Route.ApiGatewayManaged)
        raise BadRequest("The route key of a route managed by API Gateway can only be changed with UpdateApi")
    route = checked_route(state, dataclasses.replace(current, **fields))
    return with_content(state, routes=put(state.content.routes, route.id, route)), route


def delete_route(state: ApiState, route_id: str) -> ApiState:
    require_route(state, route_id)
    return with_content(state, routes=without(state.content.routes, route_id))


def checked_route(state: ApiState, route: Route) -> Route:
    """``route`` as it would be stored in ``state``, or :class:`BadRequest`/``Conflict``."""
    key = parse_route_key(route.route_key)
    check_unique(key, state.content.routes.values(), except_id=route.id)
    if route.target == "":
        route = dataclasses.replace(route, target=None)  # an empty target detaches the integration
    if route.target is not None and route.integration_id not in state.content.integrations:
        raise BadRequest(f"Invalid target {route.target}: use integrations/<IntegrationId> of this API")
    kind = route.authorization_type
    if kind not in AUTHORIZATION_TYPES:
        raise BadRequest(f"Invalid authorization type {kind}: use one of {', '.join(AUTHORIZATION_TYPES)}")
    if kind not in _AUTHORIZER_TYPE:
        # no authorizer to name: whatever was attached before goes
        return dataclasses.replace(route, authorizer_id=None)
    if not route.authorizer_id:
        raise BadRequest(f"AuthorizerId is required for authorization type {kind}")
    authorizer = state.content.authorizers.get(route.authorizer_id)
    if authorizer is None:
        raise BadRequest(f"Invalid authorizer identifier specified {route.authorizer_id}")
    if authorizer.type != _AUTHORIZER_TYPE[kind]:
        raise BadRequest(
            f"Authorizer {authorizer.id} is a {authorizer.type} authorizer; authorization type {kind} needs a "
            f"{_AUTHORIZER_TYPE[kind]} authorizer"
        )
    return route
