"""What ``rest-json`` and ``rest-xml`` share: finding the operation from method, path and query, and
binding members to URI labels, query parameters and headers.

Several operations can share one method and URI template (S3 ``PutObject``, ``UploadPart``,
``CopyObject``); the one whose literal query keys and required query/header members the request
carries most of wins, and a deprecated operation loses a tie to its replacement.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from .http import Headers, HttpRequest
from .model import (
    OperationModel,
    ServiceModel,
    Shape,
    StructureShape,
    as_list,
    as_map,
    as_structure,
    location,
    timestamp_format,
    wire_name,
)
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


@dataclass(frozen=True, slots=True)
class Route:
    operation: OperationModel
    method: str
    pattern: re.Pattern[str]
    #: query keys the URI template fixes, with the value it fixes or None (``?uploads``)
    literal_query: tuple[tuple[str, str | None], ...]
    required_query: tuple[str, ...]
    required_headers: tuple[str, ...]
    literal_length: int

    def rank(self) -> tuple[int, int, int, int]:
        return (
            len(self.literal_query),
            len(self.required_query) + len(self.required_headers),
            self.literal_length,
            0 if self.operation.deprecated else 1,
        )


@dataclass(frozen=True, slots=True)
class Match:
    operation: OperationModel
    labels: dict[str, str]
    query: list[tuple[str, str]]


@functools.cache
def routes(service: ServiceModel) -> dict[str, tuple[Route, ...]]:
    """The service's routes by HTTP method, most specific first."""
    built = [_route(service.operation_model(name)) for name in sorted(service.operation_names)]
    by_method: dict[str, list[Route]] = {}
    for route in sorted(built, key=Route.rank, reverse=True):
        by_method.setdefault(route.method, []).append(route)
    return {method: tuple(found) for method, found in by_method.items()}


def _route(op: OperationModel) -> Route:
    path, _, query = str(op.http["requestUri"]).partition("?")
    regex = ""
    literal_length = 0
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            name = piece[1:-1]
            greedy = name.endswith("+")
            group = _group_name(name.rstrip("+"))
            regex += f"(?P<{group}>.+)" if greedy else f"(?P<{group}>[^/]+)"
        else:
            regex += re.escape(piece)
            literal_length += len(piece)
    literal = tuple(
        (key, value if sep else None) for key, sep, value in (part.partition("=") for part in query.split("&") if part)
    )
    required_query: list[str] = []
    required_headers: list[str] = []
    shape = op.input_shape
    if shape is not None:
        for name in shape.required_members:
            member = shape.members[name]
            if location(member) == "querystring":
                required_query.append(wire_name(member, name))
            elif location(member) == "header":
                required_headers.append(wire_name(member, name))
    return Route(
        operation=op,
        method=str(op.http.get("method", "POST")).upper(),
        pattern=re.compile(f"^{regex.rstrip('/')}/?$"),
        literal_query=literal,
        required_query=tuple(required_query),
        required_headers=tuple(required_headers),
        literal_length=literal_length,
    )


def _group_name(label: str) -> str:
    return "L_" + re.sub(r"\W", "_", label)


def match(service: ServiceModel, method: str, path: str, query_string: str, headers: Headers) -> Match | None:
    query = parse_qsl(query_string, keep_blank_values=True)
    present = dict(query)
    for route in routes(service).get(method.upper(), ()):
        found = route.pattern.match(path)
        if found is None:
            continue
        if not all(_fixed_query_matches(present, key, value) for key, value in route.literal_query):
            continue
        if any(key not in present for key in route.required_query):
            continue
        if any(name not in headers for name in route.required_headers):
            continue
        labels = _labels(route, found)
        return Match(route.operation, labels, query)
    return None


def _fixed_query_matches(present: Mapping[str, str], key: str, value: str | None) -> bool:
    return key in present and (value is None or present[key] == value)


def _labels(route: Route, found: re.Match[str]) -> dict[str, str]:
    path = str(route.operation.http["requestUri"]).partition("?")[0]
    names = [name.rstrip("+") for name in re.findall(r"\{([^}]+)\}", path)]
    return {name: unquote(found.group(_group_name(name))) for name in names}


# --- input binding ---------------------------------------------------------------------------


def bind_input(shape: StructureShape, request: HttpRequest, matched: Match) -> dict[str, Any]:
    """Members bound to the URI, the query string and headers (the body is the caller's)."""
    params: dict[str, Any] = {}
    query_lists: dict[str, list[str]] = {}
    for key, value in matched.query:
        query_lists.setdefault(key, []).append(value)
    bound_query: set[str] = set()
    for name, member in shape.members.items():
        where = location(member)
        key = wire_name(member, name)
        try:
            if where == "uri" and key in matched.labels:
                params[name] = _from_text(member, matched.labels[key], "iso8601")
            elif where == "querystring" and member.type_name != "map":
                bound_query.add(key)
                if key in query_lists:
                    params[name] = _from_query(member, query_lists[key])
            elif where == "header" and key in request.headers:
                params[name] = header_value(member, request.headers[key])
            elif where == "headers":
                prefix = key.lower()
                found = {
                    h[len(prefix) :].lower(): v for h, v in request.headers.items() if h.lower().startswith(prefix)
                }
                if found:
                    params[name] = found
        except ScalarError as exc:
            raise ShapeMismatch(name, str(exc)) from exc
    for name, member in shape.members.items():
        if location(member) == "querystring" and member.type_name == "map":
            # a query map takes every parameter no other member claimed
            rest = {k: v for k, v in query_lists.items() if k not in bound_query}
            if rest:
                value_is_list = as_map(member).value.type_name == "list"
                params[name] = {k: (v if value_is_list else v[0]) for k, v in rest.items()}
    return params


def _from_query(member: Shape, values: list[str]) -> Any:
    if member.type_name == "list":
        item = as_list(member).member
        return [_from_text(item, value, "iso8601") for value in values]
    return _from_text(member, values[0], "iso8601")


def _from_text(shape: Shape, text: str, default_timestamp: str) -> Any:
    kind = shape.type_name
    if kind == "boolean":
        return parse_boolean(text)
    if kind in ("integer", "long"):
        return parse_integer(text)
    if kind in ("float", "double"):
        return parse_float(text)
    if kind == "timestamp":
        return parse_timestamp(text, timestamp_format(shape, default_timestamp))
    if kind == "blob":
        return decode_base64(text)
    return text


def header_value(shape: Shape, text: str) -> Any:
    """A header as its member's type; lists are comma-separated, ``jsonvalue`` is base64 JSON."""
    if shape.type_name == "list":
        item = as_list(shape).member
        return [_from_text(item, part, "rfc822") for part in split_header_list(text)]
    if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
        try:
            return json.loads(decode_base64(text))
        except ValueError as exc:
            raise ScalarError("not base64-encoded JSON") from exc
    return _from_text(shape, text, "rfc822")


def split_header_list(text: str) -> list[str]:
    """Split on commas outside double quotes, unquoting quoted items (RFC 7230 lists)."""
    items: list[str] = []
    current = ""
    quoted = False
    escaped = False
    for char in text:
        if escaped:
            current += char
            escaped = False
        elif char == "\\" and quoted:
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            items.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip() or items:
        items.append(current.strip())
    return items


# --- output binding --------------------------------------------------------------------------


def bind_output(shape: StructureShape | None, result: Mapping[str, Any]) -> tuple[dict[str, str], int | None]:
    """Headers for header-bound members, and the status a ``statusCode`` member sets."""
    headers: dict[str, str] = {}
    status: int | None = None
    if shape is None:
        return headers, status
    for name, member in as_structure(shape).members.items():
        value = result.get(name)
        if value is None:
            continue
        where = location(member)
        if where == "statusCode":
            status = int(value)
        elif where == "header":
            text = header_text(member, value)
            if text is not None:
                headers[wire_name(member, name)] = text
        elif where == "headers":
            prefix = wire_name(member, name)
            headers.update({f"{prefix}{key}": str(item) for key, item in value.items()})
    return headers, status


def header_text(shape: Shape, value: Any) -> str | None:
    kind = shape.type_name
    if kind == "list":
        if not value:
            return None  # an empty list is no header at all (botocore does the same)
        item = as_list(shape).member
        return ",".join(_quote_list_item(header_text(item, v) or "") for v in value)
    if kind == "timestamp":
        return str(format_timestamp(value, timestamp_format(shape, "rfc822")))
    if kind == "blob":
        return encode_base64(value)
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return encode_base64(json.dumps(value, separators=(",", ":")))
    return format_text(value)


def _quote_list_item(text: str) -> str:
    if '"' in text or "," in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def default_status(operation: OperationModel) -> int:
    return int(operation.http.get("responseCode", 200))


def has_body_members(shape: StructureShape | None) -> bool:
    return shape is not None and any(location(m) is None for m in shape.members.values())
