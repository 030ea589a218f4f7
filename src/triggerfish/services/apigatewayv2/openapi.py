"""ImportApi's body: an OpenAPI 3 (or 2.0) definition, in JSON or YAML, read into a :class:`Definition`.

What an HTTP API takes from it (developer guide, "Working with OpenAPI definitions for HTTP APIs"):
``info.title``/``description``/``version``; each path's operations as routes (``x-amazon-apigateway-any-method``
is ``ANY``, the path ``$default`` the ``$default`` route); each operation's ``x-amazon-apigateway-integration``
(inline or a ``$ref`` to ``components.x-amazon-apigateway-integrations``), ``security`` and
``x-amazon-apigateway-auth``; security schemes with ``x-amazon-apigateway-authorizer``;
``x-amazon-apigateway-cors``; ``disableExecuteApiEndpoint`` of ``x-amazon-apigateway-endpoint-configuration``;
tags with ``x-amazon-apigateway-tag-value``. This is the shape SAM gives an ``AWS::Serverless::HttpApi`` body.
(``x-amazon-apigateway-route-key`` is not among AWS's extensions for HTTP APIs: route keys come from paths.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from triggerfish.services.apigatewayv2.errors import BadRequest
from triggerfish.services.apigatewayv2.models import DEFAULT_ROUTE, Cors
from triggerfish.services.apigatewayv2.openapi_values import boolean, cors, invalid, mapping, text

ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
AUTH = "x-amazon-apigateway-auth"
SHARED_INTEGRATIONS = "x-amazon-apigateway-integrations"
_REF_PREFIX = f"#/components/{SHARED_INTEGRATIONS}/"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
# keys of a path item that are not operations (OpenAPI 3, Path Item Object)
_PATH_ITEM_KEYS = frozenset({"parameters", "summary", "description", "servers", "$ref"})
BASEPATH_MODES = ("ignore", "prepend", "split")


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: ``version: 2024-01-01`` stays text, as OpenAPI means it."""


_Loader.yaml_implicit_resolvers = {
    first: [entry for entry in resolvers if entry[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Operation:
    """One route the definition asks for."""

    route_key: str
    where: str
    integration: Mapping[str, Any] | None = None
    integration_ref: str | None = None  # a name in components.x-amazon-apigateway-integrations
    security: tuple[Mapping[str, Any], ...] | None = None  # None: the definition's default security
    iam: bool = False  # x-amazon-apigateway-auth of type AWS_IAM


@dataclass(frozen=True)
class Definition:
    name: str
    description: str | None
    version: str | None
    cors: Cors | None
    disable_execute_api_endpoint: bool
    tags: Mapping[str, str]
    operations: tuple[Operation, ...]
    security: tuple[Mapping[str, Any], ...]
    schemes: Mapping[str, Mapping[str, Any]]
    shared_integrations: Mapping[str, Mapping[str, Any]]
    warnings: tuple[str, ...]


def load_document(body: str) -> Mapping[str, Any]:
    try:
        document = json.loads(body) if body.lstrip().startswith("{") else yaml.load(body, Loader=_Loader)
    except (ValueError, yaml.YAMLError) as exc:
        raise invalid("body", f"not valid JSON or YAML: {exc}") from None
    if not isinstance(document, Mapping) or not (
        str(document.get("openapi", "")).startswith("3") or str(document.get("swagger", "")) == "2.0"
    ):
        raise invalid("body", "not an OpenAPI 3.0 or 2.0 definition")
    return document


def read_definition(body: str, basepath: str | None = None) -> Definition:
    document = load_document(body)
    info = mapping(document.get("info", {}), "info")
    name = text(info.get("title"), "info.title")
    if not name:
        raise invalid("info.title", "the API needs a title, which becomes its name")
    components = mapping(document.get("components", {}), "components")
    schemes = components.get("securitySchemes", document.get("securityDefinitions", {}))
    endpoint = mapping(document.get("x-amazon-apigateway-endpoint-configuration", {}), "endpoint-configuration")
    warnings: list[str] = []
    operations = _operations(document, _base_path(document, basepath), warnings)
    return Definition(
        name=name,
        description=text(info.get("description"), "info.description"),
        version=text(info.get("version"), "info.version"),
        cors=cors(document["x-amazon-apigateway-cors"], "x-amazon-apigateway-cors")
        if document.get("x-amazon-apigateway-cors") is not None
        else None,
        disable_execute_api_endpoint=bool(boolean(endpoint.get("disableExecuteApiEndpoint"), "endpoint-configuration")),
        tags=_tags(document.get("tags")),
        operations=tuple(operations),
        security=_security(document.get("security"), "security") or (),
        schemes={str(k): mapping(v, f"securitySchemes.{k}") for k, v in mapping(schemes, "securitySchemes").items()},
        shared_integrations={
            str(k): mapping(v, f"components.{SHARED_INTEGRATIONS}.{k}")
            for k, v in mapping(components.get(SHARED_INTEGRATIONS, {}), SHARED_INTEGRATIONS).items()
        },
        warnings=tuple(warnings),
    )


def _operations(document: Mapping[str, Any], base: str, warnings: list[str]) -> list[Operation]:
    found: list[Operation] = []
    for path, raw_item in mapping(document.get("paths", {}), "paths").items():
        item = mapping(raw_item, f"paths.{path}")
        for key, raw_operation in item.items():
            where = f"paths.'{path}'({key})"
            if key in _PATH_ITEM_KEYS or (key.startswith("x-") and key != ANY_METHOD):
                continue
            method = "ANY" if key == ANY_METHOD else key.upper() if key in _METHODS else None
            if method is None or (path == DEFAULT_ROUTE and method != "ANY"):
                warnings.append(f"Parse issue: attribute {where} is unsupported and was ignored")
                continue
            operation = mapping(raw_operation, where)
            route_key = DEFAULT_ROUTE if path == DEFAULT_ROUTE else f"{method} {_joined(base, str(path))}"
            found.append(_operation(route_key, where, operation))
    return found


def _operation(route_key: str, where: str, operation: Mapping[str, Any]) -> Operation:
    raw = operation.get(INTEGRATION)
    integration = mapping(raw, f"{where}.{INTEGRATION}") if raw is not None else None
    reference = None
    if integration is not None and "$ref" in integration:
        ref = text(integration["$ref"], f"{where}.{INTEGRATION}.$ref") or ""
        if not ref.startswith(_REF_PREFIX):
            raise invalid(where, f"an integration $ref must point into {_REF_PREFIX}")
        reference, integration = ref.removeprefix(_REF_PREFIX), None
    security = _security(operation.get("security"), where)
    return Operation(route_key, where, integration, reference, security, _iam(operation.get(AUTH), f"{where}.{AUTH}"))


def _iam(raw: Any, where: str) -> bool:
    if raw is None:
        return False
    # "NONE" or "AWS_IAM", in any case (developer guide, "x-amazon-apigateway-auth object")
    kind = (text(mapping(raw, where).get("type"), f"{where}.type") or "").upper()
    if kind not in ("NONE", "AWS_IAM"):
        raise invalid(where, f"unsupported authorization type {kind}: use NONE or AWS_IAM")
    return kind == "AWS_IAM"


def _security(raw: Any, where: str) -> tuple[Mapping[str, Any], ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise invalid(f"{where}.security", "expected a list of security requirements")
    return tuple(mapping(item, f"{where}.security") for item in raw)


def _tags(raw: Any) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in raw if isinstance(raw, list) else ():
        if isinstance(item, Mapping) and "x-amazon-apigateway-tag-value" in item:
            tags[str(item.get("name"))] = text(item["x-amazon-apigateway-tag-value"], "tags") or ""
    return tags


def _base_path(document: Mapping[str, Any], mode: str | None) -> str:
    mode = (mode or "ignore").lower()
    if mode not in BASEPATH_MODES:
        raise BadRequest(f"Invalid basepath {mode}: use one of {', '.join(BASEPATH_MODES)}")
    if mode == "ignore":
        return ""
    path = str(document.get("basePath") or _server_path(document))
    parts = [part for part in path.split("/") if part]
    # split: the first part of the base path names a stage, the rest prefixes the routes
    kept = parts[1:] if mode == "split" else parts
    return "/" + "/".join(kept) if kept else ""


def _server_path(document: Mapping[str, Any]) -> str:
    servers = document.get("servers")
    if not isinstance(servers, list) or not servers or not isinstance(servers[0], Mapping):
        return ""
    server = servers[0]
    url = str(server.get("url", ""))
    variables = server.get("variables")
    for name, variable in (variables if isinstance(variables, Mapping) else {}).items():
        if isinstance(variable, Mapping):
            url = url.replace("{" + str(name) + "}", str(variable.get("default", "")))
    return urlsplit(url).path if "://" in url else url


def _joined(base: str, path: str) -> str:
    if not base:
        return path
    return base if path == "/" else base + path
