"""The gateway's ASGI application: API Gateway REST and HTTP APIs and Lambda Function URLs, addressed by
host name or path prefix (see :mod:`triggerfish.gateway.addressing`).

Everything is asynchronous: a slow function holds only its own request. Whatever goes wrong inside
answers with AWS's body for the kind of endpoint, never a traceback; the traceback goes to the log.
"""

from __future__ import annotations

import logging

from triggerfish.core.clock import Clock
from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION
from triggerfish.gateway import errors
from triggerfish.gateway.addressing import Target, TargetKind, target_of
from triggerfish.gateway.asgi import (
    BodyTooLarge,
    ClientGone,
    Receive,
    Responder,
    Send,
    raw_path_of,
    receive_body,
    request_of,
    scope_host,
    send_response,
)
from triggerfish.gateway.asgi import Scope as AsgiScope
from triggerfish.gateway.authorizers.jwt import JwtVerifier
from triggerfish.gateway.function_url import FunctionUrlHandler
from triggerfish.gateway.http_api import HttpApiHandler
from triggerfish.gateway.jwks import Fetch, JwksCache, fetch
from triggerfish.gateway.ports import Functions, FunctionUrlLookup, HttpApis, RestApis, SignatureVerifier
from triggerfish.gateway.request import Request
from triggerfish.gateway.response import Response
from triggerfish.gateway.rest_api import RestApiHandler
from triggerfish.services.lambda_.service import Scope

log = logging.getLogger(__name__)


class GatewayApp:
    """``claims(scope)`` says whether a request is the gateway's; calling the app serves it."""

    def __init__(
        self,
        *,
        rest_apis: RestApis,
        http_apis: HttpApis,
        function_urls: FunctionUrlLookup,
        functions: Functions,
        clock: Clock,
        verifier: SignatureVerifier | None = None,
        account: str = DEFAULT_ACCOUNT,
        region: str = DEFAULT_REGION,
        jwks_fetch: Fetch = fetch,
    ) -> None:
        defaults = Scope(account, region)  # for views and URLs that leave their account or region empty
        self.rest_apis = rest_apis
        self.http_apis = http_apis
        self.rest = RestApiHandler(rest_apis, functions, clock, defaults)
        jwt = JwtVerifier(JwksCache(clock, jwks_fetch), clock)
        self.http = HttpApiHandler(http_apis, functions, clock, jwt, defaults)
        self.urls = FunctionUrlHandler(function_urls, functions, clock, verifier, defaults)

    def claims(self, scope: AsgiScope) -> bool:
        return scope["type"] == "http" and target_of(scope_host(scope), raw_path_of(scope)) is not None

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        target = target_of(scope_host(scope), raw_path_of(scope))
        if target is None:
            await send_response(send, errors.not_found())
            return
        request = await read_request(scope, receive, target.path, send)
        if request is not None:
            respond = Responder(send)
            await respond(await self._guarded(target, request, respond))

    async def _guarded(self, target: Target, request: Request, respond: Responder) -> Response:
        try:
            return await self._dispatch(target, request, respond)
        except Exception:
            log.exception("%s %s on %s %s failed", request.method, request.path, target.kind.value, target.id)
            if target.kind is TargetKind.LAMBDA_URL:
                return errors.url_function_error()
            return (
                errors.rest_internal_error() if self.rest_apis.api_exists(target.id) else errors.http_internal_error()
            )

    async def _dispatch(self, target: Target, request: Request, respond: Responder) -> Response:
        if target.kind is TargetKind.LAMBDA_URL:
            return await self.urls.handle(target.id, request)
        if self.rest_apis.api_exists(target.id):
            return await self.rest.handle(target.id, request, respond)
        if self.http_apis.api_exists(target.id):
            return await self.http.handle(target.id, request, respond)
        # an execute-api host whose API does not exist: API Gateway's 403 Forbidden
        return errors.rest_forbidden()


async def read_request(scope: AsgiScope, receive: Receive, path: str, send: Send) -> Request | None:
    """The request with its body; None when it was answered already (too large) or the client left."""
    try:
        body = await receive_body(scope, receive)
    except BodyTooLarge:
        await send_response(send, errors.request_too_large())
        return None
    except ClientGone:
        return None
    return request_of(scope, path, body)
