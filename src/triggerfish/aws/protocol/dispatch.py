"""Parsing requests and writing responses in whatever protocol the service model speaks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import rest
from .dialect import dialect_for, query_compatible_code, validation_error
from .errors import ErrorLike
from .http import HttpRequest, HttpResponse, read_body
from .json_protocol import JsonProtocol
from .model import OperationModel, ServiceModel, error_shape, protocol_of, streaming_input_member
from .query import QueryProtocol
from .rest_json import RestJsonProtocol
from .rest_xml import RestXmlProtocol, match_request
from .validation import find_violations
from .wire import ParsedRequest, WireError, WireProtocol

_PROTOCOLS: dict[str, WireProtocol] = {
    "json": JsonProtocol(),
    "query": QueryProtocol(),
    "rest-json": RestJsonProtocol(),
    "rest-xml": RestXmlProtocol(),
}


class UnsupportedProtocol(LookupError):
    pass


def _protocol(service: ServiceModel) -> WireProtocol:
    name = protocol_of(service)
    try:
        return _PROTOCOLS[name]
    except KeyError:
        raise UnsupportedProtocol(f"{service.service_name} speaks {name}, which triggerfish does not") from None


def parse_request(service: ServiceModel, request: HttpRequest, *, validate: bool = True) -> ParsedRequest:
    """The operation and its parameters; raises :class:`~.errors.ProtocolError` subclasses.

    The body must be ``bytes`` unless the operation streams its input (see :func:`wants_stream`),
    in which case a stream body is handed on, decoded, as the payload member's value.
    """
    parsed = _protocol(service).parse(service, request)
    if validate:
        check_constraints(service, parsed)
    return parsed


def check_constraints(service: ServiceModel, parsed: ParsedRequest) -> None:
    shape = parsed.operation.input_shape
    if shape is None:
        return
    violations = find_violations(shape, parsed.params, constraints=dialect_for(service).check_constraints)
    if violations:
        raise validation_error(service, violations)


def wants_stream(service: ServiceModel, request: HttpRequest) -> bool:
    """Whether the request's operation takes its body as a stream, judged without reading it."""
    name = protocol_of(service)
    if name not in ("rest-json", "rest-xml"):
        return False
    if name == "rest-xml":
        matched = match_request(service, request)
    else:
        matched = rest.match(service, request.method, request.path, request.query_string, request.headers)
    return matched is not None and streaming_input_member(matched.operation) is not None


async def receive_request(
    service: ServiceModel, request: HttpRequest, *, limit: int | None = None, validate: bool = True
) -> ParsedRequest:
    """:func:`parse_request` for a request whose body may not be read yet: reads it unless it streams."""
    if not isinstance(request.body, bytes) and not wants_stream(service, request):
        request = await read_body(request, limit=limit)
    return parse_request(service, request, validate=validate)


def serialize_response(
    operation: OperationModel,
    result: Mapping[str, Any],
    request_id: str,
    *,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The response for an operation's result; ``status`` and ``headers`` override the model's."""
    service = operation.service_model
    response = _protocol(service).serialize(operation, result, request_id, status)
    if headers:
        response = replace(response, headers=response.headers.with_items(headers))
    return response


def serialize_error(
    service: ServiceModel,
    operation: OperationModel | None,
    code: str,
    message: str,
    *,
    request_id: str,
    status: int | None = None,
    sender_fault: bool | None = None,
    fields: Mapping[str, object] | None = None,
) -> HttpResponse:
    """An error response. Status and fault default to the model's for a modelled error code."""
    error = _resolve(service, code, message, status, sender_fault, fields or {})
    return _protocol(service).serialize_error(service, operation, error, request_id)


def error_response(
    service: ServiceModel, operation: OperationModel | None, error: ErrorLike, request_id: str
) -> HttpResponse:
    """The response for a protocol error or a service's ``TriggerfishError``."""
    return serialize_error(
        service,
        operation,
        error.code,
        error.message,
        request_id=request_id,
        status=error.status,
        sender_fault=error.sender_fault,
        fields=error.fields,
    )


def _resolve(
    service: ServiceModel,
    code: str,
    message: str,
    status: int | None,
    sender_fault: bool | None,
    fields: Mapping[str, object],
) -> WireError:
    shape = error_shape(service, code)
    modelled: Mapping[str, Any] = shape.metadata.get("error", {}) if shape is not None else {}
    if status is None:
        status = modelled.get("httpStatusCode") or query_compatible_code(service, code)[2]
    if status is None:
        status = 500 if sender_fault is False else 400
    if sender_fault is None:
        sender_fault = bool(modelled.get("senderFault", status < 500))
    return WireError(code, message, int(status), sender_fault, dict(fields))
