"""The events of an HTTP API request, in payload format 2.0 (spec §6.2) or 1.0."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from triggerfish.core.payloads.apigateway import HttpApiEvent, HttpApiV1Event, http_api_event, http_api_v1_event
from triggerfish.gateway.binary import is_text_body
from triggerfish.gateway.proxy_headers import v1_headers, v2_headers
from triggerfish.gateway.request import Request
from triggerfish.services.apigatewayv2.views import HttpStageView


@dataclass(frozen=True, slots=True)
class HttpCall:
    """One request on its way through an HTTP API: where it is, the route it took and its ids."""

    view: HttpStageView
    request: Request
    raw_path: str  # as requested: a named stage's segment included
    route_key: str
    path_parameters: dict[str, str]
    request_id: str  # requestContext.requestId, extendedRequestId and apigw-requestid
    trace: str
    now: float


def v2_event(call: HttpCall, authorizer: dict[str, Any] | None = None) -> HttpApiEvent:
    request = call.request
    body, encoded = request_body(request)
    view = call.view
    return http_api_event(
        method=request.method,
        raw_path=call.raw_path,
        account=view.account,
        api_id=view.api_id,
        region=view.region,
        time=call.now,
        request_id=call.request_id,
        source_ip=request.source_ip,
        raw_query_string=request.query,
        headers=v2_headers(request, call.trace),
        route_key=call.route_key,
        stage=view.stage_name,
        path_parameters=call.path_parameters,
        stage_variables=view.variables,
        body=body,
        is_base64_encoded=encoded,
        domain_name=request.host or None,
        authorizer=authorizer,
    )


def v1_event(call: HttpCall, authorizer: dict[str, Any] | None = None) -> HttpApiV1Event:
    request = call.request
    body, encoded = request_body(request)
    view = call.view
    return http_api_v1_event(
        method=request.method,
        path=call.raw_path,
        route_key=call.route_key,
        stage=view.stage_name,
        account=view.account,
        api_id=view.api_id,
        region=view.region,
        time=call.now,
        request_id=call.request_id,
        source_ip=request.source_ip,
        raw_query_string=request.query,
        headers=v1_headers(request, call.trace, rest=False),
        path_parameters=call.path_parameters,
        stage_variables=view.variables,
        body=body,
        is_base64_encoded=encoded,
        domain_name=request.host or None,
        authorizer=authorizer,
    )


def request_body(request: Request) -> tuple[str | None, bool]:
    """Text for the text types, base64 for everything else (HTTP APIs and Function URLs, observed)."""
    if not request.body:
        return None, False
    if is_text_body(request.header("content-type")):
        return request.body.decode("utf-8", "replace"), False
    return base64.b64encode(request.body).decode(), True
