"""HTTP API Lambda authorizers (REQUEST), payload format 1.0 or 2.0 (spec §6.5).

Format 1.0 answers with an IAM policy; 2.0 with a policy or, with simple responses enabled,
``{"isAuthorized": bool, "context": {...}}``. A missing identity source is a 401 without invoking the
function; a refusal a 403; a failure or an unreadable answer a 500. Results are cached for the TTL by
the identity values, for every route using the authorizer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.gateway import errors
from triggerfish.gateway.authorizers.cache import AuthorizerCache
from triggerfish.gateway.authorizers.calls import call_authorizer
from triggerfish.gateway.authorizers.identity import all_present, http_value
from triggerfish.gateway.authorizers.policy import Decision, InvalidPolicy, Policy, parse_policy
from triggerfish.gateway.ports import Functions
from triggerfish.gateway.request import Request
from triggerfish.gateway.response import Response
from triggerfish.services.apigatewayv2.views import HttpAuthorizerView, HttpStageView
from triggerfish.services.lambda_.service import Scope

log = logging.getLogger(__name__)

_V2_MEMBERS = (
    "routeKey",
    "rawPath",
    "rawQueryString",
    "cookies",
    "headers",
    "queryStringParameters",
    "requestContext",
    "pathParameters",
    "stageVariables",
)
_V1_MEMBERS = ("resource", "path", "httpMethod", "headers", "queryStringParameters", "pathParameters")
_V1_MORE = ("stageVariables", "requestContext")


@dataclass(frozen=True, slots=True)
class Allowed:
    """An allowed request: the authorizer's context (and principal, for a policy answer)."""

    context: dict[str, Any] | None
    principal_id: Any
    latency_ms: int
    simple: bool

    def for_integration(self, payload_version: str) -> dict[str, Any]:
        """``requestContext.authorizer``: under ``lambda`` in 2.0 events, flat in 1.0 ones (spec §6.5)."""
        if payload_version == "2.0":
            return {"lambda": self.context}
        flat: dict[str, Any] = dict(self.context or {})
        if not self.simple:
            flat["principalId"] = self.principal_id
        flat["integrationLatency"] = self.latency_ms
        return flat


@dataclass(frozen=True, slots=True)
class _Simple:
    authorized: bool
    context: dict[str, Any] | None


class HttpAuthorizers:
    def __init__(self, functions: Functions, clock: Clock) -> None:
        self._functions = functions
        self._clock = clock
        self._cache: AuthorizerCache[Policy | _Simple] = AuthorizerCache(clock)

    async def authorize(
        self,
        view: HttpStageView,
        authorizer: HttpAuthorizerView,
        request: Request,
        v2_event: Mapping[str, Any],
        v1_event: Callable[[], Mapping[str, Any]],
        route_arn: str,
        scope: Scope,
    ) -> Allowed | Response:
        sources = authorizer.identity_sources
        values = all_present([http_value(source, request, v2_event, view.variables) for source in sources])
        if values is None:
            return errors.http_unauthorized()
        key = (view.api_id, view.stage_name, authorizer.id, values)
        cacheable = bool(sources)  # caching needs at least one identity source
        answer = self._cache.get(key) if cacheable else None
        latency = 0
        if answer is None:
            version = authorizer.payload_format_version
            event = (
                _v2_event(v2_event, sources, values, route_arn)
                if version == "2.0"
                else _v1_event(v1_event(), values, route_arn)
            )
            reply = await call_authorizer(
                self._functions,
                authorizer.authorizer_uri,
                view.variables,
                scope,
                event,
                self._clock,
            )
            if reply.failed or reply.error_message is not None:
                return errors.http_internal_error()
            try:
                answer = _read(reply.value, authorizer)
            except InvalidPolicy as problem:
                log.warning("the authorizer %s answered in an invalid format: %s", authorizer.name, problem)
                return errors.http_internal_error()
            latency = reply.latency_ms
            if cacheable:
                self._cache.put(key, answer, authorizer.result_ttl)
        if isinstance(answer, _Simple):
            if not answer.authorized:
                return errors.http_forbidden()
            return Allowed(answer.context, None, latency, simple=True)
        if answer.decide(route_arn) is not Decision.ALLOW:
            return errors.http_forbidden()
        return Allowed(answer.context or None, answer.principal_id, latency, simple=False)


def _read(value: object, authorizer: HttpAuthorizerView) -> Policy | _Simple:
    if authorizer.payload_format_version == "2.0" and authorizer.enable_simple_responses:
        if not isinstance(value, dict) or not isinstance(value.get("isAuthorized"), bool):
            raise InvalidPolicy("a simple response needs a boolean isAuthorized")
        context = value.get("context")
        if context is not None and not isinstance(context, dict):
            raise InvalidPolicy("context is not an object")
        return _Simple(value["isAuthorized"], context)
    return parse_policy(value, scalar_context=False)


def _v2_event(
    event: Mapping[str, Any], sources: tuple[str, ...], values: tuple[str, ...], route_arn: str
) -> dict[str, Any]:
    answer: dict[str, Any] = {"version": "2.0", "type": "REQUEST", "routeArn": route_arn}
    answer["identitySource"] = list(values) if sources else None
    answer.update((member, event[member]) for member in _V2_MEMBERS if member in event)
    return answer


def _v1_event(event: Mapping[str, Any], values: tuple[str, ...], route_arn: str) -> dict[str, Any]:
    identity = ",".join(values)
    answer: dict[str, Any] = {"version": "1.0", "type": "REQUEST", "methodArn": route_arn}
    answer["identitySource"] = identity
    answer["authorizationToken"] = identity
    answer.update((member, event[member]) for member in _V1_MEMBERS)
    answer.update((member, event[member]) for member in _V1_MORE)
    return answer
