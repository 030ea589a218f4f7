"""What a caller may set on each resource, by field name: one key per field given.

Creating fills the rest with AWS's defaults; updating changes exactly the fields present (the
``PATCH`` semantics of the API). Field names are those of the values in :mod:`.models`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

from triggerfish.services.apigatewayv2.models import Cors, JwtConfiguration


class ApiFields(TypedDict, total=False):
    name: str
    description: str | None
    version: str | None
    route_selection_expression: str
    api_key_selection_expression: str
    ip_address_type: str
    disable_schema_validation: bool
    cors: Cors | None
    disable_execute_api_endpoint: bool


class RouteFields(TypedDict, total=False):
    route_key: str
    target: str | None
    authorization_type: str
    authorizer_id: str | None
    authorization_scopes: tuple[str, ...]
    api_key_required: bool
    operation_name: str | None
    request_parameters: Mapping[str, bool]


class IntegrationFields(TypedDict, total=False):
    type: str
    uri: str | None
    method: str | None
    payload_format_version: str | None
    timeout_ms: int
    connection_type: str
    connection_id: str | None
    credentials_arn: str | None
    description: str | None
    subtype: str | None
    request_parameters: Mapping[str, str]
    response_parameters: Mapping[str, Mapping[str, str]]
    tls_server_name: str | None


class AuthorizerFields(TypedDict, total=False):
    name: str
    type: str
    uri: str | None
    identity_source: tuple[str, ...]
    payload_format_version: str | None
    enable_simple_responses: bool
    result_ttl: int
    credentials_arn: str | None
    identity_validation_expression: str | None
    jwt: JwtConfiguration | None


class StageFields(TypedDict, total=False):
    auto_deploy: bool
    deployment_id: str | None
    description: str | None
    variables: Mapping[str, str]
    default_route_settings: Mapping[str, Any]
    route_settings: Mapping[str, Mapping[str, Any]]
    access_log_settings: Mapping[str, Any] | None
    client_certificate_id: str | None


@dataclass(frozen=True)
class QuickCreate:
    """Quick create's members of CreateApi and UpdateApi: one managed integration and route, and an
    auto-deployed ``$default`` stage. On an update, a member not given keeps its value."""

    target: str | None = None
    route_key: str | None = None
    credentials_arn: str | None = None
