"""What the gateway reads to serve one stage of a REST API: an immutable snapshot of the deployment.

A stage serves the resources of the deployment it points at, frozen when the deployment was created
(changes to resources after that only show once redeployed), with the stage's own variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IntegrationResponseView:
    """One integration response: used by non-proxy integrations (MOCK answers for CORS preflights)."""

    status_code: str
    selection_pattern: str | None = None
    #: ``method.response.header.X`` -> ``'literal'`` or a mapping expression
    response_parameters: Mapping[str, str] = field(default_factory=dict)
    #: content type -> template
    response_templates: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class IntegrationView:
    type: str  # AWS_PROXY | AWS | MOCK | HTTP | HTTP_PROXY
    uri: str | None = None  # arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<fn-arn>/invocations
    http_method: str | None = None
    timeout_ms: int = 29_000  # spec §6.4: default and maximum 29 s
    request_templates: Mapping[str, str] = field(default_factory=dict)
    responses: tuple[IntegrationResponseView, ...] = ()


@dataclass(frozen=True)
class MethodView:
    http_method: str  # GET, POST, ..., or ANY
    authorization_type: str = "NONE"  # NONE | CUSTOM | AWS_IAM | COGNITO_USER_POOLS
    authorizer_id: str | None = None
    api_key_required: bool = False
    integration: IntegrationView | None = None


@dataclass(frozen=True)
class ResourceView:
    id: str
    path: str  # "/", "/pets", "/pets/{id}", "/{proxy+}"
    methods: Mapping[str, MethodView] = field(default_factory=dict)  # keyed by upper-case method or ANY


@dataclass(frozen=True)
class AuthorizerView:
    id: str
    name: str
    type: str  # TOKEN | REQUEST | COGNITO_USER_POOLS
    authorizer_uri: str | None = None  # same form as IntegrationView.uri
    #: TOKEN: "method.request.header.Authorization"; REQUEST: comma-separated list of
    #: method.request.header.X / method.request.querystring.X / stageVariables.X / context.X
    identity_source: str | None = None
    identity_validation_expression: str | None = None
    result_ttl: int = 300  # spec §6.5: 0-3600, default 300


@dataclass(frozen=True)
class RestStageView:
    """One stage of a REST API as deployed: everything needed to route and invoke a request."""

    api_id: str
    api_name: str
    account: str
    region: str
    stage_name: str
    deployment_id: str
    variables: Mapping[str, str] = field(default_factory=dict)
    binary_media_types: tuple[str, ...] = ()
    resources: tuple[ResourceView, ...] = ()
    authorizers: Mapping[str, AuthorizerView] = field(default_factory=dict)
    disable_execute_api_endpoint: bool = False
