"""Serving an HTTP API: stage, route, CORS, authorizer, the Lambda proxy integration (spec §6.2-§6.5)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any, cast

from triggerfish.core.clock import Clock
from triggerfish.gateway import errors
from triggerfish.gateway.authorizers.http_lambda import HttpAuthorizers
from triggerfish.gateway.authorizers.identity import http_value
from triggerfish.gateway.authorizers.jwt import JwtRejected, JwtVerifier
from triggerfish.gateway.authorizers.policy import method_arn
from triggerfish.gateway.cors import CorsPolicy, http_api_cors
from triggerfish.gateway.http_events import HttpCall, v1_event, v2_event
from triggerfish.gateway.http_responses import v1_response, v2_response
from triggerfish.gateway.http_router import HttpRoute, HttpRouter
from triggerfish.gateway.invoke import OnTimeout, scope_of
from triggerfish.gateway.ports import Functions, HttpApis
from triggerfish.gateway.proxy import ProxyErrors, call_proxy
from triggerfish.gateway.request import Request
from triggerfish.gateway.request_ids import short_id, trace_id
from triggerfish.gateway.response import Respond, Response
from triggerfish.services.apigatewayv2.views import HttpStageView, RouteView
from triggerfish.services.lambda_.service import Scope

log = logging.getLogger(__name__)

DEFAULT_SCOPE = Scope()

DEFAULT_STAGE = "$default"
_JWT_SOURCE = "$request.header.Authorization"


class CompiledHttpStage:
    def __init__(self, view: HttpStageView) -> None:
        self.view = view
        self.router = HttpRouter(view)
        self.cors: CorsPolicy | None = http_api_cors(view.cors) if view.cors is not None else None


@dataclass(frozen=True, slots=True)
class HttpResolved:
    """A request placed in a stage: its route, or None for a preflight the API answers itself."""

    stage: CompiledHttpStage
    route: HttpRoute | None
    request: Request
    inner_path: str  # the path inside the stage


class HttpApiHandler:
    def __init__(
        self, apis: HttpApis, functions: Functions, clock: Clock, jwt: JwtVerifier, defaults: Scope = DEFAULT_SCOPE
    ) -> None:
        self._apis = apis
        self._defaults = defaults
        self._functions = functions
        self._clock = clock
        self._jwt = jwt
        self._authorizers = HttpAuthorizers(functions, clock)
        self._stages: dict[tuple[str, str], CompiledHttpStage] = {}

    def resolve(self, api_id: str, request: Request) -> HttpResolved | None:
        """The stage and route of a request: a named stage's segment first, else the ``$default`` stage
        (spec §6.3); None when neither has a route for it (a 404)."""
        path = request.path
        first, _, rest = path[1:].partition("/")
        view = None
        if first and first != DEFAULT_STAGE and first in self._apis.stage_names(api_id):
            view = self._apis.stage_view(api_id, first)
            inner = "/" + rest
        if view is None:
            view = self._apis.stage_view(api_id, DEFAULT_STAGE)
            inner = path
            if view is None:
                self._stages.pop((api_id, DEFAULT_STAGE), None)  # a deleted stage's router goes with it
                return None
        stage = self._compiled(view)
        if stage.cors is not None and CorsPolicy.is_preflight(request):
            return HttpResolved(stage, None, request, inner)
        route = stage.router.route(request.method, inner)
        return None if route is None else HttpResolved(stage, route, request, inner)

    async def handle(self, api_id: str, request: Request, respond: Respond) -> Response:
        """A request to the API's execute-api endpoint."""
        resolved = self.resolve(api_id, request)
        if resolved is None:
            return _stamped(errors.not_found(), short_id())
        if resolved.stage.view.disable_execute_api_endpoint:
            return _stamped(errors.http_forbidden(), short_id())
        return await self.serve(resolved, respond)

    async def serve(self, resolved: HttpResolved, respond: Respond) -> Response:
        """The response; an integration timeout is answered through ``respond`` when it happens."""
        request_id = short_id()
        cors = resolved.stage.cors
        if resolved.route is None:
            assert cors is not None
            return _stamped(cors.preflight(resolved.request), request_id)

        def finished(response: Response) -> Response:
            if cors is not None:
                cors.apply(resolved.request, response)
            return _stamped(response, request_id)

        async def timed_out() -> None:
            await respond(finished(errors.http_unavailable()))

        return finished(await self._serve(resolved, resolved.route, request_id, timed_out))

    async def _serve(
        self, resolved: HttpResolved, routed: HttpRoute, request_id: str, timed_out: OnTimeout
    ) -> Response:
        view, route, request = resolved.stage.view, routed.route, resolved.request
        integration = route.integration
        if integration is None:
            log.warning("the route %r has no integration", route.route_key)
            return errors.http_internal_error()
        now = self._clock.now()
        call = HttpCall(
            view, request, request.path, route.route_key, routed.path_parameters, request_id, trace_id(now), now
        )
        version = integration.payload_format_version
        event = cast(dict[str, Any], v2_event(call) if version == "2.0" else v1_event(call))
        scope = scope_of(view.account, view.region, self._defaults)
        authorized = await self._authorize(resolved, route, call, event, version, scope)
        if isinstance(authorized, Response):
            return authorized
        if authorized is not None:
            event["requestContext"]["authorizer"] = authorized
        if integration.type != "AWS_PROXY":
            _unsupported(integration.type)
            return errors.http_internal_error()
        to_response = v2_response if version == "2.0" else v1_response
        return await call_proxy(
            self._functions,
            integration.uri,
            view.variables,
            event,
            scope,
            timeout_ms=integration.timeout_ms,
            clock=self._clock,
            on_timeout=timed_out,
            to_response=to_response,
            answers=_ANSWERS,
        )

    async def _authorize(
        self,
        resolved: HttpResolved,
        route: RouteView,
        call: HttpCall,
        event: dict[str, Any],
        version: str,
        scope: Scope,
    ) -> dict[str, Any] | Response | None:
        kind = route.authorization_type
        if kind == "NONE":
            return None
        view, request = call.view, call.request
        authorizer = view.authorizers.get(route.authorizer_id or "")
        if kind in ("JWT", "CUSTOM") and authorizer is None:
            log.warning("the route %r names an authorizer that does not exist", route.route_key)
            return errors.http_internal_error()
        if kind == "JWT" and authorizer is not None:
            source = (authorizer.identity_sources or (_JWT_SOURCE,))[0]
            token = http_value(source, request, event, view.variables)
            if not token or authorizer.jwt is None:
                return errors.http_unauthorized()
            try:
                jwt = await self._jwt.verify(token, authorizer.jwt, route.authorization_scopes)
            except JwtRejected as rejected:
                if rejected.forbidden:
                    return errors.http_forbidden(rejected.challenge)
                return errors.http_unauthorized(rejected.challenge)
            return {"jwt": jwt} if version == "2.0" else jwt
        if kind == "CUSTOM" and authorizer is not None:
            v2 = event if version == "2.0" else cast(dict[str, Any], v2_event(call))
            arn = method_arn(
                scope.region, scope.account, view.api_id, view.stage_name, request.method, resolved.inner_path
            )
            allowed = await self._authorizers.authorize(
                view,
                authorizer,
                request,
                v2,
                lambda: event if version == "1.0" else cast(dict[str, Any], v1_event(call)),
                arn,
                scope,
            )
            if isinstance(allowed, Response):
                return allowed
            return allowed.for_integration(version)
        _not_enforced(kind)
        return None

    def _compiled(self, view: HttpStageView) -> CompiledHttpStage:
        key = (view.api_id, view.stage_name)
        stage = self._stages.get(key)
        if stage is None or stage.view is not view:
            stage = CompiledHttpStage(view)  # a changed stage is a new view object
            self._stages[key] = stage
        return stage


def _stamped(response: Response, request_id: str) -> Response:
    response.add(b"apigw-requestid", request_id.encode())
    return response


# spec §6.4: an HTTP API answers 500 for a function error and a refused invoke, 503 for a timeout
_ANSWERS = ProxyErrors(errors.http_internal_error, errors.http_internal_error, errors.http_unavailable)


@functools.cache
def _unsupported(kind: str) -> None:
    log.warning("%s integrations are not supported locally: their routes answer 500", kind)


@functools.cache
def _not_enforced(kind: str) -> None:
    log.warning("%s authorization is not enforced locally: requests pass unchecked", kind)
