"""CORS as HTTP APIs and Function URLs do it: they answer preflights themselves and put the configured
headers on every response to an allowed origin, in place of any the function returned (spec §6.4, §6.6)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from triggerfish.gateway.request import Request
from triggerfish.gateway.response import Header, Response
from triggerfish.services.apigatewayv2.views import CorsView
from triggerfish.services.lambda_.url_config import UrlCors

_ALLOW_ORIGIN = b"access-control-allow-origin"
_ALLOW_CREDENTIALS = b"access-control-allow-credentials"
_EXPOSE = b"access-control-expose-headers"
_ALLOW_METHODS = b"access-control-allow-methods"
_ALLOW_HEADERS = b"access-control-allow-headers"
_MAX_AGE = b"access-control-max-age"
_CORS_PREFIX = b"access-control-"


class CorsPolicy:
    """One API's or URL's CORS configuration, with its header lines prepared once."""

    def __init__(
        self,
        *,
        allow_origins: Sequence[str],
        allow_methods: Sequence[str],
        allow_headers: Sequence[str],
        expose_headers: Sequence[str],
        max_age: int | None,
        allow_credentials: bool,
        preflight_status: int,
        replace_all: bool,
    ) -> None:
        self._any_origin = "*" in allow_origins
        self._origins = frozenset(origin.lower() for origin in allow_origins if "*" not in origin)
        # HTTP APIs allow wildcard origins such as https://*.example.com
        self._origin_patterns = [
            re.compile(".*".join(re.escape(part) for part in origin.lower().split("*")))
            for origin in allow_origins
            if "*" in origin and origin != "*"
        ]
        self._credentials: list[Header] = [(_ALLOW_CREDENTIALS, b"true")] if allow_credentials else []
        self._expose: list[Header] = [(_EXPOSE, ",".join(expose_headers).encode())] if expose_headers else []
        preflight: list[Header] = []
        if allow_methods:
            preflight.append((_ALLOW_METHODS, ",".join(method.upper() for method in allow_methods).encode()))
        if allow_headers:
            preflight.append((_ALLOW_HEADERS, ",".join(allow_headers).encode()))
        if max_age:
            preflight.append((_MAX_AGE, str(max_age).encode()))
        self._preflight = preflight
        self._preflight_status = preflight_status
        self._wildcard = self._any_origin and not allow_credentials
        self._replace_all = replace_all

    @staticmethod
    def is_preflight(request: Request) -> bool:
        return (
            request.method == "OPTIONS"
            and request.header("origin") is not None
            and request.header("access-control-request-method") is not None
        )

    def preflight(self, request: Request) -> Response:
        """The answer to a preflight: the configured headers for an allowed origin, none for another."""
        response = Response(self._preflight_status)
        origin = request.header("origin")
        allowed = self._allowed_origin(origin)
        if allowed is not None:
            response.add(_ALLOW_ORIGIN, allowed)
            response.extend(self._credentials)
            response.extend(self._preflight)
            response.extend(self._expose)
        return response

    def apply(self, request: Request, response: Response) -> None:
        """Put the configured headers on a response to an allowed origin. An HTTP API drops every CORS
        header the integration returned; a Function URL only those it sets itself (spec §6.4, §6.6)."""
        allowed = self._allowed_origin(request.header("origin"))
        added = [(_ALLOW_ORIGIN, allowed), *self._credentials, *self._expose] if allowed is not None else []
        if self._replace_all:
            response.headers = [h for h in response.headers if not h[0].startswith(_CORS_PREFIX)]
        elif added:
            replaced = {name for name, _ in added}
            response.headers = [h for h in response.headers if h[0].lower() not in replaced]
        response.extend(added)

    def _allowed_origin(self, origin: str | None) -> bytes | None:
        if origin is None:
            return None
        if self._wildcard:
            return b"*"
        lowered = origin.lower()
        if self._any_origin or lowered in self._origins or any(p.fullmatch(lowered) for p in self._origin_patterns):
            return origin.encode("latin-1", "replace")
        return None


def http_api_cors(view: CorsView) -> CorsPolicy:
    # an HTTP API answers a preflight with 204 No Content
    return CorsPolicy(
        allow_origins=view.allow_origins,
        allow_methods=view.allow_methods,
        allow_headers=view.allow_headers,
        expose_headers=view.expose_headers,
        max_age=view.max_age,
        allow_credentials=view.allow_credentials,
        preflight_status=204,
        replace_all=True,
    )


def function_url_cors(config: UrlCors) -> CorsPolicy:
    return CorsPolicy(
        allow_origins=config.allow_origins,
        allow_methods=config.allow_methods,
        allow_headers=config.allow_headers,
        expose_headers=config.expose_headers,
        max_age=config.max_age,
        allow_credentials=config.allow_credentials,
        preflight_status=200,
        replace_all=False,
    )
