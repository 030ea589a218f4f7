"""A Lambda result turned into an HTTP API's response (spec §6.2).

Payload 2.0: an object with ``statusCode`` is a structured response; anything else is the body of an
inferred 200 ``application/json`` response (a string as it is, unquoted; other values re-serialised
compactly). Payload 1.0 responses are read as REST reads them. An HTTP API honours ``isBase64Encoded``
whatever the content type, and a structured response without a Content-Type goes out as
``text/plain; charset=utf-8`` (observed).
"""

from __future__ import annotations

import base64
import binascii

import orjson

from triggerfish.gateway.response import JSON_TYPE, Header, Response, encode_header
from triggerfish.gateway.rest_responses import MalformedResponse, parse_v1, status_code

TEXT_TYPE: Header = (b"content-type", b"text/plain; charset=utf-8")
_SET_COOKIE = b"set-cookie"
_CONTENT_TYPE = "content-type"
# what the sender writes itself, never taken from a function
_TRANSPORT = frozenset({"content-length", "transfer-encoding", "connection"})


def v2_response(payload: bytes, structured_type: Header = TEXT_TYPE) -> Response:
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise MalformedResponse("the result is not JSON") from None
    if isinstance(value, dict) and "statusCode" in value:
        return _structured(value, structured_type)
    if isinstance(value, str):
        body = value.encode("utf-8")
    elif payload[:1] in (b"{", b"[") and not any(gap in payload for gap in (b": ", b", ", b"\n")):
        body = payload  # already compact: no need to serialise it again
    else:
        body = orjson.dumps(value)
    return Response(200, [JSON_TYPE], body)


def _structured(value: dict[str, object], structured_type: Header) -> Response:
    status = status_code(value["statusCode"])
    lines: list[Header] = []
    typed = False
    headers = value.get("headers")
    if headers is not None:
        if not isinstance(headers, dict):
            raise MalformedResponse("headers is not an object")
        for name, raw in headers.items():
            lowered = name.lower()
            if lowered in _TRANSPORT or raw is None:
                continue
            typed = typed or lowered == _CONTENT_TYPE
            lines.append((encode_header(lowered), encode_header(_scalar(raw))))
    if not typed:
        lines.append(structured_type)
    cookies = value.get("cookies")
    if cookies is not None:
        if not isinstance(cookies, list) or not all(isinstance(cookie, str) for cookie in cookies):
            raise MalformedResponse("cookies is not a list of strings")
        # each cookie becomes its own set-cookie header (spec §6.2)
        lines.extend((_SET_COOKIE, encode_header(cookie)) for cookie in cookies)
    return Response(status, lines, _body(value.get("body"), value.get("isBase64Encoded")))


def _scalar(value: object) -> str:
    if isinstance(value, list):
        # several values of one header travel comma-joined (spec §6.2)
        return ",".join(_scalar(item) for item in value if not isinstance(item, list))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise MalformedResponse("a header value is not a string, number or boolean")


def _body(body: object, encoded: object) -> bytes:
    if body is None:
        return b""
    if not isinstance(body, str):
        raise MalformedResponse("body is not a string")
    if encoded is True:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise MalformedResponse("the body is not valid base64") from None
    return body.encode("utf-8")


def v1_response(payload: bytes) -> Response:
    """Payload format 1.0 on an HTTP API: REST's response format, multi-value lines comma-joined."""
    parsed = parse_v1(payload)
    joined: dict[str, list[str]] = {}
    for name, text in parsed.headers:
        joined.setdefault(name.lower(), []).append(text)
    lines: list[Header] = [
        (encode_header(name), encode_header(",".join(texts)))
        for name, texts in joined.items()
        if name not in _TRANSPORT
    ]
    if not parsed.typed:
        lines.append(TEXT_TYPE)
    return Response(parsed.status, lines, _body(parsed.body, parsed.base64))
