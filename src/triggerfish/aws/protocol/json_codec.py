"""Shape-directed conversion between decoded JSON and parameter values (``json`` and ``rest-json``).

JSON is read with numbers kept as ``Decimal`` so that epoch timestamps with fractions survive
exactly; they become ``float`` only where the shape says float or double.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from .model import Shape, as_list, as_map, as_structure, is_document, location, timestamp_format, wire_name
from .scalars import (
    ScalarError,
    ShapeMismatch,
    decode_base64,
    encode_base64,
    format_timestamp,
    parse_float,
    parse_timestamp,
)


def loads(body: bytes) -> Any:
    """Parse a JSON document; raises ``ValueError`` when it is not one."""
    return json.loads(body.decode("utf-8"), parse_float=Decimal)


def dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def decode(shape: Shape, value: Any, path: str = "") -> Any:
    """Convert a decoded JSON value into the parameter value ``shape`` describes."""
    kind = shape.type_name
    if kind == "structure":
        if is_document(shape):
            return plain(value)
        if not isinstance(value, dict):
            raise ShapeMismatch(path, "Expected an object")
        return decode_members(shape, value, path)
    if kind == "list":
        if not isinstance(value, list):
            raise ShapeMismatch(path, "Expected a list")
        member = as_list(shape).member
        return [None if item is None else decode(member, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if kind == "map":
        if not isinstance(value, dict):
            raise ShapeMismatch(path, "Expected an object")
        member = as_map(shape).value
        return {str(k): None if v is None else decode(member, v, f"{path}.{k}") for k, v in value.items()}
    return _decode_scalar(shape, value, path)


def decode_members(shape: Shape, value: Mapping[str, Any], path: str = "") -> dict[str, Any]:
    """The structure's body members found in ``value``; members bound elsewhere are skipped."""
    result: dict[str, Any] = {}
    for name, member in as_structure(shape).members.items():
        if location(member) is not None:
            continue
        raw = value.get(wire_name(member, name))
        if raw is not None:
            result[name] = decode(member, raw, f"{path}.{name}" if path else name)
    return result


def _decode_scalar(shape: Shape, value: Any, path: str) -> Any:
    kind = shape.type_name
    try:
        if kind == "string":
            if isinstance(value, str):
                return value
        elif kind == "boolean":
            if isinstance(value, bool):
                return value
        elif kind in ("integer", "long"):
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, Decimal) and value == value.to_integral_value():
                return int(value)
        elif kind in ("float", "double"):
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
                return parse_float(value)
        elif kind == "blob":
            if isinstance(value, str):
                return decode_base64(value)
        elif kind == "timestamp":
            if isinstance(value, str | int | Decimal) and not isinstance(value, bool):
                return parse_timestamp(value, timestamp_format(shape, "unixTimestamp"))
        else:
            return value
    except ScalarError as exc:
        raise ShapeMismatch(path, str(exc)) from exc
    raise ShapeMismatch(path, f"Expected a {kind} but found {_json_type(value)}")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float | Decimal):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def encode(shape: Shape, value: Any, default_timestamp: str = "unixTimestamp") -> Any:
    """Convert a parameter value into JSON-ready data as ``shape`` describes it."""
    kind = shape.type_name
    if kind == "structure":
        if is_document(shape):
            return plain(value)
        return encode_members(shape, value, default_timestamp)
    if kind == "list":
        member = as_list(shape).member
        return [None if item is None else encode(member, item, default_timestamp) for item in value]
    if kind == "map":
        member = as_map(shape).value
        return {str(k): None if v is None else encode(member, v, default_timestamp) for k, v in value.items()}
    if kind == "timestamp":
        return format_timestamp(value, timestamp_format(shape, default_timestamp))
    if kind == "blob":
        return encode_base64(value)
    if kind in ("float", "double"):
        return _encode_float(value)
    if kind in ("integer", "long") and isinstance(value, Decimal):
        return int(value)
    return plain(value)


def encode_members(shape: Shape, value: Mapping[str, Any], default_timestamp: str = "unixTimestamp") -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, member in as_structure(shape).members.items():
        item = value.get(name)
        if item is None or location(member) is not None:
            continue
        result[wire_name(member, name)] = encode(member, item, default_timestamp)
    return result


def _encode_float(value: float | int | Decimal) -> float | int | str:
    number = float(value)
    # JSON has no literal for these; the SDKs read them by name
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def plain(value: Any) -> Any:
    """Decoded JSON with ``Decimal``s turned back into ``int``/``float`` (document members)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return format_timestamp(value, "iso8601")
    if isinstance(value, bytes | bytearray):
        return encode_base64(value)
    return value
