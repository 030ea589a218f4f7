"""A Lambda proxy integration's call: the function its URI names, invoked within the integration's timeout,
and the outcome as the client's response. REST and HTTP APIs differ only in which error answers what."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import orjson

from triggerfish.core.clock import Clock
from triggerfish.gateway.integration_uri import function_arn
from triggerfish.gateway.invoke import Completed, OnTimeout, Rejected, invoke
from triggerfish.gateway.ports import Functions
from triggerfish.gateway.response import Response
from triggerfish.gateway.rest_responses import MalformedResponse
from triggerfish.services.lambda_.service import Scope

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProxyErrors:
    """The API type's answers (spec §6.4)."""

    function_failed: Callable[[], Response]  # a function error or a malformed result
    not_invoked: Callable[[], Response]  # the URI names no function, or Invoke refused the call
    timed_out: Callable[[], Response]


async def call_proxy(
    functions: Functions,
    uri: str | None,
    variables: Mapping[str, str],
    event: Mapping[str, object],
    scope: Scope,
    *,
    timeout_ms: int,
    clock: Clock,
    on_timeout: OnTimeout,
    to_response: Callable[[bytes], Response],
    answers: ProxyErrors,
) -> Response:
    arn = function_arn(uri, variables)
    if arn is None:
        log.warning("the integration URI %r names no Lambda function", uri)
        return answers.not_invoked()
    outcome = await invoke(
        functions, arn, orjson.dumps(event), scope, timeout=timeout_ms / 1000, clock=clock, on_timeout=on_timeout
    )
    if isinstance(outcome, Completed):
        result = outcome.result
        if result.function_error is not None:
            return answers.function_failed()
        try:
            return to_response(result.payload)
        except MalformedResponse as problem:
            log.warning("%s: malformed Lambda proxy response: %s", arn, problem)
            return answers.function_failed()
    if isinstance(outcome, Rejected):
        log.warning("%s could not be invoked: %s", arn, outcome.error.message)
        return answers.not_invoked()
    return answers.timed_out()
