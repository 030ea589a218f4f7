"""Invoking an authorizer function and reading what it answered."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from triggerfish.core.clock import Clock
from triggerfish.gateway.integration_uri import function_arn
from triggerfish.gateway.invoke import Completed, Rejected, invoke
from triggerfish.gateway.ports import Functions
from triggerfish.services.lambda_.service import Scope

log = logging.getLogger(__name__)

#: HTTP API Lambda authorizers time out after 10 seconds (spec §6.5)
AUTHORIZER_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Reply:
    value: object  # the function's JSON result
    error_message: str | None  # the errorMessage of a function error
    failed: bool  # not invoked, timed out, or not JSON: the authorizer could not be used
    latency_ms: int


async def call_authorizer(
    functions: Functions,
    uri: str | None,
    stage_variables: Mapping[str, str],
    scope: Scope,
    event: object,
    clock: Clock,
) -> Reply:
    started = clock.now()
    arn = function_arn(uri, stage_variables)
    if arn is None:
        log.warning("the authorizer URI %r names no Lambda function", uri)
        return Reply(None, None, True, 0)
    outcome = await invoke(functions, arn, orjson.dumps(event), scope, timeout=AUTHORIZER_TIMEOUT, clock=clock)
    latency = round((clock.now() - started) * 1000)
    if isinstance(outcome, Rejected):
        log.warning("the authorizer %s could not be invoked: %s", arn, outcome.error.message)
        return Reply(None, None, True, latency)
    if not isinstance(outcome, Completed):
        log.warning("the authorizer %s timed out", arn)
        return Reply(None, None, True, latency)
    result = outcome.result
    try:
        value = orjson.loads(result.payload) if result.payload else None
    except orjson.JSONDecodeError:
        return Reply(None, None, True, latency)
    if result.function_error is not None:
        message = value.get("errorMessage") if isinstance(value, dict) else None
        return Reply(None, message if isinstance(message, str) else "", False, latency)
    return Reply(value, None, False, latency)
