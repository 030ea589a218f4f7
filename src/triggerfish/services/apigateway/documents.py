"""A REST API as the JSON document it is stored as, and back."""

from __future__ import annotations

from collections.abc import Mapping
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

Doc = dict[str, Any]


def api_to_document(api: RestApi) -> Doc:
    return {
        "name": api.name,
        "created_at": api.created_at,
        "root_id": api.root_id,
        "description": api.description,
        "version": api.version,
        "binary_media_types": list(api.binary_media_types),
        "minimum_compression_size": api.minimum_compression_size,
        "api_key_source": api.api_key_source,
        "endpoint_types": list(api.endpoint_types),
        "ip_address_type": api.ip_address_type,
        "policy": api.policy,
        "disable_execute_api_endpoint": api.disable_execute_api_endpoint,
        "tags": dict(api.tags),
        "resources": [_resource_doc(r) for r in api.resources.values()],
        "authorizers": [_authorizer_doc(a) for a in api.authorizers.values()],
        "deployments": [_deployment_doc(d) for d in api.deployments.values()],
        "stages": [_stage_doc(s) for s in api.stages.values()],
    }


def api_from_document(api_id: str, scope: str, doc: Mapping[str, Any]) -> RestApi:
    account, _, region = scope.partition("/")
    return RestApi(
        id=api_id,
        account=account,
        region=region,
        name=doc["name"],
        created_at=float(doc["created_at"]),
        root_id=doc["root_id"],
        description=doc.get("description"),
        version=doc.get("version"),
        binary_media_types=tuple(doc.get("binary_media_types", ())),
        minimum_compression_size=doc.get("minimum_compression_size"),
        api_key_source=doc.get("api_key_source", "HEADER"),
        endpoint_types=tuple(doc.get("endpoint_types", ("EDGE",))),
        ip_address_type=doc.get("ip_address_type", "ipv4"),
        policy=doc.get("policy"),
        disable_execute_api_endpoint=bool(doc.get("disable_execute_api_endpoint", False)),
        tags=dict(doc.get("tags", {})),
        resources=_by_id([_resource(r) for r in doc.get("resources", ())]),
        authorizers=_by_id([_authorizer(a) for a in doc.get("authorizers", ())]),
        deployments=_by_id([_deployment(d) for d in doc.get("deployments", ())]),
        stages={s.name: s for s in (_stage(s) for s in doc.get("stages", ()))},
    )


def _by_id(items: list[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


# --- resources, methods, integrations --------------------------------------------------------


def _resource_doc(resource: Resource) -> Doc:
    return {
        "id": resource.id,
        "parent_id": resource.parent_id,
        "path_part": resource.path_part,
        "path": resource.path,
        "methods": [_method_doc(m) for m in resource.methods.values()],
    }


def _resource(doc: Mapping[str, Any]) -> Resource:
    methods = [_method(m) for m in doc.get("methods", ())]
    return Resource(doc["id"], doc.get("parent_id"), doc["path_part"], doc["path"], {m.http_method: m for m in methods})


def _method_doc(method: Method) -> Doc:
    return {
        "http_method": method.http_method,
        "authorization_type": method.authorization_type,
        "authorizer_id": method.authorizer_id,
        "api_key_required": method.api_key_required,
        "operation_name": method.operation_name,
        "request_validator_id": method.request_validator_id,
        "request_parameters": dict(method.request_parameters),
        "request_models": dict(method.request_models),
        "authorization_scopes": list(method.authorization_scopes),
        "integration": None if method.integration is None else _integration_doc(method.integration),
        "responses": [
            {
                "status_code": r.status_code,
                "response_parameters": dict(r.response_parameters),
                "response_models": dict(r.response_models),
            }
            for r in method.responses.values()
        ],
    }


def _method(doc: Mapping[str, Any]) -> Method:
    responses = [
        MethodResponse(r["status_code"], dict(r.get("response_parameters", {})), dict(r.get("response_models", {})))
        for r in doc.get("responses", ())
    ]
    integration = doc.get("integration")
    return Method(
        http_method=doc["http_method"],
        authorization_type=doc.get("authorization_type", "NONE"),
        authorizer_id=doc.get("authorizer_id"),
        api_key_required=bool(doc.get("api_key_required", False)),
        operation_name=doc.get("operation_name"),
        request_validator_id=doc.get("request_validator_id"),
        request_parameters=dict(doc.get("request_parameters", {})),
        request_models=dict(doc.get("request_models", {})),
        authorization_scopes=tuple(doc.get("authorization_scopes", ())),
        integration=None if integration is None else _integration(integration),
        responses={r.status_code: r for r in responses},
    )


def _integration_doc(integration: Integration) -> Doc:
    return {
        "type": integration.type,
        "http_method": integration.http_method,
        "uri": integration.uri,
        "credentials": integration.credentials,
        "request_parameters": dict(integration.request_parameters),
        "request_templates": dict(integration.request_templates),
        "passthrough_behavior": integration.passthrough_behavior,
        "content_handling": integration.content_handling,
        "timeout_ms": integration.timeout_ms,
        "cache_namespace": integration.cache_namespace,
        "cache_key_parameters": list(integration.cache_key_parameters),
        "connection_type": integration.connection_type,
        "connection_id": integration.connection_id,
        "responses": [
            {
                "status_code": r.status_code,
                "selection_pattern": r.selection_pattern,
                "response_parameters": dict(r.response_parameters),
                "response_templates": dict(r.response_templates),
                "content_handling": r.content_handling,
            }
            for r in integration.responses.values()
        ],
    }


def _integration(doc: Mapping[str, Any]) -> Integration:
    responses = [
        IntegrationResponse(
            r["status_code"],
            r.get("selection_pattern"),
            dict(r.get("response_parameters", {})),
            dict(r.get("response_templates", {})),
            r.get("content_handling"),
        )
        for r in doc.get("responses", ())
    ]
    return Integration(
        type=doc["type"],
        http_method=doc.get("http_method"),
        uri=doc.get("uri"),
        credentials=doc.get("credentials"),
        request_parameters=dict(doc.get("request_parameters", {})),
        request_templates=dict(doc.get("request_templates", {})),
        passthrough_behavior=doc.get("passthrough_behavior", "WHEN_NO_MATCH"),
        content_handling=doc.get("content_handling"),
        timeout_ms=int(doc.get("timeout_ms", 29_000)),
        cache_namespace=doc.get("cache_namespace"),
        cache_key_parameters=tuple(doc.get("cache_key_parameters", ())),
        connection_type=doc.get("connection_type"),
        connection_id=doc.get("connection_id"),
        responses={r.status_code: r for r in responses},
    )


# --- authorizers, deployments, stages --------------------------------------------------------


def _authorizer_doc(authorizer: Authorizer) -> Doc:
    return {
        "id": authorizer.id,
        "name": authorizer.name,
        "type": authorizer.type,
        "authorizer_uri": authorizer.authorizer_uri,
        "authorizer_credentials": authorizer.authorizer_credentials,
        "identity_source": authorizer.identity_source,
        "identity_validation_expression": authorizer.identity_validation_expression,
        "result_ttl": authorizer.result_ttl,
        "auth_type": authorizer.auth_type,
        "provider_arns": list(authorizer.provider_arns),
    }


def _authorizer(doc: Mapping[str, Any]) -> Authorizer:
    return Authorizer(
        id=doc["id"],
        name=doc["name"],
        type=doc["type"],
        authorizer_uri=doc.get("authorizer_uri"),
        authorizer_credentials=doc.get("authorizer_credentials"),
        identity_source=doc.get("identity_source"),
        identity_validation_expression=doc.get("identity_validation_expression"),
        result_ttl=doc.get("result_ttl"),
        auth_type=doc.get("auth_type"),
        provider_arns=tuple(doc.get("provider_arns", ())),
    )


def _deployment_doc(deployment: Deployment) -> Doc:
    return {
        "id": deployment.id,
        "created_at": deployment.created_at,
        "description": deployment.description,
        "resources": [_resource_doc(r) for r in deployment.resources.values()],
        "authorizers": [_authorizer_doc(a) for a in deployment.authorizers.values()],
        "binary_media_types": list(deployment.binary_media_types),
        "disable_execute_api_endpoint": deployment.disable_execute_api_endpoint,
    }


def _deployment(doc: Mapping[str, Any]) -> Deployment:
    return Deployment(
        id=doc["id"],
        created_at=float(doc["created_at"]),
        description=doc.get("description"),
        resources=_by_id([_resource(r) for r in doc.get("resources", ())]),
        authorizers=_by_id([_authorizer(a) for a in doc.get("authorizers", ())]),
        binary_media_types=tuple(doc.get("binary_media_types", ())),
        disable_execute_api_endpoint=bool(doc.get("disable_execute_api_endpoint", False)),
    )


def _stage_doc(stage: Stage) -> Doc:
    return {
        "name": stage.name,
        "deployment_id": stage.deployment_id,
        "created_at": stage.created_at,
        "updated_at": stage.updated_at,
        "description": stage.description,
        "variables": dict(stage.variables),
        "tracing_enabled": stage.tracing_enabled,
        "cache_cluster_enabled": stage.cache_cluster_enabled,
        "tags": dict(stage.tags),
    }


def _stage(doc: Mapping[str, Any]) -> Stage:
    return Stage(
        name=doc["name"],
        deployment_id=doc["deployment_id"],
        created_at=float(doc["created_at"]),
        updated_at=float(doc["updated_at"]),
        description=doc.get("description"),
        variables=dict(doc.get("variables", {})),
        tracing_enabled=bool(doc.get("tracing_enabled", False)),
        cache_cluster_enabled=bool(doc.get("cache_cluster_enabled", False)),
        tags=dict(doc.get("tags", {})),
    )
