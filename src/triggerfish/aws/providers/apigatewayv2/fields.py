"""Request members, as the protocol layer parsed them, turned into the fields the service takes.

Only members present in the request become fields: on an update, an absent member is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

from triggerfish.services.apigatewayv2.inputs import (
    ApiFields,
    AuthorizerFields,
    IntegrationFields,
    RouteFields,
    StageFields,
)
from triggerfish.services.apigatewayv2.models import Cors, JwtConfiguration

Table = Mapping[str, tuple[str, Callable[[Any], Any]]]


def _same(value: Any) -> Any:
    return value


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value)


def _dict(value: Any) -> dict[str, Any]:
    return dict(value)


def cors(value: Mapping[str, Any]) -> Cors:
    return Cors(
        allow_origins=tuple(value.get("AllowOrigins", ())),
        allow_methods=tuple(value.get("AllowMethods", ())),
        allow_headers=tuple(value.get("AllowHeaders", ())),
        expose_headers=tuple(value.get("ExposeHeaders", ())),
        max_age=value.get("MaxAge"),
        allow_credentials=value.get("AllowCredentials"),
    )


def _jwt(value: Mapping[str, Any]) -> JwtConfiguration:
    return JwtConfiguration(issuer=value.get("Issuer"), audience=tuple(value.get("Audience", ())))


def _required(value: Mapping[str, Any]) -> dict[str, bool]:
    return {name: bool(constraint.get("Required", False)) for name, constraint in value.items()}


def _tls(value: Mapping[str, Any]) -> str | None:
    found = value.get("ServerNameToVerify")
    return None if found is None else str(found)


_API: Table = {
    "Name": ("name", _same),
    "Description": ("description", _same),
    "Version": ("version", _same),
    "RouteSelectionExpression": ("route_selection_expression", _same),
    "ApiKeySelectionExpression": ("api_key_selection_expression", _same),
    "IpAddressType": ("ip_address_type", _same),
    "DisableSchemaValidation": ("disable_schema_validation", _same),
    "DisableExecuteApiEndpoint": ("disable_execute_api_endpoint", _same),
    "CorsConfiguration": ("cors", cors),
}
_ROUTE: Table = {
    "RouteKey": ("route_key", _same),
    "Target": ("target", _same),
    "AuthorizationType": ("authorization_type", _same),
    "AuthorizerId": ("authorizer_id", _same),
    "AuthorizationScopes": ("authorization_scopes", _tuple),
    "ApiKeyRequired": ("api_key_required", _same),
    "OperationName": ("operation_name", _same),
    "RequestParameters": ("request_parameters", _required),
}
_INTEGRATION: Table = {
    "IntegrationType": ("type", _same),
    "IntegrationUri": ("uri", _same),
    "IntegrationMethod": ("method", _same),
    "PayloadFormatVersion": ("payload_format_version", _same),
    "TimeoutInMillis": ("timeout_ms", _same),
    "ConnectionType": ("connection_type", _same),
    "ConnectionId": ("connection_id", _same),
    "CredentialsArn": ("credentials_arn", _same),
    "Description": ("description", _same),
    "IntegrationSubtype": ("subtype", _same),
    "RequestParameters": ("request_parameters", _dict),
    "ResponseParameters": ("response_parameters", _dict),
    "TlsConfig": ("tls_server_name", _tls),
}
_AUTHORIZER: Table = {
    "Name": ("name", _same),
    "AuthorizerType": ("type", _same),
    "AuthorizerUri": ("uri", _same),
    "IdentitySource": ("identity_source", _tuple),
    "AuthorizerPayloadFormatVersion": ("payload_format_version", _same),
    "EnableSimpleResponses": ("enable_simple_responses", _same),
    "AuthorizerResultTtlInSeconds": ("result_ttl", _same),
    "AuthorizerCredentialsArn": ("credentials_arn", _same),
    "IdentityValidationExpression": ("identity_validation_expression", _same),
    "JwtConfiguration": ("jwt", _jwt),
}
_STAGE: Table = {
    "AutoDeploy": ("auto_deploy", _same),
    "DeploymentId": ("deployment_id", _same),
    "Description": ("description", _same),
    "StageVariables": ("variables", _dict),
    "DefaultRouteSettings": ("default_route_settings", _dict),
    "RouteSettings": ("route_settings", _dict),
    "AccessLogSettings": ("access_log_settings", _dict),
    "ClientCertificateId": ("client_certificate_id", _same),
}


def _pick(params: Mapping[str, Any], table: Table) -> dict[str, Any]:
    return {field: convert(params[member]) for member, (field, convert) in table.items() if member in params}


def api_fields(params: Mapping[str, Any]) -> ApiFields:
    return cast(ApiFields, _pick(params, _API))


def route_fields(params: Mapping[str, Any]) -> RouteFields:
    return cast(RouteFields, _pick(params, _ROUTE))


def integration_fields(params: Mapping[str, Any]) -> IntegrationFields:
    return cast(IntegrationFields, _pick(params, _INTEGRATION))


def authorizer_fields(params: Mapping[str, Any]) -> AuthorizerFields:
    return cast(AuthorizerFields, _pick(params, _AUTHORIZER))


def stage_fields(params: Mapping[str, Any]) -> StageFields:
    return cast(StageFields, _pick(params, _STAGE))
