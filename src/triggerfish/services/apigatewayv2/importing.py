"""ImportApi and ReimportApi: an API's content made anew from an OpenAPI :class:`Definition`.

Every authorizer, integration and route goes through the same checks as CreateAuthorizer,
CreateIntegration and CreateRoute; the first failure fails the whole import, worded as AWS words
import failures. A route's ``security`` (or the definition's) picks its authorization: a scheme with
a ``jwt`` authorizer gives ``JWT`` with the listed scopes, a ``request`` authorizer ``CUSTOM``, a scheme
of ``x-amazon-apigateway-authtype: awsSigv4`` (or ``x-amazon-apigateway-auth`` of type ``AWS_IAM`` on the
operation) gives ``AWS_IAM``; no requirement, or one naming no such
scheme (SAM writes ``NONE``), gives ``NONE``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import partial
from typing import TypeVar

from triggerfish.services.apigatewayv2.authorizers import create_authorizer
from triggerfish.services.apigatewayv2.edits import new_child_id, with_content
from triggerfish.services.apigatewayv2.errors import ApiGatewayV2Error, BadRequest
from triggerfish.services.apigatewayv2.inputs import AuthorizerFields, IntegrationFields, RouteFields
from triggerfish.services.apigatewayv2.integrations import create_integration
from triggerfish.services.apigatewayv2.models import EMPTY_CONTENT, ApiState, Authorizer, Integration, Route
from triggerfish.services.apigatewayv2.openapi import Definition, Operation
from triggerfish.services.apigatewayv2.openapi_values import authorizer_fields, integration_fields, invalid, mapping
from triggerfish.services.apigatewayv2.routes import create_route

AUTHORIZER = "x-amazon-apigateway-authorizer"
T = TypeVar("T")


def import_definition(state: ApiState, definition: Definition) -> ApiState:
    """``state`` with its name, description, version, CORS and content taken from ``definition``."""
    api = dataclasses.replace(
        state.api,
        name=definition.name,
        description=definition.description,
        version=definition.version,
        tags={**state.api.tags, **definition.tags},
        warnings=definition.warnings,
    )
    state = dataclasses.replace(state, api=api, content=EMPTY_CONTENT)
    state = with_content(
        state, cors=definition.cors, disable_execute_api_endpoint=definition.disable_execute_api_endpoint
    )
    authorizers: dict[str, Authorizer] = {}
    sigv4: set[str] = set()
    for name, scheme in definition.schemes.items():
        if str(scheme.get("x-amazon-apigateway-authtype", "")).lower() == "awssigv4":
            sigv4.add(name)
        if scheme.get(AUTHORIZER) is None:
            continue
        where = f"securitySchemes.{name}.{AUTHORIZER}"
        wanted = authorizer_fields(name, mapping(scheme[AUTHORIZER], where), where)
        state, authorizers[name] = _step(where, partial(_new_authorizer, fields=wanted), state)
    shared: dict[str, str] = {}
    for operation in definition.operations:
        state, target = _target(state, operation, definition, shared)
        route: RouteFields = {"route_key": operation.route_key, "target": target}
        route.update(_authorization(operation, definition, authorizers, sigv4))
        state, _ = _step(operation.where, partial(_new_route, fields=route), state)
    return state


def _target(
    state: ApiState, operation: Operation, definition: Definition, shared: dict[str, str]
) -> tuple[ApiState, str | None]:
    where = f"{operation.where}.x-amazon-apigateway-integration"
    reference = operation.integration_ref
    if reference is not None:
        if reference not in shared:
            raw = definition.shared_integrations.get(reference)
            if raw is None:
                raise invalid(where, f"no integration {reference} in components.x-amazon-apigateway-integrations")
            fields = integration_fields(raw, where)
            state, made = _step(where, partial(_new_integration, fields=fields), state)
            shared[reference] = made.id
        return state, f"integrations/{shared[reference]}"
    if operation.integration is None:
        return state, None
    inline = integration_fields(operation.integration, where)
    state, made = _step(where, partial(_new_integration, fields=inline), state)
    return state, f"integrations/{made.id}"


def _authorization(
    operation: Operation, definition: Definition, authorizers: Mapping[str, Authorizer], sigv4: set[str]
) -> RouteFields:
    if operation.iam:
        return {"authorization_type": "AWS_IAM"}
    requirements = definition.security if operation.security is None else operation.security
    for requirement in requirements:
        for name, scopes in requirement.items():
            if name in sigv4:
                return {"authorization_type": "AWS_IAM"}
            authorizer = authorizers.get(name)
            if authorizer is None:
                continue
            if authorizer.type == "JWT":
                listed = tuple(str(scope) for scope in scopes) if isinstance(scopes, list) else ()
                return {"authorization_type": "JWT", "authorizer_id": authorizer.id, "authorization_scopes": listed}
            return {"authorization_type": "CUSTOM", "authorizer_id": authorizer.id}
    return {"authorization_type": "NONE"}


def _new_authorizer(state: ApiState, fields: AuthorizerFields) -> tuple[ApiState, Authorizer]:
    return create_authorizer(state, new_child_id(state), fields)


def _new_integration(state: ApiState, fields: IntegrationFields) -> tuple[ApiState, Integration]:
    return create_integration(state, new_child_id(state), fields)


def _new_route(state: ApiState, fields: RouteFields) -> tuple[ApiState, Route]:
    return create_route(state, new_child_id(state), fields)


def _step(where: str, make: Callable[[ApiState], T], state: ApiState) -> T:
    try:
        return make(state)
    except BadRequest as exc:
        if exc.message.startswith("Errors found during import"):
            raise
        raise invalid(where, exc.message) from None
    except ApiGatewayV2Error as exc:
        raise invalid(where, exc.message) from None
