"""What the gateway reads to serve one stage of an HTTP API: an immutable snapshot.

With ``AutoDeploy`` (the ``$default`` stage of a quick-created or SAM API) every change to routes and
integrations shows at once; otherwise a stage serves what its last deployment captured.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CorsView:
    allow_origins: tuple[str, ...] = ()
    allow_methods: tuple[str, ...] = ()
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int | None = None
    allow_credentials: bool = False


@dataclass(frozen=True)
class HttpIntegrationView:
    id: str
    type: str  # AWS_PROXY | HTTP_PROXY | MOCK
    uri: str | None = None  # a Lambda function ARN (or the apigateway invocation-URI form of one)
    payload_format_version: str = "2.0"  # "1.0" | "2.0"
    timeout_ms: int = 30_000  # spec §6.4: HTTP APIs allow up to 30 s


@dataclass(frozen=True)
class RouteView:
    id: str
    route_key: str  # "GET /pets/{id}", "ANY /{proxy+}", "$default"
    authorization_type: str = "NONE"  # NONE | JWT | CUSTOM | AWS_IAM
    authorizer_id: str | None = None
    authorization_scopes: tuple[str, ...] = ()
    integration: HttpIntegrationView | None = None


@dataclass(frozen=True)
class JwtConfigurationView:
    issuer: str | None = None
    audience: tuple[str, ...] = ()


@dataclass(frozen=True)
class HttpAuthorizerView:
    id: str
    name: str
    type: str  # REQUEST | JWT
    authorizer_uri: str | None = None  # REQUEST: the function's invocation URI or ARN
    identity_sources: tuple[str, ...] = ()  # "$request.header.Authorization", "$request.querystring.x", ...
    payload_format_version: str = "2.0"  # REQUEST only: "1.0" | "2.0"
    enable_simple_responses: bool = False
    result_ttl: int = 0  # AuthorizerResultTtlInSeconds, 0-3600
    jwt: JwtConfigurationView | None = None


@dataclass(frozen=True)
class HttpStageView:
    """One stage of an HTTP API: its routes, authorizers, CORS and variables."""

    api_id: str
    api_name: str
    account: str
    region: str
    stage_name: str  # may be "$default"
    variables: Mapping[str, str] = field(default_factory=dict)
    routes: tuple[RouteView, ...] = ()
    authorizers: Mapping[str, HttpAuthorizerView] = field(default_factory=dict)
    cors: CorsView | None = None
    disable_execute_api_endpoint: bool = False
