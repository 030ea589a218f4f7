"""Reading an OpenAPI 3.0 / Swagger 2.0 definition with API Gateway's extensions (ImportRestApi, PutRestApi).

This is how SAM's ``AWS::Serverless::Api`` and CloudFormation's ``AWS::ApiGateway::RestApi`` with a
``Body`` arrive. The extensions read are the ones AWS documents: ``x-amazon-apigateway-integration``,
``-any-method``, ``-authorizer``, ``-authtype``, ``-binary-media-types``, ``-api-key-source`` and
``-endpoint-configuration`` ("Working with API Gateway extensions to OpenAPI").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from triggerfish.services.apigateway.authorizers import NewAuthorizer
from triggerfish.services.apigateway.errors import BadRequest
from triggerfish.services.apigateway.openapi_operations import ImportedMethod, Security, read_methods

INVALID = "Invalid OpenAPI input"


@dataclass(frozen=True)
class Definition:
    title: str | None
    description: str | None
    version: str | None
    binary_media_types: tuple[str, ...]
    api_key_source: str | None
    endpoint_types: tuple[str, ...] | None
    disable_execute_api_endpoint: bool | None
    authorizers: tuple[NewAuthorizer, ...]
    #: every path the definition names, with or without methods
    paths: tuple[str, ...]
    methods: tuple[ImportedMethod, ...]


def load_document(body: bytes | str | Mapping[str, Any]) -> Mapping[str, Any]:
    """The definition as data: JSON or YAML text, or already parsed."""
    if isinstance(body, Mapping):
        document: Any = body
    else:
        try:
            text = body.decode("utf-8") if isinstance(body, bytes) else body
            try:
                document = json.loads(text)
            except ValueError:
                document = yaml.safe_load(text)
        except (UnicodeDecodeError, yaml.YAMLError):
            raise BadRequest(INVALID) from None
    if not isinstance(document, Mapping):
        raise BadRequest(INVALID)
    # API Gateway imports Swagger 2.0 and OpenAPI 3.0.x only (3.1 is refused)
    if str(document.get("swagger", "")) != "2.0" and not str(document.get("openapi", "")).startswith("3.0"):
        raise BadRequest(INVALID)
    return document


def read_definition(body: bytes | str | Mapping[str, Any], parameters: Mapping[str, str] | None = None) -> Definition:
    document = load_document(body)
    info = _mapping(document.get("info"))
    schemes = _security_schemes(document)
    authorizers = tuple(a for a in (_authorizer(name, scheme) for name, scheme in schemes.items()) if a is not None)
    security = Security.from_schemes(schemes)
    prefix = _base_path(document, (parameters or {}).get("basepath", "ignore"))
    paths: list[str] = []
    methods: list[ImportedMethod] = []
    for raw_path, item in _mapping(document.get("paths")).items():
        path = _joined(prefix, str(raw_path))
        paths.append(path)
        methods.extend(read_methods(document, path, _mapping(item), security, document.get("security")))
    endpoint = _mapping(document.get("x-amazon-apigateway-endpoint-configuration"))
    types = (parameters or {}).get("endpointConfigurationTypes") or None
    disable = endpoint.get("disableExecuteApiEndpoint")
    return Definition(
        title=_text(info.get("title")),
        description=_text(info.get("description")),
        version=_text(info.get("version")),
        binary_media_types=tuple(str(t) for t in document.get("x-amazon-apigateway-binary-media-types") or ()),
        api_key_source=_text(document.get("x-amazon-apigateway-api-key-source")),
        endpoint_types=(types,) if types else tuple(str(t) for t in endpoint.get("types") or ()) or None,
        disable_execute_api_endpoint=None if disable is None else bool(disable),
        authorizers=authorizers,
        paths=tuple(paths),
        methods=tuple(methods),
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _security_schemes(document: Mapping[str, Any]) -> Mapping[str, Mapping[str, Any]]:
    found = _mapping(document.get("securityDefinitions")) or _mapping(
        _mapping(document.get("components")).get("securitySchemes")
    )
    return {str(name): _mapping(scheme) for name, scheme in found.items()}


def _authorizer(name: str, scheme: Mapping[str, Any]) -> NewAuthorizer | None:
    extension = scheme.get("x-amazon-apigateway-authorizer")
    if not isinstance(extension, Mapping):
        return None
    kind = str(extension.get("type") or "token").upper()
    identity = extension.get("identitySource")
    if identity is None and kind == "TOKEN" and scheme.get("in") == "header" and scheme.get("name"):
        # a token authorizer reads the header its apiKey scheme names
        identity = f"method.request.header.{scheme['name']}"
    ttl = extension.get("authorizerResultTtlInSeconds")
    return NewAuthorizer(
        name=name,
        type=kind,
        authorizer_uri=_text(extension.get("authorizerUri")),
        authorizer_credentials=_text(extension.get("authorizerCredentials")),
        identity_source=_text(identity),
        identity_validation_expression=_text(extension.get("identityValidationExpression")),
        result_ttl=None if ttl is None else _integer(ttl),
        auth_type=_text(scheme.get("x-amazon-apigateway-authtype")),
        provider_arns=tuple(str(arn) for arn in extension.get("providerARNs") or ()),
    )


def _integer(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(INVALID) from None


def _base_path(document: Mapping[str, Any], mode: str) -> str:
    """What ``basepath=prepend|split`` puts before every path (Swagger 2.0 ``basePath``)."""
    base = str(document.get("basePath") or "").strip("/")
    if mode == "prepend":
        return f"/{base}" if base else ""
    if mode == "split" and "/" in base:
        return "/" + base.split("/", 1)[1]
    return ""


def _joined(prefix: str, path: str) -> str:
    if not path.startswith("/"):
        raise BadRequest(INVALID)
    joined = (prefix + path).rstrip("/")
    return joined or "/"
