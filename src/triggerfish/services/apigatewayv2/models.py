"""HTTP API values: an API, what it routes (its content), its stages and deployments.

One API and everything in it is one immutable :class:`ApiState`; every change makes a new one. The
part a deployment captures is :class:`Content`, shared by identity: a deployment made with no change
since the last one holds the very same object, which is what lets stage views be cached by identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

#: The DocumentStore kind an API (with its routes, integrations, stages...) is stored under.
API_KIND = "apigatewayv2.api"

HTTP = "HTTP"
DEFAULT_ROUTE = "$default"
DEFAULT_STAGE = "$default"
# the only selection expressions HTTP APIs have (apigatewayv2 API reference, Api)
ROUTE_SELECTION = "$request.method $request.path"
API_KEY_SELECTION = "$request.header.x-api-key"
DEFAULT_TIMEOUT_MS = 30_000


class Scope(Protocol):
    """Where a request runs: the caller's account and region."""

    @property
    def account(self) -> str: ...

    @property
    def region(self) -> str: ...


@dataclass(frozen=True)
class Cors:
    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool | None = None


@dataclass(frozen=True)
class Route:
    id: str
    route_key: str
    target: str | None = None  # "integrations/<id>"
    authorization_type: str = "NONE"  # NONE | JWT | CUSTOM | AWS_IAM
    authorizer_id: str | None = None
    authorization_scopes: tuple[str, ...] = ()
    api_key_required: bool = False
    operation_name: str | None = None
    #: request parameter name -> whether it is required
    request_parameters: Mapping[str, bool] = field(default_factory=dict)
    managed: bool = False  # made by quick create (ApiGatewayManaged)

    @property
    def integration_id(self) -> str | None:
        if self.target and self.target.startswith("integrations/"):
            return self.target.removeprefix("integrations/")
        return None


@dataclass(frozen=True)
class Integration:
    id: str
    type: str  # AWS_PROXY | HTTP_PROXY
    uri: str | None = None
    method: str | None = None
    payload_format_version: str | None = None
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    connection_type: str = "INTERNET"
    connection_id: str | None = None
    credentials_arn: str | None = None
    description: str | None = None
    subtype: str | None = None
    request_parameters: Mapping[str, str] = field(default_factory=dict)
    response_parameters: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    tls_server_name: str | None = None
    managed: bool = False


@dataclass(frozen=True)
class JwtConfiguration:
    issuer: str | None = None
    audience: tuple[str, ...] = ()


@dataclass(frozen=True)
class Authorizer:
    id: str
    name: str
    type: str  # REQUEST | JWT
    uri: str | None = None
    identity_source: tuple[str, ...] = ()
    payload_format_version: str | None = None
    enable_simple_responses: bool = False
    result_ttl: int = 0
    credentials_arn: str | None = None
    identity_validation_expression: str | None = None
    jwt: JwtConfiguration | None = None


@dataclass(frozen=True)
class Content:
    """What a deployment captures and a stage serves."""

    routes: Mapping[str, Route] = field(default_factory=dict)
    integrations: Mapping[str, Integration] = field(default_factory=dict)
    authorizers: Mapping[str, Authorizer] = field(default_factory=dict)
    cors: Cors | None = None
    disable_execute_api_endpoint: bool = False


EMPTY_CONTENT = Content()


@dataclass(frozen=True)
class Stage:
    name: str
    created_at: float
    updated_at: float
    auto_deploy: bool = False
    deployment_id: str | None = None
    description: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    #: RouteSettings and AccessLogSettings as the wire has them: kept and echoed, not acted on locally
    default_route_settings: Mapping[str, Any] = field(default_factory=dict)
    route_settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    access_log_settings: Mapping[str, Any] | None = None
    client_certificate_id: str | None = None
    last_deployment_message: str | None = None
    managed: bool = False


@dataclass(frozen=True)
class Deployment:
    id: str
    created_at: float
    description: str | None = None
    auto_deployed: bool = False
    #: what it captured; None once an automatic deployment is superseded (see :mod:`.deploying`)
    content: Content | None = None


@dataclass(frozen=True)
class Api:
    id: str
    name: str
    account: str
    region: str
    created_at: float
    protocol_type: str = HTTP
    description: str | None = None
    version: str | None = None
    route_selection_expression: str = ROUTE_SELECTION
    api_key_selection_expression: str = API_KEY_SELECTION
    ip_address_type: str = "ipv4"
    disable_schema_validation: bool | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    import_info: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def arn(self) -> str:
        # tagging ARN of an HTTP API (API Gateway resource ARNs, "arn:aws:apigateway:region::/apis/id")
        return f"arn:aws:apigateway:{self.region}::/apis/{self.id}"


@dataclass(frozen=True)
class ApiState:
    """One HTTP API and everything in it, as stored."""

    api: Api
    content: Content = EMPTY_CONTENT
    stages: Mapping[str, Stage] = field(default_factory=dict)
    deployments: Mapping[str, Deployment] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.api.id

    def in_scope(self, scope: Scope) -> bool:
        return self.api.account == scope.account and self.api.region == scope.region
