"""A Lambda proxy response in payload format 1.0, checked and turned into the HTTP response (spec §6.1).

REST APIs are strict: anything but an object with the five known members and well-typed values is a
502. Both header maps are sent, multi-value lines first; a base64 body goes out binary only when the
request's first ``Accept`` type is one of the API's binary media types.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import orjson

from triggerfish.gateway.binary import BinaryMediaTypes
from triggerfish.gateway.response import Header, Response, encode_header

_MEMBERS = frozenset({"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"})
# header names a Lambda proxy response cannot set; API Gateway renames them (API Gateway known issues)
_REMAPPED = frozenset({"connection", "content-length", "date", "server", "x-amzn-requestid"})
_DEFAULT_TYPE: Header = (b"Content-Type", b"application/json")


class MalformedResponse(Exception):
    """The function's result is not a valid proxy response."""


@dataclass(frozen=True, slots=True)
class V1Response:
    status: int
    headers: list[tuple[str, str]]
    body: str
    base64: bool
    typed: bool  # whether a Content-Type was given (a null one counts: it suppresses the default)


def parse_v1(payload: bytes) -> V1Response:
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise MalformedResponse("the result is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedResponse("the result is not an object")
    unknown = value.keys() - _MEMBERS
    if unknown:
        raise MalformedResponse(f"unknown members {sorted(unknown)}")
    headers: list[tuple[str, str]] = []
    typed = False
    multi = value.get("multiValueHeaders")
    if multi is not None:
        if not isinstance(multi, dict):
            raise MalformedResponse("multiValueHeaders is not an object")
        for name, values in multi.items():
            if not isinstance(values, list):
                raise MalformedResponse(f"multiValueHeaders.{name} is not a list")
            typed = typed or name.lower() == "content-type"
            headers.extend((name, text) for text in map(_header_text, values) if text is not None)
    single = value.get("headers")
    if single is not None:
        if not isinstance(single, dict):
            raise MalformedResponse("headers is not an object")
        for name, raw in single.items():
            typed = typed or name.lower() == "content-type"
            text = _header_text(raw)
            if text is not None:
                headers.append((name, text))
    body = value.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedResponse("body is not a string")
    encoded = value.get("isBase64Encoded")
    if encoded is not None and not isinstance(encoded, bool):
        raise MalformedResponse("isBase64Encoded is not a boolean")
    return V1Response(status_code(value.get("statusCode")), headers, body or "", bool(encoded), typed)


def status_code(value: object) -> int:
    """A status given as a number or a numeric string (``"201"`` is accepted, spec §6.1); absent is 200."""
    if value is None:
        return 200
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    raise MalformedResponse(f"statusCode {value!r} is not a status")


def _header_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedResponse("a header value is not a string, number or boolean")


def rest_response(payload: bytes, binary: BinaryMediaTypes, accept: str | None) -> Response:
    parsed = parse_v1(payload)
    lines: list[Header] = []
    for name, text in parsed.headers:
        lowered = name.lower()
        if lowered in _REMAPPED:
            name = f"x-amzn-Remapped-{name}"
        lines.append((encode_header(name), encode_header(text)))
    if not parsed.typed:
        lines.append(_DEFAULT_TYPE)
    return Response(parsed.status, lines, _body(parsed, binary.accepts(accept)))


def _body(parsed: V1Response, binary: bool) -> bytes:
    if parsed.base64 and binary:
        try:
            return base64.b64decode(parsed.body, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponse("the body is not valid base64") from None
    return parsed.body.encode("utf-8")
