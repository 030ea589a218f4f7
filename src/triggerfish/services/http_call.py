"""One HTTP/1.1 request and its response, over ``asyncio`` streams: what an EventBridge API destination
call or an SNS HTTP delivery needs.

The request carries a ``Content-Length`` body and ``Connection: close``; the response body is read by
``Content-Length``, chunked transfer coding, or to the end of the stream, and kept up to a limit (AWS
asks an API destination endpoint for ``Range: bytes=0-1048575``, so it reads no more than 1 MiB).
The whole exchange runs under one timeout, on the event loop's own timer: it bounds a real socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

BODY_LIMIT = 1_048_576
_HEAD_LIMIT = 65_536


class HttpCallError(Exception):
    """The exchange did not complete: no connection, a broken response, or a reset."""


class HttpTimeout(HttpCallError):
    """No complete response within the timeout."""


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Sequence[tuple[str, str]] = ()
    body: bytes = b""


@dataclass(frozen=True)
class HttpResponse:
    status: int
    reason: str
    #: header names in lower case; a repeated header keeps its last value
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


async def http_call(request: HttpRequest, *, timeout: float, body_limit: int = BODY_LIMIT) -> HttpResponse:
    """Send ``request`` and read the response; raises :class:`HttpTimeout` or :class:`HttpCallError`."""
    parts = urlsplit(request.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpCallError(f"not an http(s) URL: {request.url}")
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection(
                parts.hostname, port, ssl=ssl.create_default_context() if secure else None
            )
            try:
                writer.write(_request_head(request, parts.hostname, parts.port, secure) + request.body)
                await writer.drain()
                return await _read_response(reader, request.method, body_limit)
            finally:
                writer.close()
                with contextlib.suppress(OSError, ssl.SSLError):
                    await writer.wait_closed()
    except TimeoutError:
        raise HttpTimeout(f"no response from {parts.hostname}:{port} within {timeout:g} s") from None
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
        raise HttpCallError(f"{type(error).__name__}: {error}".rstrip(": ")) from error


def _request_head(request: HttpRequest, host: str, port: int | None, secure: bool) -> bytes:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    shown_host = f"[{host}]" if ":" in host else host
    default_port = 443 if secure else 80
    lines = [
        f"{request.method} {target} HTTP/1.1",
        f"Host: {shown_host if port in (None, default_port) else f'{shown_host}:{port}'}",
    ]
    given = {name.lower() for name, _ in request.headers}
    lines += [f"{name}: {value}" for name, value in request.headers]
    if "content-length" not in given and (request.body or request.method in ("POST", "PUT", "PATCH")):
        lines.append(f"Content-Length: {len(request.body)}")
    if "connection" not in given:
        lines.append("Connection: close")
    for line in lines:
        if "\r" in line or "\n" in line:
            raise ValueError("a header holds a line break")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_response(reader: asyncio.StreamReader, method: str, body_limit: int) -> HttpResponse:
    while True:
        status, reason = _status_line(await reader.readline())
        headers = await _read_headers(reader)
        # an interim 1xx answer is followed by the real one
        if not 100 <= status < 200:
            break
    if method == "HEAD" or status in (204, 304):
        return HttpResponse(status, reason, headers)
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader, body_limit)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        body = await reader.readexactly(min(length, body_limit))
    else:
        body = await reader.read(body_limit)
    return HttpResponse(status, reason, headers, body)


def _status_line(line: bytes) -> tuple[int, str]:
    text = line.decode("latin-1").rstrip("\r\n")
    version, _, rest = text.partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or not code.isdigit():
        raise ValueError(f"not an HTTP status line: {text!r}")
    return int(code), reason


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    size = 0
    while True:
        line = await reader.readline()
        size += len(line)
        if size > _HEAD_LIMIT:
            raise ValueError("response headers too large")
        if not line:
            raise asyncio.IncompleteReadError(b"", None)
        if line in (b"\r\n", b"\n"):
            return headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()


async def _read_chunked(reader: asyncio.StreamReader, body_limit: int) -> bytes:
    body = bytearray()
    while True:
        size_line = (await reader.readline()).split(b";", 1)[0].strip()
        size = int(size_line, 16)
        if size == 0:
            await _read_headers(reader)  # trailers
            return bytes(body[:body_limit])
        chunk = await reader.readexactly(size)
        await reader.readexactly(2)
        if len(body) < body_limit:
            body += chunk
