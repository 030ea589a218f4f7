"""Integrations and integration responses: Put/Get/DeleteIntegration, *IntegrationResponse."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from triggerfish.services.apigateway.errors import BadRequest, integration_not_found, status_not_found
from triggerfish.services.apigateway.methods import locate_method, with_method
from triggerfish.services.apigateway.models import (
    DEFAULT_TIMEOUT_MS,
    MIN_TIMEOUT_MS,
    Integration,
    IntegrationResponse,
    Method,
    Resource,
    RestApi,
    Scope,
)
from triggerfish.services.apigateway.registry import RestApiRegistry

INTEGRATION_TYPES = ("AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK")
#: arn:aws:apigateway:<region>:<service>:path/... or :action/...
_AWS_URI = re.compile(r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:([A-Za-z0-9.-]+):(path|action)/.+$")
_LAMBDA_PATH = re.compile(
    r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/\d{4}-\d{2}-\d{2}/functions/.+/invocations$"
)


@dataclass(frozen=True)
class NewIntegration:
    """PutIntegration's settings."""

    type: str
    http_method: str | None = None
    uri: str | None = None
    credentials: str | None = None
    request_parameters: Mapping[str, str] = field(default_factory=dict)
    request_templates: Mapping[str, str] = field(default_factory=dict)
    passthrough_behavior: str | None = None
    content_handling: str | None = None
    timeout_ms: int | None = None
    cache_namespace: str | None = None
    cache_key_parameters: tuple[str, ...] = ()
    connection_type: str | None = None
    connection_id: str | None = None
    responses: Mapping[str, IntegrationResponse] = field(default_factory=dict)


def build_integration(resource_id: str, settings: NewIntegration) -> Integration:
    """The integration ``settings`` describe, checked as PutIntegration checks it."""
    kind = settings.type.upper()
    if kind not in INTEGRATION_TYPES:
        raise BadRequest("Invalid integration type specified. Valid options are " + ",".join(INTEGRATION_TYPES))
    if kind != "MOCK" and not settings.http_method:
        raise BadRequest("Enumeration value for HttpMethod must be non-empty")
    if kind in ("AWS", "AWS_PROXY"):
        _check_aws_uri(kind, settings.uri or "")
    elif kind in ("HTTP", "HTTP_PROXY") and not re.match(r"^https?://[^/\s]+", settings.uri or ""):
        raise BadRequest("Invalid HTTP endpoint specified for URI")
    timeout = DEFAULT_TIMEOUT_MS if settings.timeout_ms is None else settings.timeout_ms
    if not MIN_TIMEOUT_MS <= timeout <= DEFAULT_TIMEOUT_MS:
        # spec §6.4: 50 ms to 29 s
        raise BadRequest(f"Timeout should be between {MIN_TIMEOUT_MS} ms and {DEFAULT_TIMEOUT_MS} ms")
    return Integration(
        type=kind,
        http_method=settings.http_method.upper() if settings.http_method else None,
        uri=settings.uri,
        credentials=settings.credentials,
        request_parameters=dict(settings.request_parameters),
        request_templates=dict(settings.request_templates),
        passthrough_behavior=(settings.passthrough_behavior or "WHEN_NO_MATCH").upper(),
        content_handling=settings.content_handling,
        timeout_ms=timeout,
        # the cache namespace defaults to the resource's id (observed PutIntegration answers)
        cache_namespace=settings.cache_namespace or resource_id,
        cache_key_parameters=tuple(settings.cache_key_parameters),
        connection_type=settings.connection_type,
        connection_id=settings.connection_id,
        responses=dict(settings.responses),
    )


def _check_aws_uri(kind: str, uri: str) -> None:
    # observed PutIntegration answers for AWS and AWS_PROXY URIs
    if not uri.startswith("arn:"):
        raise BadRequest("Invalid ARN specified in the request")
    match = _AWS_URI.match(uri)
    if match is None:
        raise BadRequest("AWS ARN for integration must contain path or action")
    if kind == "AWS_PROXY" and not (_LAMBDA_PATH.match(uri) or match.group(1) == "firehose"):
        raise BadRequest(
            "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations."
        )


class Integrations:
    def __init__(self, registry: RestApiRegistry) -> None:
        self._registry = registry

    async def put(
        self, scope: Scope, api_id: str, resource_id: str, http_method: str, settings: NewIntegration
    ) -> Integration:
        api, resource, method = locate_method(self._registry, scope, api_id, resource_id, http_method)
        integration = build_integration(resource.id, settings)
        await self._registry.save(with_method(api, resource, replace(method, integration=integration)))
        return integration

    def get(self, scope: Scope, api_id: str, resource_id: str, http_method: str) -> Integration:
        return self._locate(scope, api_id, resource_id, http_method)[3]

    async def delete(self, scope: Scope, api_id: str, resource_id: str, http_method: str) -> None:
        api, resource, method, _ = self._locate(scope, api_id, resource_id, http_method)
        await self._registry.save(with_method(api, resource, replace(method, integration=None)))

    async def put_response(
        self, scope: Scope, api_id: str, resource_id: str, http_method: str, response: IntegrationResponse
    ) -> IntegrationResponse:
        api, resource, method, integration = self._locate(scope, api_id, resource_id, http_method)
        responses = {**integration.responses, response.status_code: response}
        updated = replace(method, integration=replace(integration, responses=responses))
        await self._registry.save(with_method(api, resource, updated))
        return response

    def get_response(
        self, scope: Scope, api_id: str, resource_id: str, http_method: str, status_code: str
    ) -> IntegrationResponse:
        integration = self._locate(scope, api_id, resource_id, http_method)[3]
        response = integration.responses.get(status_code)
        if response is None:
            raise status_not_found()
        return response

    async def delete_response(
        self, scope: Scope, api_id: str, resource_id: str, http_method: str, status_code: str
    ) -> None:
        api, resource, method, integration = self._locate(scope, api_id, resource_id, http_method)
        if status_code not in integration.responses:
            raise status_not_found()
        responses = {code: value for code, value in integration.responses.items() if code != status_code}
        updated = replace(method, integration=replace(integration, responses=responses))
        await self._registry.save(with_method(api, resource, updated))

    def _locate(
        self, scope: Scope, api_id: str, resource_id: str, http_method: str
    ) -> tuple[RestApi, Resource, Method, Integration]:
        api, resource, method = locate_method(self._registry, scope, api_id, resource_id, http_method)
        if method.integration is None:
            raise integration_not_found()
        return api, resource, method, method.integration
