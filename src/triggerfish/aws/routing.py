"""Which service an incoming AWS request is for, and in which region.

SDKs say it in several places, tried in this order:

1. the SigV4 credential scope, ``Credential=AKID/20250101/us-east-1/sqs/aws4_request``, in the
   ``Authorization`` header or, for a presigned URL, the ``X-Amz-Credential`` query parameter;
   services that share a signing name (``dynamodb`` and DynamoDB Streams, ``apigateway`` v1 and
   v2) are told apart by target prefix or path;
2. ``X-Amz-Target: <targetPrefix>.<Operation>`` (the ``json`` protocol);
3. the Host: ``bucket.s3.<domain>`` or ``bucket.localhost`` is S3, ``<endpointPrefix>.<region>.<domain>``
   is that service;
4. the path: Lambda's dated ``/2015-03-31/functions...``, Scheduler's ``/schedules``, API Gateway
   v2's ``/v2/``, SES v2's ``/v2/email/``;
5. an ``Action`` query parameter names a ``query``-protocol operation;
6. anything else unsigned is S3 (public objects, presigned SigV2 URLs).

A request in a protocol none of our services speaks (Smithy RPC v2 CBOR, ``/service/<name>/operation/<op>``)
or naming an ``X-Amz-Target`` prefix none of them has is for a service we do not serve, even when it
shares a signing name with one we do (CloudWatch Mail Manager signs as ``ses``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from .protocol import (
    HttpRequest,
    HttpResponse,
    ServiceModel,
    UnsupportedProtocol,
    load_service,
    protocol_of,
    serialize_error,
)
from .protocol.http import Headers
from .protocol.json_codec import dumps
from .protocol.model import UnknownService
from .protocol.rest_xml import virtual_host_bucket

DEFAULT_REGION = "us-east-1"

SUPPORTED_SERVICES = frozenset(
    {
        "apigateway",
        "apigatewayv2",
        "dynamodb",
        "dynamodbstreams",
        "events",
        "kinesis",
        "lambda",
        "logs",
        "s3",
        "scheduler",
        "ses",
        "sesv2",
        "sns",
        "sqs",
    }
)

_SCOPE = re.compile(r"Credential=([^/,\s]*)/(\d{8})/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
_QUERY_SCOPE = re.compile(r"^[^/]*/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
_DATED_PATH = re.compile(r"^/\d{4}-\d{2}-\d{2}/")
#: Smithy RPC v2 CBOR puts the operation in the path (botocore's smithy-rpc-v2-cbor serializer)
_RPC_V2_PATH = re.compile(r"^/service/([^/]+)/operation/([^/]+)$")

#: signing names (the credential scope's service) that differ from the botocore model's name, for the
#: services a fallback commonly answers; used to name them and to answer errors in their own protocol
_MODEL_BY_SIGNING_NAME = {
    "access-analyzer": "accessanalyzer",
    "airflow": "mwaa",
    "aoss": "opensearchserverless",
    "aps": "amp",
    "cloudcontrolapi": "cloudcontrol",
    "elasticfilesystem": "efs",
    "elasticloadbalancing": "elbv2",
    "elasticmapreduce": "emr",
    "geo": "location",
    "iotdata": "iot-data",
    "mobiletargeting": "pinpoint",
    "monitoring": "cloudwatch",
    "servicequotas": "service-quotas",
    "sso-oauth": "sso-oidc",
    "states": "stepfunctions",
    "tagging": "resourcegroupstaggingapi",
}


@dataclass(frozen=True, slots=True)
class ServiceRoute:
    #: the botocore model name (``sqs``, ``dynamodbstreams``, ``apigatewayv2``...)
    service: str
    region: str


@dataclass(frozen=True, slots=True)
class UnsupportedService:
    #: the service as the request names it (signing name, target prefix or host label)
    service: str
    region: str
    operation: str | None

    @property
    def message(self) -> str:
        operation = f" operation {self.operation}" if self.operation else " this request"
        return f"triggerfish does not implement the {self.service} service, so it cannot serve{operation}"


Routed = ServiceRoute | UnsupportedService


def route(request: HttpRequest, supported: Iterable[str] = SUPPORTED_SERVICES) -> Routed:
    known = frozenset(supported)
    signing, region = _credential_scope(request)
    region = region or DEFAULT_REGION
    target_prefix, _, target_operation = request.headers.get("x-amz-target", "").rpartition(".")
    by_target = _target_prefixes(known).get(target_prefix) if target_prefix else None

    if _foreign_protocol(request, target_prefix, by_target):
        rpc_service, rpc_operation = _rpc_v2_names(request)
        named = target_prefix or rpc_service
        # a signing name we serve is shared with the foreign service: what the request names is clearer
        name = model_name(signing) if signing and signing not in _signing_names(known) else named
        return UnsupportedService(name, region, target_operation or rpc_operation or None)
    if signing:
        candidates = _signing_names(known).get(signing, [])
        chosen = by_target if by_target in candidates else _by_path(candidates, request.path)
        sibling = _unserved_sibling(signing, request.path)
        if chosen is None and sibling in candidates:
            chosen = sibling  # the sibling the path names is one we serve after all
        if chosen is None and len(candidates) == 1 and sibling is None:
            chosen = candidates[0]
        if chosen is not None:
            return ServiceRoute(chosen, region)
        return UnsupportedService(model_name(sibling or signing), region, target_operation or _action(request))
    if by_target is not None:
        return ServiceRoute(by_target, region)
    found = _by_host(known, request.host) or _by_path(sorted(known), request.path)
    found = found or _by_action(known, request) or "s3"
    if found == "ses" and request.path.startswith("/v2/"):
        found = "sesv2"  # both answer at the "email" endpoint prefix; v2's paths start /v2/
    return ServiceRoute(found, region) if found in known else UnsupportedService(found, region, None)


def model_name(name: str) -> str:
    """The botocore model name of a service named by its signing name (``monitoring`` -> ``cloudwatch``)."""
    return _MODEL_BY_SIGNING_NAME.get(name, name)


def _foreign_protocol(request: HttpRequest, target_prefix: str, by_target: str | None) -> bool:
    """Whether the request speaks a protocol, or names a JSON target, that none of our services has."""
    if target_prefix and by_target is None:
        return True
    return request.headers.get("smithy-protocol", "") == "rpc-v2-cbor" and bool(_RPC_V2_PATH.match(request.path))


def _rpc_v2_names(request: HttpRequest) -> tuple[str, str]:
    """The service and operation a Smithy RPC v2 path names, or empty strings."""
    match = _RPC_V2_PATH.match(request.path)
    return (match.group(1), match.group(2)) if match else ("", "")


def _credential_scope(request: HttpRequest) -> tuple[str | None, str | None]:
    match = _SCOPE.search(request.headers.get("authorization", ""))
    if match:
        return match.group(4), match.group(3)
    credential = dict(parse_qsl(request.query_string)).get("X-Amz-Credential", "")
    query_match = _QUERY_SCOPE.match(credential)
    if query_match:
        return query_match.group(2), query_match.group(1)
    return None, None


@functools.cache
def _target_prefixes(known: frozenset[str]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for name in known:
        prefix = load_service(name).metadata.get("targetPrefix")
        if prefix:
            prefixes[str(prefix)] = name
    return prefixes


@functools.cache
def _signing_names(known: frozenset[str]) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for name in sorted(known):
        metadata = load_service(name).metadata
        signing = metadata.get("signingName") or metadata.get("endpointPrefix") or name
        names.setdefault(str(signing), []).append(name)
    return names


@functools.cache
def _endpoint_prefixes(known: frozenset[str]) -> dict[str, str]:
    prefixes: dict[str, str] = {}
    for name in sorted(known):  # services sharing a prefix (ses, sesv2: "email"): the first name, always
        prefixes.setdefault(str(load_service(name).metadata.get("endpointPrefix", name)), name)
    return prefixes


def _by_path(candidates: Iterable[str], path: str) -> str | None:
    """Services recognised by their REST paths alone."""
    for name in candidates:
        if name == "lambda" and _DATED_PATH.match(path):
            return name
        if name == "scheduler" and path.startswith(("/schedules", "/schedule-groups")):
            return name
        if name == "apigatewayv2" and path.startswith("/v2/") and not path.startswith("/v2/email"):
            return name
        if name == "sesv2" and path.startswith("/v2/email/"):
            return name
    return None


def _unserved_sibling(signing: str, path: str) -> str | None:
    """Which of the AWS services sharing a signing name the path belongs to (served or not)."""
    if signing == "apigateway":
        # API Gateway v1 (REST APIs) signs as v2 (HTTP APIs) does; only v2's paths start /v2/
        return "apigatewayv2" if path.startswith("/v2/") else "apigateway"
    if signing == "ses":
        # SES v1 (query) and v2 (rest-json) share the signing name; only v2's paths start /v2/
        return "sesv2" if path.startswith("/v2/") else "ses"
    return None


def _by_host(known: frozenset[str], host: str) -> str | None:
    labels = host.split(".")
    # <endpointPrefix>.<region>.<domain>; DynamoDB Streams' prefix spans two labels
    for size in (2, 1):
        if len(labels) > size and _REGION.match(labels[size]):
            found = _endpoint_prefixes(known).get(".".join(labels[:size]))
            if found:
                return found
    if virtual_host_bucket(host) is not None or labels[0] == "s3":
        return "s3"
    return None


def _action(request: HttpRequest) -> str | None:
    params = dict(request.query_items())
    if "Action" not in params and isinstance(request.body, bytes) and b"Action=" in request.body[:4096]:
        params.update(parse_qsl(request.body.decode("latin-1")))
    return params.get("Action")


def _by_action(known: frozenset[str], request: HttpRequest) -> str | None:
    action = _action(request)
    if not action:
        return None
    for name in sorted(known):
        service = load_service(name)
        if protocol_of(service) == "query" and action in service.operation_names:
            return name
    return None


def not_implemented(unsupported: UnsupportedService, request_id: str, *, hint: str | None = None) -> HttpResponse:
    """A 501 naming the service and operation, in that service's own protocol when botocore knows it;
    ``hint`` (how to have the service answered after all) completes the sentence."""
    message = f"{unsupported.message}; {hint}" if hint else unsupported.message
    return service_error(unsupported.service, "NotImplemented", message, request_id, status=501)


def service_model(name: str) -> ServiceModel | None:
    """The botocore model of a service named by its model or signing name, if botocore has one."""
    try:
        return load_service(model_name(name))
    except UnknownService:
        return None


def service_error(name: str, code: str, message: str, request_id: str, *, status: int) -> HttpResponse:
    """An error answer in the named service's own protocol, or a JSON one when that protocol is unknown."""
    service = service_model(name)
    if service is not None:
        try:
            return serialize_error(
                service, None, code, message, request_id=request_id, status=status, sender_fault=status < 500
            )
        except UnsupportedProtocol:
            pass
    body = dumps({"__type": code, "message": message})
    headers = Headers({"Content-Type": "application/json", "x-amzn-RequestId": request_id})
    return HttpResponse(status, headers, body)
