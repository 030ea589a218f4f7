"""The ``rest-xml`` protocol (S3).

Besides the shared REST binding this handles what S3 adds: the bucket in the Host name
(virtual-hosted addressing), ``x-amz-meta-*`` metadata, streamed ``aws-chunked`` uploads with
trailing checksums, XML document roots named as S3 names them, and S3's own error document.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import quote
from xml.etree.ElementTree import Element, SubElement

from . import rest, xml_codec
from .chunked import ChunkedStream, decode_chunked, is_aws_chunked, without_aws_chunked
from .dialect import MALFORMED_XML, malformed, unknown_operation
from .errors import ProtocolError
from .http import Body, Headers, HttpRequest, HttpResponse, body_bytes
from .model import (
    OperationModel,
    ServiceModel,
    StructureShape,
    error_shape,
    is_streaming,
    payload_member,
    streaming_input_member,
    wire_name,
)
from .query import write_fields
from .s3_documents import S3_NAMESPACE, result_root_name
from .scalars import ShapeMismatch
from .wire import ParsedRequest, WireError

_XML = "application/xml"
# S3 sends its request id twice; botocore reads both (HostId from x-amz-id-2)
_HOST_ID = "triggerfish"


class RestXmlProtocol:
    def parse(self, service: ServiceModel, request: HttpRequest) -> ParsedRequest:
        matched = match_request(service, request)
        if matched is None:
            raise unknown_operation(service, None)
        op = matched.operation
        shape = op.input_shape
        if shape is None:
            return ParsedRequest(op, {})
        request = _unwrap_chunked(op, request)
        try:
            params = rest.bind_input(shape, request, matched)
        except ShapeMismatch as exc:
            # S3 rejects an unparseable header or query value as InvalidArgument
            raise ProtocolError("InvalidArgument", str(exc)) from exc
        try:
            params.update(_body_params(service, shape, request.body))
        except ShapeMismatch as exc:
            raise malformed(service, MALFORMED_XML) from exc
        return ParsedRequest(op, params)

    def serialize(
        self, operation: OperationModel, result: Mapping[str, Any], request_id: str, status: int | None
    ) -> HttpResponse:
        shape = operation.output_shape
        headers, member_status = rest.bind_output(shape, result)
        body, content_type = _body(operation, shape, result)
        all_headers = _headers(request_id, content_type).with_items(headers)
        return HttpResponse(status or member_status or rest.default_status(operation), all_headers, body)

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: WireError, request_id: str
    ) -> HttpResponse:
        if operation is not None and str(operation.http.get("method")) == "HEAD":
            # a HEAD response has no body; clients read the code from the status alone
            return HttpResponse(error.status, _headers(request_id, None), b"")
        root = Element("Error")
        SubElement(root, "Code").text = error.code
        SubElement(root, "Message").text = error.message
        write_fields(root, error_shape(service, error.code), error.fields)
        SubElement(root, "RequestId").text = request_id
        SubElement(root, "HostId").text = _HOST_ID
        return HttpResponse(error.status, _headers(request_id, _XML), xml_codec.to_bytes(root))


def virtual_host_bucket(host: str) -> str | None:
    """The bucket a virtual-hosted request names in its Host: ``b.s3.<anything>`` or ``b.localhost``."""
    if not host or host == "localhost" or _is_ip(host):
        return None
    labels = host.split(".")
    if _is_s3_label(labels[0]):
        return None  # the service's own name: s3.localhost, s3.us-east-1.amazonaws.com
    for index in range(len(labels) - 1, 0, -1):
        if _is_s3_label(labels[index]):
            return ".".join(labels[:index])
    if host.endswith(".localhost"):
        return host.removesuffix(".localhost")
    return None


def _is_s3_label(label: str) -> bool:
    return label == "s3" or label.startswith(("s3-", "s3express-"))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def match_request(service: ServiceModel, request: HttpRequest) -> rest.Match | None:
    """The operation of a path-style or virtual-hosted request.

    A name before the domain is usually a bucket, but operations with a ``hostPrefix``
    (``WriteGetObjectResponse`` sends ``<route>.<domain>``) put something else there, so the
    request's own path is tried when the bucket reading finds nothing.
    """
    path = request.path or "/"
    bucket = virtual_host_bucket(request.host)
    if bucket is not None:
        hosted = "/" + quote(bucket, safe="") + ("" if path == "/" else path)
        matched = rest.match(service, request.method, hosted, request.query_string, request.headers)
        if matched is not None:
            return matched
    return rest.match(service, request.method, path, request.query_string, request.headers)


def _unwrap_chunked(op: OperationModel, request: HttpRequest) -> HttpRequest:
    """Decode an aws-chunked upload; its trailers (checksums) become headers when known."""
    if streaming_input_member(op) is None or not is_aws_chunked(request.headers):
        return request
    headers = request.headers
    fixed: dict[str, str] = {}
    if "x-amz-decoded-content-length" in headers:
        fixed["Content-Length"] = headers["x-amz-decoded-content-length"]
    encoding = without_aws_chunked(headers.get("content-encoding", ""))
    headers = (
        headers.without("content-encoding") if not encoding else headers.with_items({"Content-Encoding": encoding})
    )
    if isinstance(request.body, bytes):
        decoded = decode_chunked(request.body, request.headers)
        return replace(request, body=decoded.data, headers=headers.with_items({**decoded.trailers, **fixed}))
    return replace(request, body=ChunkedStream(request.body, request.headers), headers=headers.with_items(fixed))


def _body_params(service: ServiceModel, shape: StructureShape, body: Body) -> dict[str, Any]:
    payload = payload_member(shape)
    if payload is not None:
        member = shape.members[payload]
        if member.type_name == "blob" and is_streaming(member):
            return {payload: body}
        data = body_bytes(body)
        if member.type_name == "blob":
            return {payload: data} if data else {}
        if member.type_name == "string":
            return {payload: data.decode("utf-8")} if data else {}
        if not data.strip():
            return {}
        return {payload: xml_codec.decode_members(member, _document(service, data), payload)}
    data = body_bytes(body)
    if not data.strip() or not rest.has_body_members(shape):
        return {}
    return xml_codec.decode_members(shape, _document(service, data), "")


def _document(service: ServiceModel, data: bytes) -> Element:
    try:
        return xml_codec.parse_document(data)
    except ValueError as exc:
        # S3's wording for any body that does not parse (S3 "Error responses")
        raise malformed(
            service,
            "The XML you provided was not well-formed or did not validate against our published schema",
        ) from exc


def _body(
    operation: OperationModel, shape: StructureShape | None, result: Mapping[str, Any]
) -> tuple[Body, str | None]:
    if shape is None:
        return b"", None
    payload = payload_member(shape)
    if payload is not None:
        member = shape.members[payload]
        value = result.get(payload)
        if value is None:
            return b"", None
        if member.type_name in ("blob", "string"):
            if isinstance(value, str):
                return value.encode("utf-8"), None
            return (bytes(value) if isinstance(value, bytes | bytearray) else value), None
        root = Element(wire_name(member, payload), {"xmlns": S3_NAMESPACE})
        xml_codec.encode_members(root, member, value)
        return xml_codec.to_bytes(root), _XML
    if not rest.has_body_members(shape):
        return b"", None
    root = Element(result_root_name(operation.name, shape.name), {"xmlns": S3_NAMESPACE})
    if operation.name == "GetBucketLocation":
        # the location is the root's own text, empty for us-east-1 (botocore reads it specially)
        root.text = str(result.get("LocationConstraint") or "")
    else:
        xml_codec.encode_members(root, shape, result)
    return xml_codec.to_bytes(root), _XML


def _headers(request_id: str, content_type: str | None) -> Headers:
    items = {"x-amz-request-id": request_id, "x-amz-id-2": _HOST_ID}
    if content_type:
        items["Content-Type"] = content_type
    return Headers(items)
