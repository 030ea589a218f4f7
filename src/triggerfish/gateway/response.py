"""What the gateway answers: a status, raw header lines and a body, sent as they are."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

Header = tuple[bytes, bytes]

JSON_TYPE: Header = (b"content-type", b"application/json")


@dataclass(slots=True)
class Response:
    """Header lines are kept in order, repeated names included (several ``set-cookie``); the sender adds
    ``content-length``. Mutable while a handler stamps its request ids on it."""

    status: int
    headers: list[Header] = field(default_factory=list)
    body: bytes = b""

    def add(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def extend(self, headers: Iterable[Header]) -> None:
        self.headers.extend(headers)


#: how a handler answers before it returns (an integration timeout, while the invocation runs on)
Respond = Callable[[Response], Awaitable[None]]


def encode_header(value: str) -> bytes:
    """Header values go out as latin-1, as HTTP/1.1 intends; anything beyond it as UTF-8 bytes."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def json_response(status: int, body: bytes, *headers: Header) -> Response:
    return Response(status, [JSON_TYPE, *headers], body)
