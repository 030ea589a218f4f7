"""API Gateway's output shapes (botocore ``apigateway`` model), built from our REST API values.

Members AWS leaves out when unset are left out here too (recorded AWS answers): a method without
request parameters has no ``requestParameters``; ``cacheKeyParameters`` is always a list.
"""

from __future__ import annotations

from typing import Any

from triggerfish.services.apigateway.models import (
    Authorizer,
    Deployment,
    Integration,
    IntegrationResponse,
    Method,
    MethodResponse,
    Resource,
    RestApi,
    Stage,
)

Shape = dict[str, Any]


def _optional(shape: Shape, **members: Any) -> Shape:
    """``shape`` with each member that has a value (not None, not empty)."""
    for name, value in members.items():
        if value is not None and value != {} and value != [] and value != ():
            shape[name] = list(value) if isinstance(value, tuple) else value
    return shape


def rest_api(api: RestApi, *, tags: bool = False) -> Shape:
    """``RestApi``; ``tags`` shows an empty tag map too (UpdateRestApi's answer does)."""
    shape: Shape = {
        "id": api.id,
        "name": api.name,
        "createdDate": api.created_at,
        "apiKeySource": api.api_key_source,
        "endpointConfiguration": {"types": list(api.endpoint_types), "ipAddressType": api.ip_address_type},
        "disableExecuteApiEndpoint": api.disable_execute_api_endpoint,
        "rootResourceId": api.root_id,
    }
    if tags:
        shape["tags"] = dict(api.tags)
    return _optional(
        shape,
        description=api.description,
        version=api.version,
        binaryMediaTypes=api.binary_media_types,
        minimumCompressionSize=api.minimum_compression_size,
        policy=api.policy,
        tags=dict(api.tags),
    )


def resource(value: Resource, *, embed: bool = False) -> Shape:
    """``Resource``; its methods are listed by name, in full only when ``embed=methods`` asks."""
    shape: Shape = {"id": value.id, "path": value.path}
    if value.parent_id is not None:
        shape["parentId"] = value.parent_id
        shape["pathPart"] = value.path_part
    if value.methods:
        shape["resourceMethods"] = {name: method(m) if embed else {} for name, m in sorted(value.methods.items())}
    return shape


def method(value: Method) -> Shape:
    shape: Shape = {
        "httpMethod": value.http_method,
        "authorizationType": value.authorization_type,
        "apiKeyRequired": value.api_key_required,
    }
    return _optional(
        shape,
        authorizerId=value.authorizer_id,
        operationName=value.operation_name,
        requestValidatorId=value.request_validator_id,
        requestParameters=dict(value.request_parameters),
        requestModels=dict(value.request_models),
        authorizationScopes=value.authorization_scopes,
        methodResponses={code: method_response(r) for code, r in value.responses.items()},
        methodIntegration=None if value.integration is None else integration(value.integration),
    )


def method_response(value: MethodResponse) -> Shape:
    return _optional(
        {"statusCode": value.status_code},
        responseParameters=dict(value.response_parameters),
        responseModels=dict(value.response_models),
    )


def integration(value: Integration) -> Shape:
    shape: Shape = {
        "type": value.type,
        "passthroughBehavior": value.passthrough_behavior,
        "timeoutInMillis": value.timeout_ms,
        "cacheKeyParameters": list(value.cache_key_parameters),
    }
    return _optional(
        shape,
        httpMethod=value.http_method,
        uri=value.uri,
        credentials=value.credentials,
        connectionType=value.connection_type,
        connectionId=value.connection_id,
        requestParameters=dict(value.request_parameters),
        requestTemplates=dict(value.request_templates),
        contentHandling=value.content_handling,
        cacheNamespace=value.cache_namespace,
        integrationResponses={code: integration_response(r) for code, r in value.responses.items()},
    )


def integration_response(value: IntegrationResponse) -> Shape:
    shape: Shape = {"statusCode": value.status_code}
    if value.selection_pattern is not None:
        shape["selectionPattern"] = value.selection_pattern
    return _optional(
        shape,
        responseParameters=dict(value.response_parameters),
        responseTemplates=dict(value.response_templates),
        contentHandling=value.content_handling,
    )


def authorizer(value: Authorizer) -> Shape:
    return _optional(
        {"id": value.id, "name": value.name, "type": value.type},
        authType=value.auth_type,
        authorizerUri=value.authorizer_uri,
        authorizerCredentials=value.authorizer_credentials,
        identitySource=value.identity_source,
        identityValidationExpression=value.identity_validation_expression,
        authorizerResultTtlInSeconds=value.result_ttl,
        providerARNs=value.provider_arns,
    )


def deployment(value: Deployment) -> Shape:
    return _optional({"id": value.id, "createdDate": value.created_at}, description=value.description)


def stage(value: Stage) -> Shape:
    shape: Shape = {
        "deploymentId": value.deployment_id,
        "stageName": value.name,
        "cacheClusterEnabled": value.cache_cluster_enabled,
        # no cache cluster runs here (observed value for a stage without one)
        "cacheClusterStatus": "NOT_AVAILABLE",
        "methodSettings": {},
        "tracingEnabled": value.tracing_enabled,
        "createdDate": value.created_at,
        "lastUpdatedDate": value.updated_at,
    }
    return _optional(shape, description=value.description, variables=dict(value.variables), tags=dict(value.tags))
