"""The rules API Gateway applies to integrations, authorizers, stages, CORS and tags of HTTP APIs.

Each ``check_*`` takes a value as the caller built it and returns it with AWS's defaults filled in,
or raises :class:`BadRequest`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from triggerfish.services.apigatewayv2.errors import BadRequest
from triggerfish.services.apigatewayv2.models import DEFAULT_STAGE, Authorizer, Cors, Integration

PAYLOAD_VERSIONS = ("1.0", "2.0")
MIN_TIMEOUT_MS, MAX_TIMEOUT_MS = 50, 30_000
MAX_AUTHORIZER_TTL = 3600
MAX_TAGS = 50
CORS_METHODS = frozenset({"*", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})

# a function ARN, optionally qualified; a stage variable may stand for any part (HTTP API stage variables)
_NAME = r"[A-Za-z0-9_${}.-]+"
_FUNCTION_ARN = re.compile(rf"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{{12}}:function:{_NAME}(:{_NAME})?")
_INVOCATION_URI = re.compile(r"arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/(.+)/invocations")
_HTTP_URL = re.compile(r"https?://[^\s/]+.*")
# identity sources of HTTP APIs (apigatewayv2 API reference, Authorizer.IdentitySource)
_IDENTITY = re.compile(r"\$(request\.header|request\.querystring|context|stageVariables)\.[^\s,]+")
_JWT_IDENTITY = re.compile(r"\$request\.(header|querystring)\.[^\s,]+")
_STAGE_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
# stage variables (API Gateway developer guide, "Setting up stage variables")
_VARIABLE_NAME = re.compile(r"[A-Za-z0-9_]+")
_VARIABLE_VALUE = re.compile(r"[A-Za-z0-9\-._~:/?#&=,]+")


def function_arn(uri: str) -> str | None:
    """The Lambda function ARN a Lambda integration or authorizer URI names, or None."""
    invocation = _INVOCATION_URI.fullmatch(uri)
    candidate = invocation.group(1) if invocation else uri
    return candidate if _FUNCTION_ARN.fullmatch(candidate) else None


def check_integration(integration: Integration) -> Integration:
    kind = integration.type
    if kind not in ("AWS_PROXY", "HTTP_PROXY"):
        # HTTP APIs take Lambda proxy and HTTP proxy integrations (developer guide, "Integrations for HTTP APIs")
        raise BadRequest(f"Integration type {kind} is not supported for HTTP APIs; use AWS_PROXY or HTTP_PROXY")
    if not MIN_TIMEOUT_MS <= integration.timeout_ms <= MAX_TIMEOUT_MS:
        raise BadRequest(f"TimeoutInMillis must be between {MIN_TIMEOUT_MS} and {MAX_TIMEOUT_MS} milliseconds")
    if integration.connection_type != "INTERNET":
        raise BadRequest("VPC_LINK connections are not supported locally; use ConnectionType INTERNET")
    if kind == "AWS_PROXY":
        return _lambda_integration(integration)
    if not integration.uri or not _HTTP_URL.fullmatch(integration.uri):
        raise BadRequest("Invalid integration URI specified: an HTTP_PROXY integration needs an http(s) URL")
    version = integration.payload_format_version or "1.0"
    if version != "1.0":
        # HTTP proxy integrations only speak payload format 1.0 (developer guide, "HTTP proxy integrations")
        raise BadRequest("HTTP_PROXY integrations support only payload format version 1.0")
    return dataclasses.replace(integration, payload_format_version=version, method=integration.method or "ANY")


def _lambda_integration(integration: Integration) -> Integration:
    if integration.subtype:
        raise BadRequest("AWS service integrations (IntegrationSubtype) are not supported locally")
    if not integration.uri or function_arn(integration.uri) is None:
        raise BadRequest("Invalid integration URI specified: an AWS_PROXY integration needs a Lambda function ARN")
    version = integration.payload_format_version
    if version is None:
        # required for Lambda proxy integrations of HTTP APIs (CreateIntegration, PayloadFormatVersion)
        raise BadRequest("PayloadFormatVersion is required for AWS_PROXY integrations of HTTP APIs")
    if version not in PAYLOAD_VERSIONS:
        raise BadRequest(f"Invalid PayloadFormatVersion {version}: supported values are 1.0 and 2.0")
    return dataclasses.replace(integration, method=integration.method or "POST")


def check_authorizer(authorizer: Authorizer) -> Authorizer:
    if authorizer.type == "JWT":
        return _jwt_authorizer(authorizer)
    if authorizer.type != "REQUEST":
        raise BadRequest(f"Authorizer type {authorizer.type} is not supported for HTTP APIs; use REQUEST or JWT")
    if not authorizer.uri or function_arn(authorizer.uri) is None:
        raise BadRequest("Invalid authorizer URI specified: a REQUEST authorizer needs a Lambda function URI")
    version = authorizer.payload_format_version
    if version not in PAYLOAD_VERSIONS:
        # required for Lambda authorizers of HTTP APIs, 1.0 or 2.0 (CreateAuthorizer)
        raise BadRequest("AuthorizerPayloadFormatVersion is required for REQUEST authorizers: use 1.0 or 2.0")
    if authorizer.enable_simple_responses and version != "2.0":
        raise BadRequest("EnableSimpleResponses is supported only for authorizer payload format version 2.0")
    if not 0 <= authorizer.result_ttl <= MAX_AUTHORIZER_TTL:
        raise BadRequest(f"AuthorizerResultTtlInSeconds must be between 0 and {MAX_AUTHORIZER_TTL}")
    if authorizer.result_ttl > 0 and not authorizer.identity_source:
        # the identity sources are the cache key (Authorizer.IdentitySource)
        raise BadRequest("IdentitySource is required when authorizer caching is enabled")
    for source in authorizer.identity_source:
        if not _IDENTITY.fullmatch(source):
            raise BadRequest(f"Invalid identity source {source}")
    return authorizer


def _jwt_authorizer(authorizer: Authorizer) -> Authorizer:
    if authorizer.jwt is None or not authorizer.jwt.issuer:
        raise BadRequest("JwtConfiguration with an Issuer is required for JWT authorizers")
    sources = authorizer.identity_source
    # a single header or query string (Authorizer.IdentitySource, "For JWT, a single entry")
    if len(sources) != 1 or not _JWT_IDENTITY.fullmatch(sources[0]):
        raise BadRequest(
            "A JWT authorizer takes exactly one identity source: $request.header.X or $request.querystring.X"
        )
    return authorizer


def check_stage_name(name: str) -> None:
    if name != DEFAULT_STAGE and not _STAGE_NAME.fullmatch(name):
        raise BadRequest("Stage name only allows a-zA-Z0-9_- (or is $default), up to 128 characters")


def check_stage_variables(variables: Mapping[str, str]) -> None:
    for name, value in variables.items():
        if not _VARIABLE_NAME.fullmatch(name):
            raise BadRequest(f"Stage variable name {name} must be alphanumeric or underscore")
        if not _VARIABLE_VALUE.fullmatch(value) or len(value) > 2048:
            raise BadRequest(
                f"Stage variable value {value} is invalid: up to 2048 characters of [A-Za-z0-9-._~:/?#&=,]"
            )


def check_cors(cors: Cors) -> Cors:
    for method in cors.allow_methods:
        if method.upper() not in CORS_METHODS:
            raise BadRequest(f"Invalid CORS method {method}")
    if cors.max_age is not None and not -1 <= cors.max_age <= 86_400:
        raise BadRequest("CORS MaxAge must be between -1 and 86400 seconds")
    if cors.allow_credentials and "*" in cors.allow_origins:
        # a wildcard origin cannot be combined with credentials (developer guide, "Configuring CORS")
        raise BadRequest("AllowCredentials cannot be true when AllowOrigins contains '*'")
    return cors


def check_tags(tags: Mapping[str, str]) -> None:
    # up to 50 tags, keys 1-128 characters, values up to 256 (API Gateway, "Tagging your resources")
    if len(tags) > MAX_TAGS:
        raise BadRequest(f"A resource can have at most {MAX_TAGS} tags")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or len(value) > 256:
            raise BadRequest(f"Tag {key} is invalid: keys are 1 to 128 and values up to 256 characters")
        if key.lower().startswith("aws:"):
            raise BadRequest(f"Tag {key} is invalid: the aws: prefix is reserved")
