"""The AWS wire protocols, driven by botocore's service models.

One parser and one serializer per protocol (``json``, ``query``, ``rest-json``, ``rest-xml``),
over framework-free HTTP values::

    service = load_service("sqs")
    parsed = parse_request(service, HttpRequest("POST", "/", headers=..., body=...))
    result = provider.call(parsed.name, parsed.params)
    response = serialize_response(parsed.operation, result, request_id)

Errors raised while parsing are :class:`ProtocolError` subclasses carrying the code, message and
status the service would answer with; :func:`error_response` writes them, and any service error
with the same attributes.
"""

from __future__ import annotations

from .chunked import ChunkedStream
from .dispatch import (
    UnsupportedProtocol,
    check_constraints,
    error_response,
    parse_request,
    receive_request,
    serialize_error,
    serialize_response,
    wants_stream,
)
from .errors import ErrorLike, MalformedRequest, ProtocolError, UnknownOperation, ValidationFailed, Violation
from .http import Body, BodyTooLarge, ByteStream, Headers, HttpRequest, HttpResponse, read_body
from .model import OperationModel, ServiceModel, UnknownService, load_service, protocol_of
from .wire import Params, ParsedRequest

__all__ = [
    "Body",
    "BodyTooLarge",
    "ByteStream",
    "ChunkedStream",
    "ErrorLike",
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "MalformedRequest",
    "OperationModel",
    "Params",
    "ParsedRequest",
    "ProtocolError",
    "ServiceModel",
    "UnknownOperation",
    "UnknownService",
    "UnsupportedProtocol",
    "ValidationFailed",
    "Violation",
    "check_constraints",
    "error_response",
    "load_service",
    "parse_request",
    "protocol_of",
    "read_body",
    "receive_request",
    "serialize_error",
    "serialize_response",
    "wants_stream",
]
