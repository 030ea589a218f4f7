"""One path item's operations as methods: authorization, request parameters, responses, integration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.services.apigateway.errors import BadRequest
from triggerfish.services.apigateway.integrations import NewIntegration
from triggerfish.services.apigateway.methods import NewMethod
from triggerfish.services.apigateway.models import IntegrationResponse, MethodResponse

#: operation keys of a path item, and the method each becomes
OPERATIONS = {
    "get": "GET",
    "put": "PUT",
    "post": "POST",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "patch": "PATCH",
    "x-amazon-apigateway-any-method": "ANY",
}
_LOCATIONS = {"path": "path", "query": "querystring", "header": "header"}


@dataclass(frozen=True)
class ImportedMethod:
    path: str
    http_method: str
    settings: NewMethod
    #: the security scheme naming the method's authorizer (resolved to an id when imported)
    authorizer_name: str | None
    integration: NewIntegration | None
    responses: Mapping[str, MethodResponse]


@dataclass(frozen=True)
class Security:
    """What each security scheme means for a method that requires it."""

    authorizers: Mapping[str, str]  # scheme name -> CUSTOM | COGNITO_USER_POOLS
    iam: frozenset[str]
    api_keys: frozenset[str]

    @staticmethod
    def from_schemes(schemes: Mapping[str, Mapping[str, Any]]) -> Security:
        authorizers: dict[str, str] = {}
        iam: set[str] = set()
        api_keys: set[str] = set()
        for name, scheme in schemes.items():
            extension = scheme.get("x-amazon-apigateway-authorizer")
            if isinstance(extension, Mapping):
                cognito = str(extension.get("type", "")).lower() == "cognito_user_pools"
                authorizers[name] = "COGNITO_USER_POOLS" if cognito else "CUSTOM"
            elif str(scheme.get("x-amazon-apigateway-authtype", "")).lower() == "awssigv4":
                iam.add(name)
            elif scheme.get("type") == "apiKey" and str(scheme.get("name", "")).lower() == "x-api-key":
                api_keys.add(name)
        return Security(authorizers, frozenset(iam), frozenset(api_keys))


def read_methods(
    document: Mapping[str, Any], path: str, item: Mapping[str, Any], security: Security, default_security: Any
) -> list[ImportedMethod]:
    shared = _parameters(document, item.get("parameters"))
    methods = []
    for key, http_method in OPERATIONS.items():
        operation = item.get(key)
        if not isinstance(operation, Mapping):
            continue
        requirements = operation.get("security", default_security)
        authorization, authorizer, scopes, api_key = _authorization(requirements, security)
        parameters = {**shared, **_parameters(document, operation.get("parameters"))}
        extension = operation.get("x-amazon-apigateway-integration")
        settings = NewMethod(
            authorization_type=authorization,
            api_key_required=api_key,
            operation_name=str(operation["operationId"]) if operation.get("operationId") else None,
            request_parameters=parameters,
            authorization_scopes=scopes,
        )
        methods.append(
            ImportedMethod(
                path=path,
                http_method=http_method,
                settings=settings,
                authorizer_name=authorizer,
                integration=None if extension is None else _integration(path, extension),
                responses=_responses(operation.get("responses")),
            )
        )
    return methods


def _authorization(requirements: Any, security: Security) -> tuple[str, str | None, tuple[str, ...], bool]:
    """(authorization type, authorizer scheme, scopes, API key required) from a ``security`` list."""
    kind: str = "NONE"
    authorizer: str | None = None
    scopes: tuple[str, ...] = ()
    api_key = False
    for requirement in requirements if isinstance(requirements, list) else ():
        for name, wanted in requirement.items() if isinstance(requirement, Mapping) else ():
            if name in security.authorizers and authorizer is None:
                kind, authorizer = security.authorizers[name], str(name)
                scopes = tuple(str(s) for s in wanted or ()) if kind == "COGNITO_USER_POOLS" else ()
            elif name in security.iam and authorizer is None:
                kind = "AWS_IAM"
            elif name in security.api_keys:
                api_key = True
    return kind, authorizer, scopes, api_key


def _parameters(document: Mapping[str, Any], declared: Any) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for parameter in declared if isinstance(declared, list) else ():
        parameter = _resolved(document, parameter)
        where = _LOCATIONS.get(str(parameter.get("in", "")))
        if where is None or not parameter.get("name"):
            continue
        # a path parameter is always required
        found[f"method.request.{where}.{parameter['name']}"] = where == "path" or bool(parameter.get("required"))
    return found


def _resolved(document: Mapping[str, Any], value: Any) -> Mapping[str, Any]:
    """A local ``$ref`` (``#/parameters/Id``, ``#/components/parameters/Id``) followed once."""
    if not isinstance(value, Mapping):
        return {}
    reference = value.get("$ref")
    if not isinstance(reference, str) or not reference.startswith("#/"):
        return value
    target: Any = document
    for part in reference[2:].split("/"):
        target = target.get(part) if isinstance(target, Mapping) else None
    return target if isinstance(target, Mapping) else {}


def _responses(declared: Any) -> dict[str, MethodResponse]:
    found: dict[str, MethodResponse] = {}
    for status, response in declared.items() if isinstance(declared, Mapping) else ():
        code = str(status)
        if not (len(code) == 3 and code.isdigit()):
            continue  # "default" has no method response
        headers = response.get("headers") if isinstance(response, Mapping) else None
        parameters = {f"method.response.header.{name}": False for name in headers or ()}
        found[code] = MethodResponse(code, parameters)
    return found


def _integration(path: str, extension: Any) -> NewIntegration:
    malformed = BadRequest(f"Unable to parse API definition because of a malformed integration at path {path}.")
    if not isinstance(extension, Mapping) or not extension.get("type"):
        raise malformed
    kind = str(extension["type"]).upper()
    uri = extension.get("uri")
    if uri is not None and not isinstance(uri, str):
        raise malformed  # e.g. an intrinsic function CloudFormation did not resolve
    responses: dict[str, IntegrationResponse] = {}
    for pattern, response in _items(extension.get("responses")):
        if not isinstance(response, Mapping) or not response.get("statusCode"):
            raise malformed
        status = str(response["statusCode"])
        responses[status] = IntegrationResponse(
            status_code=status,
            selection_pattern=None if pattern == "default" else str(pattern),
            response_parameters=_strings(response.get("responseParameters")),
            response_templates=_strings(response.get("responseTemplates")),
            content_handling=response.get("contentHandling"),
        )
    timeout = extension.get("timeoutInMillis")
    if timeout is not None and not str(timeout).isdigit():
        raise malformed
    connection = extension.get("connectionType")
    return NewIntegration(
        type=kind,
        http_method=str(extension["httpMethod"]).upper() if extension.get("httpMethod") else None,
        uri=uri,
        credentials=extension.get("credentials"),
        request_parameters=_strings(extension.get("requestParameters")),
        request_templates=_strings(extension.get("requestTemplates")),
        passthrough_behavior=str(extension.get("passthroughBehavior") or "when_no_match").upper(),
        content_handling=extension.get("contentHandling"),
        timeout_ms=None if timeout is None else int(timeout),
        cache_namespace=extension.get("cacheNamespace"),
        cache_key_parameters=tuple(str(k) for k in extension.get("cacheKeyParameters") or ()),
        # an imported HTTP integration goes over the internet unless it names a VPC link (observed)
        connection_type=connection or ("INTERNET" if kind in ("HTTP", "HTTP_PROXY") else None),
        connection_id=extension.get("connectionId"),
        responses=responses,
    )


def _items(value: Any) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in value.items()] if isinstance(value, Mapping) else []


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items() if v is not None} if isinstance(value, Mapping) else {}
