"""API Gateway v2's output shapes (``Api``, ``Route``, ``Integration``, ``Authorizer``, ``Stage``,
``Deployment``), built from our values as AWS returns them: members with no value are left out."""

from __future__ import annotations

from typing import Any

from triggerfish.services.apigatewayv2.models import (
    ApiState,
    Authorizer,
    Cors,
    Deployment,
    Integration,
    Route,
    Stage,
)


def _set(shape: dict[str, Any], **members: Any) -> dict[str, Any]:
    shape.update({name: value for name, value in members.items() if value is not None})
    return shape


def cors(value: Cors) -> dict[str, Any]:
    return _set(
        {},
        AllowOrigins=list(value.allow_origins) or None,
        AllowMethods=list(value.allow_methods) or None,
        AllowHeaders=list(value.allow_headers) or None,
        ExposeHeaders=list(value.expose_headers) or None,
        MaxAge=value.max_age,
        AllowCredentials=value.allow_credentials,
    )


def api(state: ApiState, endpoint: str) -> dict[str, Any]:
    api = state.api
    return _set(
        {
            "ApiEndpoint": endpoint,
            "ApiId": api.id,
            "ApiKeySelectionExpression": api.api_key_selection_expression,
            "CreatedDate": api.created_at,
            "DisableExecuteApiEndpoint": state.content.disable_execute_api_endpoint,
            "IpAddressType": api.ip_address_type,
            "Name": api.name,
            "ProtocolType": api.protocol_type,
            "RouteSelectionExpression": api.route_selection_expression,
            "Tags": dict(api.tags),
        },
        CorsConfiguration=cors(state.content.cors) if state.content.cors is not None else None,
        Description=api.description,
        DisableSchemaValidation=api.disable_schema_validation,
        ImportInfo=list(api.import_info) or None,
        Version=api.version,
        Warnings=list(api.warnings) or None,
    )


def route(value: Route) -> dict[str, Any]:
    return _set(
        {
            "ApiKeyRequired": value.api_key_required,
            "AuthorizationType": value.authorization_type,
            "RouteId": value.id,
            "RouteKey": value.route_key,
        },
        ApiGatewayManaged=True if value.managed else None,
        AuthorizationScopes=list(value.authorization_scopes) or None,
        AuthorizerId=value.authorizer_id,
        OperationName=value.operation_name,
        RequestParameters={name: {"Required": required} for name, required in value.request_parameters.items()} or None,
        Target=value.target,
    )


def integration(value: Integration) -> dict[str, Any]:
    return _set(
        {
            "ConnectionType": value.connection_type,
            "IntegrationId": value.id,
            "IntegrationType": value.type,
            "TimeoutInMillis": value.timeout_ms,
        },
        ApiGatewayManaged=True if value.managed else None,
        ConnectionId=value.connection_id,
        CredentialsArn=value.credentials_arn,
        Description=value.description,
        IntegrationMethod=value.method,
        IntegrationSubtype=value.subtype,
        IntegrationUri=value.uri,
        PayloadFormatVersion=value.payload_format_version,
        RequestParameters=dict(value.request_parameters) or None,
        ResponseParameters={code: dict(mapping) for code, mapping in value.response_parameters.items()} or None,
        TlsConfig={"ServerNameToVerify": value.tls_server_name} if value.tls_server_name else None,
    )


def authorizer(value: Authorizer) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "AuthorizerId": value.id,
        "AuthorizerType": value.type,
        "IdentitySource": list(value.identity_source),
        "Name": value.name,
    }
    if value.type == "REQUEST":
        _set(
            shape,
            AuthorizerCredentialsArn=value.credentials_arn,
            AuthorizerPayloadFormatVersion=value.payload_format_version,
            AuthorizerResultTtlInSeconds=value.result_ttl,
            AuthorizerUri=value.uri,
            EnableSimpleResponses=value.enable_simple_responses,
        )
    if value.jwt is not None:
        shape["JwtConfiguration"] = _set({}, Audience=list(value.jwt.audience), Issuer=value.jwt.issuer)
    return _set(shape, IdentityValidationExpression=value.identity_validation_expression)


def stage(value: Stage) -> dict[str, Any]:
    return _set(
        {
            "AutoDeploy": value.auto_deploy,
            "CreatedDate": value.created_at,
            # AWS reports detailed metrics off unless they were turned on (GetStage answers)
            "DefaultRouteSettings": {"DetailedMetricsEnabled": False, **value.default_route_settings},
            "LastUpdatedDate": value.updated_at,
            "RouteSettings": {key: dict(settings) for key, settings in value.route_settings.items()},
            "StageName": value.name,
            "StageVariables": dict(value.variables),
            "Tags": dict(value.tags),
        },
        AccessLogSettings=dict(value.access_log_settings) if value.access_log_settings else None,
        ApiGatewayManaged=True if value.managed else None,
        ClientCertificateId=value.client_certificate_id,
        DeploymentId=value.deployment_id,
        Description=value.description,
        LastDeploymentStatusMessage=value.last_deployment_message,
    )


def deployment(value: Deployment) -> dict[str, Any]:
    return _set(
        {
            "AutoDeployed": value.auto_deployed,
            "CreatedDate": value.created_at,
            "DeploymentId": value.id,
            "DeploymentStatus": "DEPLOYED",
        },
        Description=value.description,
    )
