"""A function's result turned into a Function URL's response (spec §6.6): payload 2.0 as HTTP APIs read
it, except that a structured response without a Content-Type is ``application/json`` (observed), and a
function error or an unreadable result is a plain-text 502."""

from __future__ import annotations

import logging

from triggerfish.gateway import errors
from triggerfish.gateway.http_responses import v2_response
from triggerfish.gateway.response import JSON_TYPE, Response
from triggerfish.gateway.rest_responses import MalformedResponse
from triggerfish.services.lambda_.records import InvokeResult

log = logging.getLogger(__name__)


def url_response(result: InvokeResult, function_name: str) -> Response:
    if result.function_error is not None:
        return errors.url_function_error()
    try:
        return v2_response(result.payload, JSON_TYPE)
    except MalformedResponse as problem:
        log.warning("%s: malformed Function URL response: %s", function_name, problem)
        return errors.url_function_error()
