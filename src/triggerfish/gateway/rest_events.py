"""The payload 1.0 event of a REST API request (spec §6.1), from the request and the route it took."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from triggerfish.core.payloads.apigateway import RestApiEvent, rest_api_event
from triggerfish.core.payloads.http_request import query_pairs
from triggerfish.gateway.binary import BinaryMediaTypes
from triggerfish.gateway.proxy_headers import v1_headers
from triggerfish.gateway.request import Request
from triggerfish.gateway.rest_router import RestRoute
from triggerfish.services.apigateway.views import RestStageView


@dataclass(frozen=True, slots=True)
class StagePath:
    """``//stage//a//b`` -> stage ``stage``, path ``/a//b``, context path ``/stage//a//b`` (observed:
    leading slashes collapse, and so do the ones after the stage; the others stay)."""

    stage: str
    path: str
    context_path: str


def split_stage(raw_path: str) -> StagePath | None:
    stripped = raw_path.lstrip("/")
    stage, _, rest = stripped.partition("/")
    if not stage:
        return None
    return StagePath(stage, "/" + rest.lstrip("/"), "/" + stripped)


@dataclass(frozen=True, slots=True)
class RequestIds:
    request_id: str  # requestContext.requestId and x-amzn-RequestId
    extended: str  # extendedRequestId and x-amz-apigw-id
    trace: str  # X-Amzn-Trace-Id


def rest_event(
    view: RestStageView,
    route: RestRoute,
    request: Request,
    where: StagePath,
    ids: RequestIds,
    now: float,
    binary: BinaryMediaTypes,
) -> RestApiEvent:
    body, encoded = request_body(request, binary)
    return rest_api_event(
        method=request.method,
        path=where.path,
        resource=route.resource.path,
        stage=view.stage_name,
        account=view.account,
        api_id=view.api_id,
        region=view.region,
        time=now,
        request_id=ids.request_id,
        extended_request_id=ids.extended,
        resource_id=route.resource.id,
        deployment_id=view.deployment_id,
        source_ip=request.source_ip,
        headers=v1_headers(request, ids.trace, rest=True),
        query=query_pairs(request.query) if request.query else (),
        path_parameters=route.path_parameters,
        stage_variables=view.variables,
        body=body,
        is_base64_encoded=encoded,
        domain_name=request.host or None,
        context_path=where.context_path,
    )


def request_body(request: Request, binary: BinaryMediaTypes) -> tuple[str | None, bool]:
    """The body as the event carries it: base64 when its Content-Type is a binary media type, else text."""
    if not request.body:
        return None, False
    if binary.matches(request.header("content-type")):
        return base64.b64encode(request.body).decode(), True
    return request.body.decode("utf-8", "replace"), False
