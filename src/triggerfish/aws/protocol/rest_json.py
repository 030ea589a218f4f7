"""The ``rest-json`` protocol (Lambda, EventBridge Scheduler, API Gateway v2).

The operation comes from method and URI template; members bind to labels, query parameters and
headers, the rest is a JSON body, or the raw body when the input names a blob ``payload`` (Lambda
``Invoke``). Errors name their code in ``x-amzn-ErrorType``, which botocore reads first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import json_codec, rest
from .dialect import dialect_for, malformed, unknown_operation
from .http import Body, HttpRequest, HttpResponse, body_bytes
from .json_protocol import error_document
from .model import OperationModel, ServiceModel, StructureShape, error_shape, is_streaming, payload_member
from .scalars import ShapeMismatch
from .wire import ParsedRequest, WireError, response_headers

_JSON = "application/json"


class RestJsonProtocol:
    def parse(self, service: ServiceModel, request: HttpRequest) -> ParsedRequest:
        matched = rest.match(service, request.method, request.path, request.query_string, request.headers)
        if matched is None:
            raise unknown_operation(service, None)
        op = matched.operation
        shape = op.input_shape
        if shape is None:
            return ParsedRequest(op, {})
        try:
            params = rest.bind_input(shape, request, matched)
            params.update(_body_params(service, shape, request.body))
        except ShapeMismatch as exc:
            raise malformed(service, str(exc)) from exc
        return ParsedRequest(op, params)

    def serialize(
        self, operation: OperationModel, result: Mapping[str, Any], request_id: str, status: int | None
    ) -> HttpResponse:
        shape = operation.output_shape
        headers, member_status = rest.bind_output(shape, result)
        body, content_type = _body(shape, result)
        final_status = status or member_status or rest.default_status(operation)
        all_headers = response_headers(request_id, content_type).with_items(headers)
        return HttpResponse(final_status, all_headers, body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: WireError, request_id: str
    ) -> HttpResponse:
        document = error_document(service, error.code, error)
        fault_member = dialect_for(service).fault_member
        if fault_member and fault_member not in document:
            document[fault_member] = "User" if error.sender_fault else "Service"
        header_members, _ = rest.bind_output(error_shape(service, error.code), error.fields)
        headers = response_headers(request_id, _JSON, **{"x-amzn-ErrorType": error.code}).with_items(header_members)
        return HttpResponse(error.status, headers, json_codec.dumps(document))


def _body_params(service: ServiceModel, shape: StructureShape, body: Body) -> dict[str, Any]:
    payload = payload_member(shape)
    if payload is not None:
        member = shape.members[payload]
        if member.type_name == "blob" and is_streaming(member) and not isinstance(body, bytes):
            return {payload: body}
        data = body_bytes(body)
        if member.type_name == "blob":
            return {payload: data} if data else {}
        if member.type_name == "string":
            return {payload: data.decode("utf-8")} if data else {}
        return {payload: json_codec.decode(member, _document(service, data), payload)} if data.strip() else {}
    data = body_bytes(body)
    if not data.strip():
        return {}
    document = _document(service, data)
    if not isinstance(document, dict):
        raise malformed(service, "The request body must be a JSON object")
    return json_codec.decode_members(shape, document)


def _document(service: ServiceModel, data: bytes) -> Any:
    try:
        return json_codec.loads(data)
    except ValueError as exc:
        raise malformed(service, str(exc)) from exc


def _body(shape: StructureShape | None, result: Mapping[str, Any]) -> tuple[Body, str | None]:
    if shape is None:
        return b"", None
    payload = payload_member(shape)
    if payload is not None:
        member = shape.members[payload]
        value = result.get(payload)
        if member.type_name in ("blob", "string"):
            if value is None:
                return b"", None
            if isinstance(value, str):
                return value.encode("utf-8"), "text/plain"
            raw: Body = bytes(value) if isinstance(value, bytes | bytearray) else value
            return raw, "application/octet-stream"
        if value is None:
            return b"{}", _JSON
        return json_codec.dumps(json_codec.encode(member, value)), _JSON
    if not rest.has_body_members(shape):
        return b"", None
    return json_codec.dumps(json_codec.encode_members(shape, result)), _JSON
