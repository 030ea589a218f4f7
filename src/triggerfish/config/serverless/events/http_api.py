"""``httpApi`` events: one HTTP API (``HttpApi``) for the service, a route per event.

Follows the Serverless Framework v3 (``package/compile/events/http-api.js``):
- an event is ``'*'`` (the ``$default`` route), ``GET /users/{id}`` or ``{method, path, authorizer}``;
  ``*`` as a method is ``ANY``; a route key may appear once in the service;
- the API is ``HttpApi`` (``AWS::ApiGatewayV2::Api``, protocol HTTP, named ``<stage>-<service>`` unless
  ``provider.httpApi.name``) with the auto-deployed ``$default`` stage ``HttpApiStage``; per function an
  ``AWS_PROXY`` integration ``HttpApiIntegration<Function>`` (payload ``provider.httpApi.payload``, ``2.0`` by
  default) and the permission ``<Function>LambdaPermissionHttpApi``; per event the route
  ``HttpApiRoute<Method><Path>`` (``HttpApiRouteDefault`` for ``*``); outputs ``HttpApiId`` and ``HttpApiUrl``;
- an integration times out half a second after its function, at most 29 s (the framework's margin under
  HTTP APIs' 30 s limit, so that a function using all its time still answers);
- ``provider.httpApi.cors``: ``true`` allows origin ``*`` and the default headers; an object sets
  ``allowedOrigins``, ``allowedHeaders``, ``allowedMethods``, ``allowCredentials``, ``exposedResponseHeaders``
  and ``maxAge``; without ``allowedMethods`` the allowed methods are ``OPTIONS`` and those of the routes.
``provider.httpApi.id`` (an API outside the service) is skipped with a warning, as are access logs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent, StackBuilder, compact
from triggerfish.config.serverless.events.http_api_authorizers import (
    TYPE_REQUEST,
    HttpAuthorizer,
    add_authorizers,
    check_authorizer_functions,
    configured_authorizers,
    http_api_permission,
    payload_version,
)

METHODS = ("GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE")  # what ANY stands for in CORS
DEFAULT_CORS_HEADERS = (
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
)
DEFAULT_TIMEOUT = 6  # seconds, a function's default
MAX_INTEGRATION_TIMEOUT = 29  # seconds: the framework keeps a margin under HTTP APIs' 30 s
_ROUTE = re.compile(rf"^({'|'.join(('ANY', *METHODS))}) (/\S*)$", re.IGNORECASE)
_EVENT_KEYS = frozenset({"method", "path", "authorizer"})
_AUTHORIZER_KEYS = frozenset({"name", "scopes", "id", "type"})


def compile_http_api(event: FunctionEvent, value: Any) -> None:
    stack = event.stack
    settings = _settings(stack)
    if settings.get("id"):
        stack.warn("provider.httpApi.id: httpApi events on an HTTP API outside the service are not supported; skipped")
        return
    route_key, method, authorizer = _route(event, value)
    if naming.HTTP_API_LOGICAL_ID not in stack.resources:
        _add_api(stack, settings)
    route_id = naming.http_api_route_logical_id(route_key)
    existing = stack.resources.get(route_id)
    if existing is not None:
        other = existing["Properties"]["RouteKey"]
        if other in (route_key, "$default" if route_key == "*" else None):
            where = f"function {event.function_key} for httpApi event in serverless.yml"
            raise event.error(f"Duplicate route '{route_key}' configuration in {where}")
        raise event.error(f"route '{route_key}' has the same logical id ({route_id}) as route '{other}'")
    _allow_cors_method(stack, settings, method)
    integration_id = naming.http_api_integration_logical_id(event.function_key)
    if integration_id not in stack.resources:
        stack.add(integration_id, _integration(event, settings))
        stack.add(naming.http_api_permission_logical_id(event.function_key), http_api_permission(event.target))
    target = {"Fn::Join": ["/", ["integrations", {"Ref": integration_id}]]}
    properties = {
        "ApiId": {"Ref": naming.HTTP_API_LOGICAL_ID},
        "RouteKey": "$default" if route_key == "*" else route_key,
        "Target": target,
        **_authorization(event, settings, authorizer),
    }
    stack.add(route_id, {"Type": "AWS::ApiGatewayV2::Route", "Properties": properties, "DependsOn": [integration_id]})


def finish_http_api(stack: StackBuilder) -> dict[str, Any]:
    """Once every function is compiled: check what authorizers name and return the API's outputs."""
    if naming.HTTP_API_LOGICAL_ID not in stack.resources:
        return {}
    check_authorizer_functions(stack, _settings(stack))
    api = {"Ref": naming.HTTP_API_LOGICAL_ID}
    url = ["https://", api, ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}]
    return {
        "HttpApiId": {"Description": "Id of the HTTP API", "Value": api},
        "HttpApiUrl": {"Description": "URL of the HTTP API", "Value": {"Fn::Join": ["", url]}},
    }


# the event


def _route(event: FunctionEvent, value: Any) -> tuple[str, str, Any]:
    """The route key (``*`` for the default route), its method (``ANY`` for ``*``) and the authorizer."""
    if isinstance(value, str):
        if value.strip() == "*":
            return "*", "ANY", None
        match = _ROUTE.match(value.strip())
        if match is None:
            raise event.error(f"must be '*' or '<method> <path>', e.g. 'GET /users/{{id}}', not {value!r}")
        method, path, authorizer = match.group(1), match.group(2), None
    elif isinstance(value, Mapping):
        unknown = sorted(str(key) for key in value if key not in _EVENT_KEYS)
        if unknown:
            raise event.error(f"unknown setting(s) {', '.join(unknown)}; allowed: method, path, authorizer")
        method, path, authorizer = value.get("method"), value.get("path"), value.get("authorizer")
    else:
        raise event.error("must be '*', '<method> <path>' or an object with 'method' and 'path'")
    where = f"in function {event.function_key} for httpApi event in serverless.yml"
    if not isinstance(path, str) or not re.fullmatch(r"\*|/\S*", path):
        problem = "missing 'path'" if path is None else "must be '*' or start with '/', without blanks"
        raise event.error(problem, "path")
    if path == "*":
        if method is not None and method != "*":
            raise event.error(f'Invalid "path" property {where}', "path")
        return "*", "ANY", authorizer
    if method is None:
        raise event.error(f'Missing "method" property {where}', "method")
    method = "ANY" if method == "*" else str(method).upper()
    if method not in ("ANY", *METHODS):
        raise event.error(f'Invalid "method" property {where}', "method")
    return f"{method} {path}", method, authorizer


def _authorization(event: FunctionEvent, settings: Mapping[str, Any], value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    reference = {"name": value} if isinstance(value, str) else value
    if not isinstance(reference, Mapping):
        raise event.error("must be the name of an authorizer or an object", "authorizer")
    unknown = sorted(str(key) for key in reference if key not in _AUTHORIZER_KEYS)
    if unknown:
        raise event.error(f"unknown setting(s) {', '.join(unknown)}; allowed: name, scopes, id, type", "authorizer")
    name, scopes, kind = reference.get("name"), reference.get("scopes"), reference.get("type")
    if kind not in (None, "request", "jwt", "aws_iam"):
        raise event.error("must be request, jwt or aws_iam", "authorizer.type")
    if kind == "aws_iam":
        if name or scopes or reference.get("id"):
            problem = 'When configuring authorizer with type: "aws_iam", all other properties are not supported.'
            raise event.error(problem, "authorizer")
        return {"AuthorizationType": "AWS_IAM"}
    if reference.get("id"):
        problem = f"Event references external authorizer '{reference['id']}', but httpApi is part of the current stack."
        raise event.error(problem, "authorizer.id")
    if not name:
        problem = f'When configuring an authorizer with type: "{kind or "jwt"}", property "id" or "name" has to be'
        raise event.error(f"{problem} specified.", "authorizer")
    authorizer: HttpAuthorizer | None = configured_authorizers(event.stack, settings).get(str(name))
    if authorizer is None:
        raise event.error(f"Event references not configured authorizer '{name}'", "authorizer")
    properties: dict[str, Any] = {
        "AuthorizationType": "CUSTOM" if authorizer.type == TYPE_REQUEST else "JWT",
        "AuthorizerId": {"Ref": authorizer.logical_id},
    }
    if scopes is not None:
        if isinstance(scopes, str):
            scopes = [scopes]
        if not isinstance(scopes, list):
            raise event.error("must be a list of scopes", "authorizer.scopes")
        properties["AuthorizationScopes"] = list(dict.fromkeys(scopes))
    return properties


def _integration(event: FunctionEvent, settings: Mapping[str, Any]) -> dict[str, Any]:
    stack = event.stack
    timeout = _number(event.function.get("timeout")) or _number(stack.provider.get("timeout")) or DEFAULT_TIMEOUT
    subject = f"functions.{event.function_key}: the timeout ({timeout:g} s)"
    if timeout > MAX_INTEGRATION_TIMEOUT:
        stack.warn(f"{subject} is longer than an HTTP API waits (29 s): the endpoint may time out before it")
    elif timeout == MAX_INTEGRATION_TIMEOUT:
        stack.warn(f"{subject} leaves no margin under an HTTP API's wait (29 s): the endpoint may time out first")
    own = event.function.get("httpApi")
    function_payload = own.get("payload") if isinstance(own, Mapping) else None
    where = (
        f"functions.{event.function_key}.httpApi.payload"
        if function_payload is not None
        else "provider.httpApi.payload"
    )
    payload = payload_version(
        function_payload if function_payload is not None else settings.get("payload"),
        lambda: stack.error("must be '1.0' or '2.0'", where),
    )
    # half a second more than the function may run, at most 29 s; JavaScript's rounding of halves
    timeout_ms = math.floor(min(timeout + 0.5, MAX_INTEGRATION_TIMEOUT) * 1000 + 0.5)
    properties = {
        "ApiId": {"Ref": naming.HTTP_API_LOGICAL_ID},
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": event.target,
        "PayloadFormatVersion": payload or "2.0",
        "TimeoutInMillis": timeout_ms,
    }
    return {"Type": "AWS::ApiGatewayV2::Integration", "Properties": properties}


# the API


def _settings(stack: StackBuilder) -> Mapping[str, Any]:
    settings = stack.provider.get("httpApi")
    if settings is None:
        return {}
    if not isinstance(settings, Mapping):
        raise stack.error("must be an object", "provider.httpApi")
    return settings


def _add_api(stack: StackBuilder, settings: Mapping[str, Any]) -> None:
    """The API and its ``$default`` stage, with every configured authorizer."""
    provider = stack.provider
    name = settings.get("name") or (
        f"{stack.service}-{stack.stage}"
        if settings.get("shouldStartNameWithService")
        else naming.rest_api_name(stack.service, stack.stage)
    )
    tags = (
        dict(provider["tags"])
        if settings.get("useProviderTags") and isinstance(provider.get("tags"), Mapping)
        else None
    )
    api = {
        "Name": str(name),
        "ProtocolType": "HTTP",
        "DisableExecuteApiEndpoint": settings.get("disableDefaultEndpoint"),
        "Tags": tags,
        "CorsConfiguration": _cors(stack, settings.get("cors")),
    }
    stack.add(naming.HTTP_API_LOGICAL_ID, {"Type": "AWS::ApiGatewayV2::Api", "Properties": compact(api)})
    stage = {
        "ApiId": {"Ref": naming.HTTP_API_LOGICAL_ID},
        "StageName": "$default",
        "AutoDeploy": True,
        "DefaultRouteSettings": {"DetailedMetricsEnabled": bool(settings.get("metrics"))},
        "Tags": dict(tags) if tags else None,
    }
    stack.add(naming.HTTP_API_STAGE_LOGICAL_ID, {"Type": "AWS::ApiGatewayV2::Stage", "Properties": compact(stage)})
    logs = provider.get("logs")
    if isinstance(logs, Mapping) and logs.get("httpApi"):
        stack.warn("provider.logs.httpApi: HTTP API access logs are not supported; skipped")
    add_authorizers(stack, settings)


def _cors(stack: StackBuilder, value: Any) -> dict[str, Any] | None:
    """``CorsConfiguration``; its ``AllowMethods`` fill up with the routes' methods unless given."""
    if not value:
        return None
    if value is True:
        return {"AllowHeaders": list(DEFAULT_CORS_HEADERS), "AllowMethods": ["OPTIONS"], "AllowOrigins": ["*"]}
    if not isinstance(value, Mapping):
        raise stack.error("must be true or an object of CORS settings", "provider.httpApi.cors")

    def listed(key: str, default: list[str] | None) -> list[str] | None:
        given = value.get(key)
        if given is None:
            return default
        items = given if isinstance(given, list) else [given]
        if not all(isinstance(item, str) for item in items):
            raise stack.error("must be a string or a list of strings", f"provider.httpApi.cors.{key}")
        return list(dict.fromkeys(items))

    max_age = value.get("maxAge")
    if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 0):
        raise stack.error("must be a whole number of seconds", "provider.httpApi.cors.maxAge")
    configuration = {
        "AllowCredentials": True if value.get("allowCredentials") else None,
        "AllowHeaders": listed("allowedHeaders", list(DEFAULT_CORS_HEADERS)),
        "AllowMethods": listed("allowedMethods", ["OPTIONS"]),
        "AllowOrigins": listed("allowedOrigins", ["*"]),
        "ExposeHeaders": listed("exposedResponseHeaders", None),
        "MaxAge": max_age,
    }
    return compact(configuration)


def _allow_cors_method(stack: StackBuilder, settings: Mapping[str, Any], method: str) -> None:
    """Without ``allowedMethods``, CORS allows the methods of every route (all of them for ``ANY``)."""
    cors = settings.get("cors")
    if not cors or (isinstance(cors, Mapping) and cors.get("allowedMethods") is not None):
        return
    allowed = stack.resources[naming.HTTP_API_LOGICAL_ID]["Properties"]["CorsConfiguration"]["AllowMethods"]
    for item in METHODS if method == "ANY" else (method,):
        if item not in allowed:
            allowed.append(item)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number > 0 else None
