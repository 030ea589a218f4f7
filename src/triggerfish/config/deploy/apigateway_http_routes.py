"""What an HTTP API routes: ``AWS::ApiGatewayV2::Integration``, ``::Route`` and ``::Authorizer``.

Each ``Ref`` is the part's id. A part moved to another API is made anew there (``ApiId``: "Update
requires: Replacement"); any other change is made in place with every field given, so a property the
template no longer sets goes back to its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from triggerfish.config.deploy.apigateway_values import (
    already_gone,
    flag,
    http_apis,
    http_changed,
    mapping,
    optional_int,
    string_map,
    strings,
    text,
)
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, require
from triggerfish.config.errors import TemplateError
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.inputs import AuthorizerFields, IntegrationFields, RouteFields
from triggerfish.services.apigatewayv2.models import DEFAULT_TIMEOUT_MS, JwtConfiguration, Scope


class _Parts(Protocol):
    """The service's routes, integrations or authorizers: the calls every kind of part answers alike."""

    async def create(self, api_id: str, fields: Any, *, scope: Scope) -> Any: ...

    async def update(self, api_id: str, part_id: str, fields: Any, *, scope: Scope) -> Any: ...

    async def delete(self, api_id: str, part_id: str, *, scope: Scope) -> None: ...


class _Part:
    """Create, update and delete of one kind of part; a subclass names the kind and reads its fields."""

    #: the ``GetAtt`` attribute that is the part's id (``IntegrationId``, ``RouteId``, ``AuthorizerId``)
    id_attribute = ""

    def _parts(self, service: HttpApiService) -> _Parts:
        raise NotImplementedError

    def _fields(self, properties: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        api_id = str(require(properties, "ApiId"))
        made = await self._parts(http_apis(context)).create(api_id, self._fields(properties), scope=context.scope)
        http_changed(context, api_id)
        return PhysicalResource(made.id, {self.id_attribute: made.id})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        api_id = str(require(properties, "ApiId"))
        if api_id != previous_properties.get("ApiId"):
            return await self.create(context, logical_id, properties)
        parts = self._parts(http_apis(context))
        await parts.update(api_id, previous.physical_id, self._fields(properties), scope=context.scope)
        http_changed(context, api_id)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        api_id = str(properties.get("ApiId"))
        with already_gone():
            await self._parts(http_apis(context)).delete(api_id, resource.physical_id, scope=context.scope)
        http_changed(context, api_id)


class HttpIntegrationHandler(_Part):
    id_attribute = "IntegrationId"

    def _parts(self, service: HttpApiService) -> _Parts:
        return service.integrations

    def _fields(self, properties: Mapping[str, Any]) -> IntegrationFields:
        timeout = optional_int(properties, "TimeoutInMillis")
        return {
            "type": str(require(properties, "IntegrationType")).upper(),
            "uri": text(properties, "IntegrationUri"),
            "method": text(properties, "IntegrationMethod"),
            "payload_format_version": _version(properties, "PayloadFormatVersion"),
            "timeout_ms": DEFAULT_TIMEOUT_MS if timeout is None else timeout,
            "connection_type": text(properties, "ConnectionType") or "INTERNET",
            "connection_id": text(properties, "ConnectionId"),
            "credentials_arn": text(properties, "CredentialsArn"),
            "description": text(properties, "Description"),
            "subtype": text(properties, "IntegrationSubtype"),
            "request_parameters": string_map(properties, "RequestParameters"),
            "response_parameters": _response_parameters(mapping(properties, "ResponseParameters")),
            "tls_server_name": text(mapping(properties, "TlsConfig"), "ServerNameToVerify"),
        }


class HttpRouteHandler(_Part):
    id_attribute = "RouteId"

    def _parts(self, service: HttpApiService) -> _Parts:
        return service.routes

    def _fields(self, properties: Mapping[str, Any]) -> RouteFields:
        return {
            "route_key": str(require(properties, "RouteKey")),
            "target": text(properties, "Target"),
            "authorization_type": (text(properties, "AuthorizationType") or "NONE").upper(),
            "authorizer_id": text(properties, "AuthorizerId"),
            "authorization_scopes": strings(properties, "AuthorizationScopes"),
            "api_key_required": flag(properties, "ApiKeyRequired"),
            "operation_name": text(properties, "OperationName"),
            "request_parameters": {
                str(name): _required(value) for name, value in mapping(properties, "RequestParameters").items()
            },
        }


class HttpAuthorizerHandler(_Part):
    id_attribute = "AuthorizerId"

    def _parts(self, service: HttpApiService) -> _Parts:
        return service.authorizers

    def _fields(self, properties: Mapping[str, Any]) -> AuthorizerFields:
        jwt = mapping(properties, "JwtConfiguration")
        ttl = optional_int(properties, "AuthorizerResultTtlInSeconds")
        return {
            "name": str(require(properties, "Name")),
            "type": str(require(properties, "AuthorizerType")).upper(),
            "uri": text(properties, "AuthorizerUri"),
            "identity_source": strings(properties, "IdentitySource"),
            "payload_format_version": _version(properties, "AuthorizerPayloadFormatVersion"),
            "enable_simple_responses": flag(properties, "EnableSimpleResponses"),
            "result_ttl": 0 if ttl is None else ttl,
            "credentials_arn": text(properties, "AuthorizerCredentialsArn"),
            "identity_validation_expression": text(properties, "IdentityValidationExpression"),
            "jwt": JwtConfiguration(text(jwt, "Issuer"), strings(jwt, "Audience")) if jwt else None,
        }


def _version(properties: Mapping[str, Any], key: str) -> str | None:
    """``1.0`` or ``2.0``; YAML reads an unquoted ``2.0`` as a number."""
    value = properties.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.1f}"
    return None if value is None else str(value)


def _required(value: Any) -> bool:
    """A route's request parameter: ``{Required: true}`` (CloudFormation's ParameterConstraints) or a flag."""
    if isinstance(value, Mapping):
        value = value.get("Required", False)
    return value is True or str(value).lower() == "true"


def _response_parameters(value: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Status code -> ``{destination: source}``, from CloudFormation's ``{ResponseParameters: [{Destination,
    Source}]}`` per status code, or the API's own map."""
    found: dict[str, dict[str, str]] = {}
    for status, entry in value.items():
        if not isinstance(entry, Mapping):
            raise TemplateError(f"Value of property ResponseParameters.{status} must be an object")
        listed = entry.get("ResponseParameters")
        if isinstance(listed, list):
            found[str(status)] = {str(item.get("Destination")): str(item.get("Source")) for item in listed}
        else:
            found[str(status)] = {str(name): str(source) for name, source in entry.items()}
    return found
