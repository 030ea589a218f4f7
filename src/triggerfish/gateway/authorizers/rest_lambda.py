"""REST API Lambda authorizers, TOKEN and REQUEST (spec §6.5).

A missing identity source, or a token failing the validation expression, is a 401 without invoking
the function. The function's policy is cached for the TTL by the identity values (REQUEST authorizers
without identity sources are never cached) and evaluated against each request's method ARN. An
``Unauthorized`` error is a 401; any other failure or an unreadable answer a 500.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.core.payloads.apigateway import RestApiEvent
from triggerfish.gateway import errors
from triggerfish.gateway.authorizers.cache import AuthorizerCache
from triggerfish.gateway.authorizers.calls import call_authorizer
from triggerfish.gateway.authorizers.identity import DEFAULT_TOKEN_SOURCE, all_present, rest_sources, rest_value
from triggerfish.gateway.authorizers.policy import Decision, InvalidPolicy, Policy, parse_policy
from triggerfish.gateway.ports import Functions
from triggerfish.gateway.request import Request
from triggerfish.gateway.response import Response
from triggerfish.services.apigateway.views import AuthorizerView, RestStageView
from triggerfish.services.lambda_.service import Scope

log = logging.getLogger(__name__)

# what a REQUEST authorizer's event carries of the proxy event (API Gateway Lambda authorizer input)
_REQUEST_MEMBERS = (
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
)


class RestAuthorizers:
    def __init__(self, functions: Functions, clock: Clock) -> None:
        self._functions = functions
        self._clock = clock
        self._cache: AuthorizerCache[Policy] = AuthorizerCache(clock)

    async def authorize(
        self,
        view: RestStageView,
        authorizer: AuthorizerView,
        request: Request,
        event: RestApiEvent,
        arn: str,
        scope: Scope,
    ) -> dict[str, Any] | Response:
        """``requestContext.authorizer`` for an allowed request, else the response refusing it."""
        if authorizer.type == "TOKEN":
            source = (rest_sources(authorizer.identity_source) or (DEFAULT_TOKEN_SOURCE,))[0]
            token = rest_value(source, request, event, view.variables)
            if not token or not _valid(authorizer.identity_validation_expression, token):
                return errors.rest_unauthorized()
            values: tuple[str, ...] | None = (token,)
            authorizer_event: dict[str, Any] = {"type": "TOKEN", "authorizationToken": token, "methodArn": arn}
            cacheable = True
        elif authorizer.type == "REQUEST":
            sources = rest_sources(authorizer.identity_source)
            values = all_present([rest_value(source, request, event, view.variables) for source in sources])
            if values is None:
                return errors.rest_unauthorized()
            proxy: Mapping[str, object] = event
            authorizer_event = {"type": "REQUEST", "methodArn": arn}
            authorizer_event.update((member, proxy[member]) for member in _REQUEST_MEMBERS)
            cacheable = bool(sources)  # without identity sources nothing keys a cached result
        else:
            _not_enforced(authorizer.type)
            return {}
        key = (view.api_id, view.stage_name, authorizer.id, values)
        policy = self._cache.get(key) if cacheable else None
        latency = 0
        if policy is None:
            refused = await self._ask(view, authorizer, authorizer_event, scope)
            if isinstance(refused, Response):
                return refused
            policy, latency = refused
            if cacheable:
                self._cache.put(key, policy, authorizer.result_ttl)
        decision = policy.decide(arn)
        if decision is not Decision.ALLOW:
            return errors.access_denied(explicit=decision is Decision.DENY)
        # context values reach the integration as strings (API Gateway Lambda authorizer output)
        context: dict[str, Any] = {name: _stringified(value) for name, value in policy.context.items()}
        context["principalId"] = policy.principal_id
        context["integrationLatency"] = latency
        return context

    async def _ask(
        self, view: RestStageView, authorizer: AuthorizerView, event: dict[str, Any], scope: Scope
    ) -> tuple[Policy, int] | Response:
        reply = await call_authorizer(
            self._functions, authorizer.authorizer_uri, view.variables, scope, event, self._clock
        )
        if reply.error_message == "Unauthorized":
            return errors.rest_unauthorized()
        if reply.failed or reply.error_message is not None:
            return errors.authorizer_failure()
        try:
            return parse_policy(reply.value, scalar_context=True), reply.latency_ms
        except InvalidPolicy as problem:
            log.warning("the authorizer %s answered an invalid policy: %s", authorizer.name, problem)
            return errors.authorizer_failure()


def _stringified(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _valid(expression: str | None, token: str) -> bool:
    """A TOKEN authorizer's identityValidationExpression must match the whole token."""
    if not expression:
        return True
    pattern = _expression(expression)
    return pattern is None or pattern.fullmatch(token) is not None


@functools.lru_cache(maxsize=256)
def _expression(text: str) -> re.Pattern[str] | None:
    try:
        return re.compile(text)
    except re.error:
        log.warning("the identity validation expression %r is not a regular expression; it is ignored", text)
        return None


@functools.cache
def _not_enforced(kind: str) -> None:
    log.warning("%s authorizers are not enforced locally: requests pass unchecked", kind)
