"""The port ``triggerfish up`` serves an app's APIs on (default 3000), at the root: an HTTP API's ``$default``
stage at ``/…`` (a named stage at ``/<stage>/…``), a REST API's stages at ``/<stage>/…``. With several APIs
the first, in the order given, whose stage and route match serves the request; requests addressed the
gateway's way (host name or path prefix) are served as the gateway serves them."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from triggerfish.gateway import errors
from triggerfish.gateway.addressing import target_of
from triggerfish.gateway.asgi import Receive, Responder, Scope, Send, raw_path_of, scope_host
from triggerfish.gateway.gateway import GatewayApp, read_request
from triggerfish.gateway.request import Request
from triggerfish.gateway.response import Response

log = logging.getLogger(__name__)

ApiIds = Sequence[str] | Callable[[], Sequence[str]]


class AppPortApp:
    def __init__(self, gateway: GatewayApp, apis: ApiIds) -> None:
        """``apis``: the app's API ids, or a callable giving them (an app's APIs change when it is redeployed)."""
        self._gateway = gateway
        self._apis = apis

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = raw_path_of(scope)
        if target_of(scope_host(scope), path) is not None:
            await self._gateway(scope, receive, send)
            return
        request = await read_request(scope, receive, path, send)
        if request is None:
            return
        respond = Responder(send)
        try:
            response = await self._serve(request, respond)
        except Exception:
            log.exception("%s %s failed", request.method, request.path)
            response = errors.http_internal_error()
        await respond(response)

    async def _serve(self, request: Request, respond: Responder) -> Response:
        gateway = self._gateway
        for api_id in self._apis() if callable(self._apis) else self._apis:
            if gateway.rest_apis.api_exists(api_id):
                rest = gateway.rest.resolve(api_id, request)
                if rest is not None:
                    return await gateway.rest.serve(rest, respond)
            elif gateway.http_apis.api_exists(api_id):
                http = gateway.http.resolve(api_id, request)
                if http is not None:
                    return await gateway.http.serve(http, respond)
        return errors.not_found()
