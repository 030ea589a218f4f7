"""The ``query`` protocol (SNS, SES): form-encoded ``Action=...`` requests and XML responses.

Nested input is flattened into dotted keys: ``Tags.member.1.Key``, ``Attributes.entry.1.key`` /
``.value``, ``Name.1`` for ``flattened`` lists, and the ``locationName`` of a member, list item, map
key or map value replaces its default name. An empty list is sent as ``Name=`` (botocore does so).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl
from xml.etree.ElementTree import Element, SubElement

from . import xml_codec
from .dialect import malformed, unknown_operation
from .http import HttpRequest, HttpResponse
from .model import (
    OperationModel,
    ServiceModel,
    Shape,
    as_list,
    as_map,
    as_structure,
    error_shape,
    operation,
    wire_name,
)
from .scalars import (
    ScalarError,
    decode_base64,
    parse_boolean,
    parse_float,
    parse_integer,
    parse_timestamp,
)
from .wire import ParsedRequest, WireError, response_headers

_CONTENT_TYPE = "text/xml"


class QueryProtocol:
    def parse(self, service: ServiceModel, request: HttpRequest) -> ParsedRequest:
        if not isinstance(request.body, bytes):
            raise TypeError("query protocol requests must be read before parsing")
        try:
            form = dict(request.query_items())
            form.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
        except UnicodeDecodeError as exc:
            raise malformed(service, "The request body is not UTF-8 form data") from exc
        name = form.get("Action")
        op = operation(service, name) if name else None
        if op is None:
            raise unknown_operation(service, name)
        params: dict[str, Any] = {}
        if op.input_shape is not None:
            reader = _FormReader(form)
            try:
                params = reader.structure(op.input_shape, "")
            except ScalarError as exc:
                raise malformed(service, str(exc)) from exc
        return ParsedRequest(op, params)

    def serialize(
        self, operation: OperationModel, result: Mapping[str, Any], request_id: str, status: int | None
    ) -> HttpResponse:
        service = operation.service_model
        root = _root(f"{operation.name}Response", service)
        shape = operation.output_shape
        if shape is not None:
            wrapper = shape.serialization.get("resultWrapper")
            target = SubElement(root, str(wrapper)) if wrapper else root
            xml_codec.encode_members(target, shape, result)
        metadata = SubElement(root, "ResponseMetadata")
        SubElement(metadata, "RequestId").text = request_id
        return HttpResponse(status or 200, response_headers(request_id, _CONTENT_TYPE), xml_codec.to_bytes(root))

    def serialize_error(
        self, service: ServiceModel, operation: OperationModel | None, error: WireError, request_id: str
    ) -> HttpResponse:
        shape = error_shape(service, error.code)
        # a modelled error travels under its "error.code", not its shape name (NotFoundException: NotFound)
        code = shape.error_code if shape is not None and shape.error_code else error.code
        root = _root("ErrorResponse", service)
        node = SubElement(root, "Error")
        SubElement(node, "Type").text = "Sender" if error.sender_fault else "Receiver"
        SubElement(node, "Code").text = code
        SubElement(node, "Message").text = error.message
        write_fields(node, shape, error.fields)
        SubElement(root, "RequestId").text = request_id
        return HttpResponse(error.status, response_headers(request_id, _CONTENT_TYPE), xml_codec.to_bytes(root))


def write_fields(node: Element, shape: Shape | None, fields: Mapping[str, object]) -> None:
    """Extra error members: modelled ones as the model says, any other as a text element."""
    members = as_structure(shape).members if shape is not None else {}
    for name, value in fields.items():
        if value is None:
            continue
        if name in members:
            xml_codec.encode(node, xml_codec.element_name(members[name], name), members[name], value)
        else:
            xml_codec.encode_text(node, name, value)


def _root(tag: str, service: ServiceModel) -> Element:
    root = Element(tag)
    namespace = service.metadata.get("xmlNamespace")
    if namespace:
        root.set("xmlns", str(namespace))
    return root


class _FormReader:
    """Reads one operation's input out of the flat form, following the shapes."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        # every dotted prefix of every key, to tell in O(1) whether anything lies under a name
        self.prefixes: set[str] = set()
        for key in form:
            parts = key.split(".")
            for end in range(1, len(parts) + 1):
                self.prefixes.add(".".join(parts[:end]))

    def structure(self, shape: Shape, prefix: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, member in as_structure(shape).members.items():
            key = wire_name(member, name)
            value = self.value(member, f"{prefix}.{key}" if prefix else key)
            if value is not None:
                result[name] = value
        return result

    def value(self, shape: Shape, key: str) -> Any:
        kind = shape.type_name
        if kind == "list":
            return self.list(shape, key)
        if key not in self.prefixes:
            return None
        if kind == "structure":
            return self.structure(shape, key)
        if kind == "map":
            return self.map(shape, key)
        text = self.form.get(key)
        return None if text is None else _scalar(shape, text)

    def list(self, shape: Shape, key: str) -> list[Any] | None:
        member = as_list(shape).member
        member_name = member.serialization.get("name")
        if shape.serialization.get("flattened"):
            # a flattened list's items take its item name in place of the list's own
            item_prefix = ".".join([*key.split(".")[:-1], str(member_name)]) if member_name else key
        else:
            item_prefix = f"{key}.{member_name or 'member'}"
        if key not in self.prefixes and f"{item_prefix}.1" not in self.prefixes:
            return None
        items: list[Any] = []
        while f"{item_prefix}.{len(items) + 1}" in self.prefixes:
            items.append(self.value(member, f"{item_prefix}.{len(items) + 1}"))
        return items

    def map(self, shape: Shape, key: str) -> dict[str, Any]:
        shape_map = as_map(shape)
        entry_prefix = key if shape.serialization.get("flattened") else f"{key}.entry"
        key_suffix = shape_map.key.serialization.get("name", "key")
        value_suffix = shape_map.value.serialization.get("name", "value")
        result: dict[str, Any] = {}
        index = 1
        while f"{entry_prefix}.{index}" in self.prefixes:
            entry = f"{entry_prefix}.{index}"
            map_key = self.form.get(f"{entry}.{key_suffix}")
            if map_key is not None:
                result[map_key] = self.value(shape_map.value, f"{entry}.{value_suffix}")
            index += 1
        return result


def _scalar(shape: Shape, text: str) -> Any:
    kind = shape.type_name
    if kind == "boolean":
        return parse_boolean(text)
    if kind in ("integer", "long"):
        return parse_integer(text)
    if kind in ("float", "double"):
        return parse_float(text)
    if kind == "timestamp":
        return parse_timestamp(text, str(shape.serialization.get("timestampFormat", "iso8601")))
    if kind == "blob":
        return decode_base64(text)
    return text
