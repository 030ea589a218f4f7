"""Shape-directed conversion between XML elements and parameter values (``query`` responses, ``rest-xml``).

Element names follow the model: a member travels under its ``locationName``; a list is a wrapper of
``<member>`` items unless ``flattened``; a map is a wrapper of ``<entry><key/><value/></entry>``
unless ``flattened``. Namespace prefixes are written literally, as the services write them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element, ParseError, SubElement, XMLParser, tostring

from .model import Shape, as_list, as_map, as_structure, location, timestamp_format, wire_name
from .scalars import (
    ScalarError,
    ShapeMismatch,
    decode_base64,
    encode_base64,
    format_text,
    format_timestamp,
    parse_boolean,
    parse_float,
    parse_integer,
    parse_timestamp,
)

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def element_name(member: Shape, member_name: str) -> str:
    """A flattened list's items are named after its member's ``locationName`` when it has one."""
    if member.type_name == "list" and member.serialization.get("flattened"):
        item_name = as_list(member).member.serialization.get("name")
        if item_name:
            return str(item_name)
    return wire_name(member, member_name)


# --- writing ---------------------------------------------------------------------------------


def to_bytes(root: Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8")


def encode_members(parent: Element, shape: Shape, value: Mapping[str, Any]) -> None:
    """Write the structure's body members into ``parent`` (attributes included)."""
    for name, member in as_structure(shape).members.items():
        item = value.get(name)
        if item is None or location(member) is not None:
            continue
        if member.serialization.get("xmlAttribute"):
            parent.set(wire_name(member, name), _text(member, item))
            continue
        encode(parent, element_name(member, name), member, item)


def encode(parent: Element, tag: str, shape: Shape, value: Any) -> None:
    kind = shape.type_name
    if kind == "structure":
        node = SubElement(parent, tag)
        _namespace(node, shape)
        encode_members(node, shape, value)
    elif kind == "list":
        member = as_list(shape).member
        if shape.serialization.get("flattened"):
            for item in value:
                encode(parent, tag, member, item)
        else:
            wrapper = SubElement(parent, tag)
            _namespace(wrapper, shape)
            item_tag = str(member.serialization.get("name", "member"))
            for item in value:
                encode(wrapper, item_tag, member, item)
    elif kind == "map":
        _encode_map(parent, tag, shape, value)
    else:
        node = SubElement(parent, tag)
        _namespace(node, shape)
        node.text = _text(shape, value)


def encode_text(parent: Element, tag: str, value: object) -> None:
    """A value with no shape to follow, such as an unmodelled error field."""
    SubElement(parent, tag).text = format_text(value)


def _encode_map(parent: Element, tag: str, shape: Shape, value: Mapping[str, Any]) -> None:
    shape_map = as_map(shape)
    key_tag = str(shape_map.key.serialization.get("name", "key"))
    value_tag = str(shape_map.value.serialization.get("name", "value"))
    flattened = bool(shape.serialization.get("flattened"))
    wrapper = parent if flattened else SubElement(parent, tag)
    for key, item in value.items():
        entry = SubElement(wrapper, tag if flattened else "entry")
        encode(entry, key_tag, shape_map.key, key)
        encode(entry, value_tag, shape_map.value, item)


def _namespace(node: Element, shape: Shape) -> None:
    namespace = shape.serialization.get("xmlNamespace")
    if isinstance(namespace, Mapping):
        prefix = namespace.get("prefix")
        node.set(f"xmlns:{prefix}" if prefix else "xmlns", str(namespace["uri"]))
    elif isinstance(namespace, str):
        node.set("xmlns", namespace)


def _text(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "timestamp":
        return str(format_timestamp(value, timestamp_format(shape, "iso8601")))
    if kind == "blob":
        return encode_base64(value)
    return format_text(value)


# --- reading ---------------------------------------------------------------------------------


def parse_document(body: bytes) -> Element:
    """Parse an XML body; raises ``ValueError``. DTDs are refused: no request needs one."""
    if _DECLARATION.search(body):
        raise ValueError("XML documents with a DOCTYPE or ENTITY declaration are not accepted")
    parser = XMLParser()
    try:
        parser.feed(body)
        return parser.close()
    except ParseError as exc:
        raise ValueError(str(exc)) from exc


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def decode(shape: Shape, node: Element, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return decode_members(shape, node, path)
    if kind == "list":
        return decode_list(shape, list(node), path)
    if kind == "map":
        entries = list(node) if not shape.serialization.get("flattened") else [node]
        return _decode_entries(shape, entries, path)
    return _decode_scalar(shape, node.text or "", path)


def decode_members(shape: Shape, node: Element, path: str) -> dict[str, Any]:
    children: dict[str, list[Element]] = {}
    for child in node:
        children.setdefault(local_name(child.tag), []).append(child)
    result: dict[str, Any] = {}
    for name, member in as_structure(shape).members.items():
        if location(member) is not None:
            continue
        member_path = f"{path}.{name}" if path else name
        if member.serialization.get("xmlAttribute"):
            wanted = local_name(wire_name(member, name).rpartition(":")[2])
            for attribute, text in node.attrib.items():
                if local_name(attribute) == wanted:
                    result[name] = _decode_scalar(member, text, member_path)
            continue
        found = children.get(element_name(member, name))
        if not found:
            continue
        if member.serialization.get("flattened") and member.type_name == "list":
            result[name] = decode_list(member, found, member_path)
        elif member.serialization.get("flattened") and member.type_name == "map":
            result[name] = _decode_entries(member, found, member_path)
        else:
            result[name] = decode(member, found[0], member_path)
    return result


def decode_list(shape: Shape, items: list[Element], path: str) -> list[Any]:
    member = as_list(shape).member
    return [decode(member, item, f"{path}[{index}]") for index, item in enumerate(items)]


def _decode_entries(shape: Shape, entries: list[Element], path: str) -> dict[str, Any]:
    shape_map = as_map(shape)
    key_tag = str(shape_map.key.serialization.get("name", "key"))
    value_tag = str(shape_map.value.serialization.get("name", "value"))
    result: dict[str, Any] = {}
    for entry in entries:
        parts = {local_name(child.tag): child for child in entry}
        if key_tag not in parts:
            raise ShapeMismatch(path, "Map entry without a key")
        key = parts[key_tag].text or ""
        value = parts.get(value_tag)
        result[key] = None if value is None else decode(shape_map.value, value, f"{path}.{key}")
    return result


def _decode_scalar(shape: Shape, text: str, path: str) -> Any:
    kind = shape.type_name
    try:
        if kind == "boolean":
            return parse_boolean(text)
        if kind in ("integer", "long"):
            return parse_integer(text)
        if kind in ("float", "double"):
            return parse_float(text)
        if kind == "timestamp":
            return parse_timestamp(text, timestamp_format(shape, "iso8601"))
        if kind == "blob":
            return decode_base64(text)
    except ScalarError as exc:
        raise ShapeMismatch(path, str(exc)) from exc
    return text
