"""REST API values: an API with its resource tree, methods, authorizers, deployments and stages.

Every value is frozen; a change builds a new :class:`RestApi` (``dataclasses.replace``) so that the
gateway's cached views, keyed by identity, stay valid until something really changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

#: The DocumentStore kind one REST API (with everything it holds) is stored under.
REST_API_KIND = "apigateway.restapi"

#: Methods a resource may have (PutMethod's "Valid options").
HTTP_METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY")
#: spec §6.4: an integration times out after 29 s by default, and no later; 50 ms at least
DEFAULT_TIMEOUT_MS = 29_000
MIN_TIMEOUT_MS = 50


class Scope(Protocol):
    """Where a request runs: the caller's account and region."""

    @property
    def account(self) -> str: ...

    @property
    def region(self) -> str: ...


@dataclass(frozen=True)
class IntegrationResponse:
    status_code: str
    selection_pattern: str | None = None
    response_parameters: Mapping[str, str] = field(default_factory=dict)
    response_templates: Mapping[str, str] = field(default_factory=dict)
    content_handling: str | None = None


@dataclass(frozen=True)
class Integration:
    type: str  # AWS | AWS_PROXY | HTTP | HTTP_PROXY | MOCK
    http_method: str | None = None
    uri: str | None = None
    credentials: str | None = None
    request_parameters: Mapping[str, str] = field(default_factory=dict)
    request_templates: Mapping[str, str] = field(default_factory=dict)
    passthrough_behavior: str = "WHEN_NO_MATCH"
    content_handling: str | None = None
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    cache_namespace: str | None = None
    cache_key_parameters: tuple[str, ...] = ()
    connection_type: str | None = None
    connection_id: str | None = None
    responses: Mapping[str, IntegrationResponse] = field(default_factory=dict)


@dataclass(frozen=True)
class MethodResponse:
    status_code: str
    response_parameters: Mapping[str, bool] = field(default_factory=dict)
    response_models: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Method:
    http_method: str
    authorization_type: str = "NONE"
    authorizer_id: str | None = None
    api_key_required: bool = False
    operation_name: str | None = None
    request_validator_id: str | None = None
    request_parameters: Mapping[str, bool] = field(default_factory=dict)
    request_models: Mapping[str, str] = field(default_factory=dict)
    authorization_scopes: tuple[str, ...] = ()
    integration: Integration | None = None
    responses: Mapping[str, MethodResponse] = field(default_factory=dict)


@dataclass(frozen=True)
class Resource:
    id: str
    parent_id: str | None  # None for the root resource "/"
    path_part: str
    path: str
    methods: Mapping[str, Method] = field(default_factory=dict)


@dataclass(frozen=True)
class Authorizer:
    id: str
    name: str
    type: str  # TOKEN | REQUEST | COGNITO_USER_POOLS
    authorizer_uri: str | None = None
    authorizer_credentials: str | None = None
    identity_source: str | None = None
    identity_validation_expression: str | None = None
    result_ttl: int | None = None
    auth_type: str | None = None
    provider_arns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Deployment:
    """A deployment freezes what the API was when it was made: a stage serves only that."""

    id: str
    created_at: float
    description: str | None = None
    resources: Mapping[str, Resource] = field(default_factory=dict)
    authorizers: Mapping[str, Authorizer] = field(default_factory=dict)
    binary_media_types: tuple[str, ...] = ()
    disable_execute_api_endpoint: bool = False


@dataclass(frozen=True)
class Stage:
    name: str
    deployment_id: str
    created_at: float
    updated_at: float
    description: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    tracing_enabled: bool = False
    cache_cluster_enabled: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RestApi:
    id: str
    account: str
    region: str
    name: str
    created_at: float
    root_id: str
    description: str | None = None
    version: str | None = None
    binary_media_types: tuple[str, ...] = ()
    minimum_compression_size: int | None = None
    api_key_source: str = "HEADER"
    endpoint_types: tuple[str, ...] = ("EDGE",)
    ip_address_type: str = "ipv4"
    policy: str | None = None
    disable_execute_api_endpoint: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)
    resources: Mapping[str, Resource] = field(default_factory=dict)
    authorizers: Mapping[str, Authorizer] = field(default_factory=dict)
    deployments: Mapping[str, Deployment] = field(default_factory=dict)
    stages: Mapping[str, Stage] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def arn(self) -> str:
        return f"arn:aws:apigateway:{self.region}::/restapis/{self.id}"

    def resource(self, resource_id: str) -> Resource | None:
        return self.resources.get(resource_id)
