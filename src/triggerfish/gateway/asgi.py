"""Reading a request from, and writing a response to, the ASGI server."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from triggerfish.gateway.request import Request
from triggerfish.gateway.response import Response

# the ASGI interface, spelled out here: the gateway and the AWS endpoint do not import each other
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

#: API Gateway's payload quota: 10 MB per request (spec §6.4)
MAX_BODY = 10 * 1024 * 1024


class BodyTooLarge(Exception):
    """The request's body is over the limit; the rest of it is left unread."""


class ClientGone(Exception):
    """The client disconnected before its body arrived."""


def scope_host(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"host":
            return str(value.decode("latin-1"))
    return ""


def raw_path_of(scope: Scope) -> str:
    raw = scope.get("raw_path")
    if raw:
        return str(raw.decode("latin-1")).partition("?")[0]
    return str(scope.get("path") or "/")


async def receive_body(scope: Scope, receive: Receive, limit: int = MAX_BODY) -> bytes:
    """The whole body, refused as soon as its declared or received size passes ``limit``."""
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise BodyTooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk: bytes = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    if len(chunks) == 1:
        return chunks[0]  # the usual case: no copy
    return b"".join(chunks)


def request_of(scope: Scope, path: str, body: bytes) -> Request:
    headers = tuple([(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]])
    client = scope.get("client")
    server = scope.get("server")
    host = ""
    for name, value in headers:
        if name == "host":
            host = value
            break
    return Request(
        method=scope["method"],
        path=path,
        query=scope["query_string"].decode("latin-1"),
        headers=headers,
        body=body,
        source_ip=client[0] if client else "127.0.0.1",
        host=host,
        port=server[1] if server and server[1] is not None else 80,
        scheme=scope.get("scheme", "http"),
    )


async def send_response(send: Send, response: Response) -> None:
    headers = response.headers
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


class Responder:
    """Sends a request's one response: the first one given, whoever gives it (the handler, or the timer of
    an integration timeout while the invocation runs on); later ones are dropped."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.sent = False

    async def __call__(self, response: Response) -> None:
        if self.sent:
            return
        self.sent = True
        await send_response(self._send, response)
