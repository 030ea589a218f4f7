"""``cors`` on ``http`` events: the OPTIONS method (a MOCK integration) that answers a path's preflights.

Follows the Serverless Framework v3 (``api-gateway/lib/validate.js`` ``getCors`` and ``lib/cors.js``):
- ``cors: true`` allows origin ``*``, the default headers and ``OPTIONS`` plus the event's method;
- an object sets ``origin`` or ``origins``, ``headers``, ``methods``, ``allowCredentials``, ``maxAge`` and
  ``cacheControl``; ``OPTIONS`` and the event's method are always added to its methods;
- the events of one path are merged: headers, methods and origins are unions (the later event's entries
  first), the later ``origin``, ``maxAge`` and ``cacheControl`` win, credentials are allowed if any allows them;
- the preflight answers with ``'literal'`` ``Access-Control-Allow-*`` headers; ``ANY`` among the methods
  stands for ``DELETE,GET,HEAD,PATCH,POST,PUT``; with several origins the first is the header's value and a
  response template puts the request's ``Origin`` there when it matches one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent
from triggerfish.config.serverless.events.http_paths import METHODS, ResourcePath

DEFAULT_HEADERS = (
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
    "X-Amzn-Trace-Id",
)
#: what ``ANY`` stands for in ``Access-Control-Allow-Methods``
ANY_METHODS = "DELETE,GET,HEAD,PATCH,POST,PUT"
_KEYS = frozenset({"origin", "origins", "headers", "methods", "allowCredentials", "maxAge", "cacheControl"})


@dataclass(frozen=True)
class Preflight:
    """The CORS settings of one path, merged over its events."""

    headers: tuple[str, ...]
    methods: tuple[str, ...]
    origins: tuple[str, ...] = ()
    origin: str | None = "*"
    allow_credentials: bool = False
    max_age: int | None = None
    cache_control: str | None = None

    def merged_over(self, earlier: Preflight | None) -> Preflight:
        """This event's settings merged over those of the path's earlier events."""
        if earlier is None:
            return self
        return replace(
            self,
            headers=_union(self.headers, earlier.headers),
            methods=_union(self.methods, earlier.methods),
            origins=_union(self.origins, earlier.origins),
            allow_credentials=earlier.allow_credentials or self.allow_credentials,
            max_age=self.max_age or earlier.max_age,
            cache_control=self.cache_control or earlier.cache_control,
        )

    def response_headers(self) -> dict[str, str]:
        """Header name -> the ``'literal'`` value the preflight answers with."""
        origins = self.all_origins()
        origin = origins[0] if origins else self.origin or "*"
        headers = {
            "Access-Control-Allow-Origin": f"'{origin}'",
            "Access-Control-Allow-Headers": f"'{','.join(self.headers)}'",
            "Access-Control-Allow-Methods": f"'{','.join(self.methods).replace('ANY', ANY_METHODS, 1)}'",
        }
        if self.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "'true'"
        if self.max_age:
            headers["Access-Control-Max-Age"] = f"'{self.max_age}'"
        if self.cache_control:
            headers["Cache-Control"] = f"'{self.cache_control}'"
        return headers

    def all_origins(self) -> tuple[str, ...]:
        """The origins a response template chooses among (an ``origin`` with commas is a list too)."""
        if self.origin and "," in self.origin:
            return tuple(origin.strip() for origin in self.origin.split(","))
        return self.origins


def event_preflight(event: FunctionEvent, value: Any, method: str) -> Preflight:
    """The CORS settings ``cors: true`` or ``cors: {...}`` of one event whose method is ``method``."""
    if value is True:
        return Preflight(headers=DEFAULT_HEADERS, methods=("OPTIONS", method))
    if not isinstance(value, Mapping):
        raise event.error("must be true or an object of CORS settings", "cors")
    unknown = sorted(str(key) for key in value if key not in _KEYS)
    if unknown:
        raise event.error(f"unknown CORS setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}", "cors")
    headers = value.get("headers")
    if isinstance(headers, str):
        headers = [headers]
    methods = [method.upper() for method in _strings(event, value.get("methods"), "cors.methods")]
    if any(method not in METHODS for method in methods):
        raise event.error(f"may only list {', '.join(METHODS)}", "cors.methods")
    for required in ("OPTIONS", method):
        if required not in methods:
            methods.append(required)
    origins = _strings(event, value.get("origins"), "cors.origins")
    if value.get("origins") is not None and not origins:
        raise event.error("must list at least one origin", "cors.origins")
    origin = value.get("origin")
    if origin is not None and not isinstance(origin, str):
        raise event.error("must be a string", "cors.origin")
    max_age = value.get("maxAge")
    if max_age is not None and (isinstance(max_age, bool) or not isinstance(max_age, int) or max_age < 1):
        raise event.error("must be a whole number of seconds, at least 1", "cors.maxAge")
    cache_control = value.get("cacheControl")
    if cache_control is not None and not isinstance(cache_control, str):
        raise event.error("must be a string", "cors.cacheControl")
    return Preflight(
        headers=_strings(event, headers, "cors.headers") if headers is not None else DEFAULT_HEADERS,
        methods=tuple(methods),
        origins=origins,
        # an explicit list of origins replaces the default '*'
        origin=origin if origin is not None or origins else "*",
        allow_credentials=bool(value.get("allowCredentials")),
        max_age=max_age,
        cache_control=cache_control,
    )


def preflight_method(path: ResourcePath, preflight: Preflight) -> dict[str, Any]:
    """The ``AWS::ApiGateway::Method`` answering OPTIONS on ``path`` without invoking anything."""
    headers = preflight.response_headers()
    origins = preflight.all_origins()
    integration_response = {
        "StatusCode": "200",
        "ResponseParameters": {f"method.response.header.{name}": value for name, value in headers.items()},
        "ResponseTemplates": {"application/json": _origin_template(origins) if origins else ""},
    }
    method_response = {
        "StatusCode": "200",
        "ResponseParameters": {f"method.response.header.{name}": True for name in headers},
        "ResponseModels": {},
    }
    properties = {
        "AuthorizationType": "NONE",
        "HttpMethod": "OPTIONS",
        "MethodResponses": [method_response],
        "RequestParameters": {},
        "Integration": {
            "Type": "MOCK",
            "RequestTemplates": {"application/json": "{statusCode:200}"},
            "ContentHandling": "CONVERT_TO_TEXT",
            "IntegrationResponses": [integration_response],
        },
        "ResourceId": path.resource_id,
        "RestApiId": {"Ref": naming.REST_API_LOGICAL_ID},
    }
    return {"Type": "AWS::ApiGateway::Method", "Properties": properties}


def _origin_template(origins: tuple[str, ...]) -> str:
    """A mapping template answering with the request's Origin when it matches one of ``origins``."""
    # an origin is a glob: '.' is literal and the first '*' matches anything
    patterns = [origin.replace(".", "[.]").replace("*", ".+", 1) for origin in origins]
    matches = " || ".join(f'$origin.matches("{pattern}")' for pattern in patterns)
    return (
        '#set($origin = $input.params("Origin"))\n'
        '#if($origin == "") #set($origin = $input.params("origin")) #end\n'
        f"#if({matches}) #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin) #end"
    )


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


def _strings(event: FunctionEvent, value: Any, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise event.error("must be a list of strings", field)
    return tuple(value)
