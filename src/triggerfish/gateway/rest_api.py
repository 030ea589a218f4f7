"""Serving a REST API stage: route, authorize, call the integration, map its answer (spec §6.1-§6.5).

Lambda proxy (AWS_PROXY) integrations invoke the function with the payload 1.0 event; MOCK integrations
answer CORS preflights; other integration types are not run locally (a 500, and a line in the log).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from triggerfish.core.clock import Clock
from triggerfish.gateway import errors
from triggerfish.gateway.authorizers.policy import method_arn
from triggerfish.gateway.authorizers.rest_lambda import RestAuthorizers
from triggerfish.gateway.binary import BinaryMediaTypes
from triggerfish.gateway.invoke import OnTimeout, scope_of
from triggerfish.gateway.ports import Functions, RestApis
from triggerfish.gateway.proxy import ProxyErrors, call_proxy
from triggerfish.gateway.request import Request
from triggerfish.gateway.request_ids import request_id, short_id, trace_id
from triggerfish.gateway.response import Respond, Response, encode_header
from triggerfish.gateway.rest_events import RequestIds, StagePath, rest_event, split_stage
from triggerfish.gateway.rest_mock import mock_response
from triggerfish.gateway.rest_responses import rest_response
from triggerfish.gateway.rest_router import RestRoute, RestRouter
from triggerfish.services.apigateway.views import RestStageView
from triggerfish.services.lambda_.service import Scope

log = logging.getLogger(__name__)

DEFAULT_SCOPE = Scope()


class CompiledStage:
    """A deployed stage with its router and binary media types, built once per view."""

    def __init__(self, view: RestStageView) -> None:
        self.view = view
        self.router = RestRouter(view)
        self.binary = BinaryMediaTypes(view.binary_media_types)


@dataclass(frozen=True, slots=True)
class RestCall:
    stage: CompiledStage
    route: RestRoute
    request: Request
    where: StagePath


class RestApiHandler:
    def __init__(self, apis: RestApis, functions: Functions, clock: Clock, defaults: Scope = DEFAULT_SCOPE) -> None:
        self._apis = apis
        self._defaults = defaults
        self._functions = functions
        self._clock = clock
        self._authorizers = RestAuthorizers(functions, clock)
        self._stages: dict[tuple[str, str], CompiledStage] = {}

    def resolve(self, api_id: str, request: Request) -> RestCall | None:
        """The stage, resource and method a request is for; None when any is missing (a 403)."""
        where = split_stage(request.path)
        if where is None:
            return None
        view = self._apis.stage_view(api_id, where.stage)
        if view is None:
            self._stages.pop((api_id, where.stage), None)  # a deleted stage's router goes with it
            return None
        stage = self._compiled(view)
        route = stage.router.route(request.method, where.path)
        if route is None:
            return None
        return RestCall(stage, route, request, where)

    async def handle(self, api_id: str, request: Request, respond: Respond) -> Response:
        """A request to the API's execute-api endpoint."""
        call = self.resolve(api_id, request)
        if call is None:
            return _stamped(errors.missing_token(), RequestIds(request_id(), short_id(), ""))
        if call.stage.view.disable_execute_api_endpoint:
            return _stamped(errors.rest_forbidden(), RequestIds(request_id(), short_id(), ""))
        return await self.serve(call, respond)

    async def serve(self, call: RestCall, respond: Respond) -> Response:
        """The response; an integration timeout is answered through ``respond`` when it happens."""
        now = self._clock.now()
        ids = RequestIds(request_id(), short_id(), trace_id(now))

        async def timed_out() -> None:
            await respond(_stamped(errors.rest_timeout(), ids))

        return _stamped(await self._serve(call, ids, now, timed_out), ids)

    async def _serve(self, call: RestCall, ids: RequestIds, now: float, timed_out: OnTimeout) -> Response:
        view, method, request = call.stage.view, call.route.method, call.request
        integration = method.integration
        if integration is None:
            log.warning("%s %s has no integration", request.method, call.route.resource.path)
            return errors.rest_internal_error()
        event = rest_event(view, call.route, request, call.where, ids, now, call.stage.binary)
        scope = scope_of(view.account, view.region, self._defaults)
        if method.authorization_type == "CUSTOM":
            authorizer = view.authorizers.get(method.authorizer_id or "")
            if authorizer is None:
                log.warning("%s %s names an authorizer that does not exist", request.method, call.route.resource.path)
                return errors.authorizer_failure()
            arn = method_arn(scope.region, scope.account, view.api_id, view.stage_name, request.method, call.where.path)
            allowed = await self._authorizers.authorize(view, authorizer, request, event, arn, scope)
            if isinstance(allowed, Response):
                return allowed
            if allowed:
                event["requestContext"]["authorizer"] = allowed
        elif method.authorization_type != "NONE":
            _not_enforced(method.authorization_type)
        if method.api_key_required:
            _not_enforced("API key")
        if integration.type == "MOCK":
            return mock_response(integration)
        if integration.type != "AWS_PROXY":
            _unsupported(integration.type)
            return errors.rest_internal_error()
        if integration.http_method and integration.http_method.upper() != "POST":
            # Lambda is only ever invoked with POST: any other integration method fails (observed 500)
            log.warning(
                "the Lambda proxy integration of %s uses %s, not POST",
                call.route.resource.path,
                integration.http_method,
            )
            return errors.rest_internal_error()
        binary, accept = call.stage.binary, request.header("accept")
        return await call_proxy(
            self._functions,
            integration.uri,
            view.variables,
            event,
            scope,
            timeout_ms=integration.timeout_ms,
            clock=self._clock,
            on_timeout=timed_out,
            to_response=lambda payload: rest_response(payload, binary, accept),
            answers=_ANSWERS,
        )

    def _compiled(self, view: RestStageView) -> CompiledStage:
        key = (view.api_id, view.stage_name)
        stage = self._stages.get(key)
        if stage is None or stage.view is not view:
            stage = CompiledStage(view)  # the service hands out a new view object whenever the stage changes
            self._stages[key] = stage
        return stage


# spec §6.4: a REST API answers 502 for a function error, 500 for a refused invoke, 504 for a timeout
_ANSWERS = ProxyErrors(errors.rest_bad_gateway, errors.rest_internal_error, errors.rest_timeout)


def _stamped(response: Response, ids: RequestIds) -> Response:
    response.add(b"x-amzn-RequestId", ids.request_id.encode())
    response.add(b"x-amz-apigw-id", ids.extended.encode())
    if ids.trace:
        response.add(b"X-Amzn-Trace-Id", encode_header(ids.trace))
    return response


@functools.cache
def _unsupported(kind: str) -> None:
    log.warning("%s integrations are not supported locally: their methods answer 500", kind)


@functools.cache
def _not_enforced(kind: str) -> None:
    log.warning("%s authorization is not enforced locally: requests pass unchecked", kind)
