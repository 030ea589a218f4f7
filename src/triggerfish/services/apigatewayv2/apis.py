"""CreateApi, UpdateApi and quick create as changes of an :class:`ApiState`.

Quick create (``Target`` on CreateApi) makes an integration, a route and an auto-deployed ``$default``
stage, all ``ApiGatewayManaged`` (developer guide, "Create an HTTP API ... quick create"): a Lambda
target gets an ``AWS_PROXY`` integration with payload format 2.0, a URL an ``HTTP_PROXY`` one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from triggerfish.services.apigatewayv2.checks import check_cors, check_tags, function_arn
from triggerfish.services.apigatewayv2.edits import new_child_id, with_content
from triggerfish.services.apigatewayv2.errors import BadRequest
from triggerfish.services.apigatewayv2.inputs import ApiFields, IntegrationFields, QuickCreate, RouteFields
from triggerfish.services.apigatewayv2.integrations import create_integration, update_integration
from triggerfish.services.apigatewayv2.models import (
    DEFAULT_ROUTE,
    DEFAULT_STAGE,
    HTTP,
    ROUTE_SELECTION,
    Api,
    ApiState,
    Scope,
)
from triggerfish.services.apigatewayv2.routes import create_route, update_route
from triggerfish.services.apigatewayv2.stages import create_stage

_CONTENT_FIELDS = ("cors", "disable_execute_api_endpoint")


def new_api(
    api_id: str,
    fields: ApiFields,
    *,
    protocol_type: str,
    tags: Mapping[str, str],
    scope: Scope,
    now: float,
) -> ApiState:
    if protocol_type == "WEBSOCKET":
        raise BadRequest("WebSocket APIs are not supported locally: only HTTP APIs (ProtocolType HTTP) can be created")
    if protocol_type != HTTP:
        raise BadRequest(f"Invalid protocol type {protocol_type}")
    check_tags(tags)
    api = Api(api_id, "", scope.account, scope.region, now, tags=dict(tags))
    return update_api(ApiState(api), fields)


def update_api(state: ApiState, fields: ApiFields) -> ApiState:
    on_api: dict[str, Any] = {name: value for name, value in fields.items() if name not in _CONTENT_FIELDS}
    api = dataclasses.replace(state.api, **on_api)
    if not 1 <= len(api.name) <= 128:
        raise BadRequest("Name is required: 1 to 128 characters")
    if api.route_selection_expression != ROUTE_SELECTION:
        # the one expression HTTP APIs route by (Api.RouteSelectionExpression)
        raise BadRequest(f"RouteSelectionExpression of an HTTP API must be {ROUTE_SELECTION}")
    if api.ip_address_type not in ("ipv4", "dualstack"):
        raise BadRequest(f"Invalid IpAddressType {api.ip_address_type}")
    state = dataclasses.replace(state, api=api)
    changed = {
        name: fields[name]  # type: ignore[literal-required]
        for name in _CONTENT_FIELDS
        if name in fields and fields[name] != getattr(state.content, name)  # type: ignore[literal-required]
    }
    if changed.get("cors") is not None:
        check_cors(changed["cors"])
    # only a real change makes a new content object: an AutoDeploy stage redeploys on those alone
    return with_content(state, **changed) if changed else state


def quick_create(state: ApiState, quick: QuickCreate, *, now: float) -> ApiState:
    """Add quick create's managed integration, route and ``$default`` stage, or retarget them."""
    integration = next((i for i in state.content.integrations.values() if i.managed), None)
    route = next((r for r in state.content.routes.values() if r.managed), None)
    target = quick.target or (integration.uri if integration is not None else None)
    if not target:
        raise BadRequest("Target is required to quick create an API's integration and route")
    fields = _integration_fields(target, quick.credentials_arn)
    if integration is not None:
        state, _ = update_integration(state, integration.id, fields)
    else:
        state, integration = create_integration(state, new_child_id(state), fields, managed=True)
    route_key = quick.route_key or (route.route_key if route is not None else DEFAULT_ROUTE)
    if route is not None:
        state, _ = update_route(state, route.id, {"route_key": route_key}, by_api=True)
    else:
        made: RouteFields = {"route_key": route_key, "target": f"integrations/{integration.id}"}
        state, _ = create_route(state, new_child_id(state), made, managed=True)
    if DEFAULT_STAGE not in state.stages:
        state, _ = create_stage(state, DEFAULT_STAGE, {"auto_deploy": True}, tags={}, now=now, managed=True)
    return state


def _integration_fields(target: str, credentials_arn: str | None) -> IntegrationFields:
    if function_arn(target) is not None:
        return {
            "type": "AWS_PROXY",
            "uri": target,
            "method": "POST",
            "payload_format_version": "2.0",
            "credentials_arn": credentials_arn,
        }
    if target.startswith(("http://", "https://")):
        return {
            "type": "HTTP_PROXY",
            "uri": target,
            "method": "ANY",
            "payload_format_version": "1.0",
            "credentials_arn": credentials_arn,
        }
    raise BadRequest(f"Invalid target {target}: use a Lambda function ARN or an http(s) URL")
