"""The ``json`` protocol (SQS, EventBridge, DynamoDB, DynamoDB Streams, Kinesis, CloudWatch Logs).

Requests are ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>`` and a JSON body; errors
are ``{"__type": "<Code>", "message": "..."}``.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from . import json_codec
from .dialect import malformed, query_compatible_code, unknown_operation
from .http import Headers, HttpRequest, HttpResponse
from .model import OperationModel, ServiceModel, error_shape, operation, wire_name
from .scalars import ShapeMismatch
from .wire import ParsedRequest, WireError, response_headers


class JsonProtocol:
    def parse(self, service: ServiceModel, request: HttpRequest) -> ParsedRequest:
        target = request.headers.get("x-amz-target", "")
        prefix, _, name = target.rpartition(".")
        op = operation(service, name) if prefix == service.metadata.get("targetPrefix") else None
        if op is None:
            raise unknown_operation(service, name or None)
        if not isinstance(request.body, bytes):
            raise TypeError("json protocol requests must be read before parsing")
        params: dict[str, Any] = {}
        if op.input_shape is not None and request.body.strip():
            document = _load_object(service, request.body)
            try:
                params = json_codec.decode_members(op.input_shape, document)
            except ShapeMismatch as exc:
                raise malformed(service, str(exc)) from exc
        return ParsedRequest(op, params)

    def serialize(
        self, operation: OperationModel, result: Mapping[str, Any], request_id: str, status: int | None
    ) -> HttpResponse:
        shape = operation.output_shape
        body = json_codec.dumps(json_codec.encode_members(shape, result) if shape is not None else {})
        return HttpResponse(status or 200, _headers(operation.service_model, request_id, body), body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: WireError, request_id: str
    ) -> HttpResponse:
        extra: dict[str, str] = {}
        code = error.code
        if "awsQueryCompatible" in service.metadata:
            # query-compatible services name the legacy code and fault in a header; SDKs read it first
            # (SQS Developer Guide, "JSON API responses")
            code, query_code, _ = query_compatible_code(service, error.code)
            fault = "Sender" if error.sender_fault else "Receiver"
            extra["x-amzn-query-error"] = f"{query_code};{fault}"
        document = {"__type": code, **error_document(service, code, error)}
        body = json_codec.dumps(document)
        headers = _headers(service, request_id, body).with_items(extra)
        return HttpResponse(error.status, headers, body)


def _load_object(service: ServiceModel, body: bytes) -> dict[str, Any]:
    try:
        document = json_codec.loads(body)
    except ValueError as exc:
        raise malformed(service, f"Could not parse the request body as JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise malformed(service, "The request body must be a JSON object")
    return document


def _headers(service: ServiceModel, request_id: str, body: bytes) -> Headers:
    content_type = f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"
    extra: dict[str, str] = {}
    if str(service.metadata.get("targetPrefix", "")).startswith("DynamoDB"):
        # DynamoDB and DynamoDB Streams sign every body with a CRC32 that botocore checks
        extra["x-amz-crc32"] = str(zlib.crc32(body))
    return response_headers(request_id, content_type, **extra)


def error_document(service: ServiceModel, code: str, error: WireError) -> dict[str, Any]:
    """The JSON members of an error body: the message under the name the model gives it, and fields."""
    shape = error_shape(service, code)
    members = shape.members if shape is not None else {}
    message_name = next((name for name in members if name.lower() == "message"), None)
    # the member's wire name: API Gateway v2 models ``Message`` that travels as ``message``
    message_key = wire_name(members[message_name], message_name) if message_name else "message"
    document: dict[str, Any] = {message_key: error.message}
    fields = dict(error.fields)
    if shape is not None:
        known = {name: value for name, value in fields.items() if name in members}
        document.update(json_codec.encode_members(shape, known))
        fields = {name: value for name, value in fields.items() if name not in members}
    document.update({name: json_codec.plain(value) for name, value in fields.items()})
    return document
