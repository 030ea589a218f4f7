"""The HTTP values the wire layer reads and writes, independent of any web framework.

A body is either the whole payload as ``bytes`` or a :data:`ByteStream` the server has not read yet;
only operations whose input payload is a streaming blob (S3 ``PutObject``, ``UploadPart``) are ever
handed a stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl

ByteStream = AsyncIterable[bytes]
Body = bytes | ByteStream


class Headers(Mapping[str, str]):
    """Immutable, case-insensitive HTTP headers that keep the spelling they were given.

    A name given twice keeps both values joined by ``", "``, which is how HTTP folds repeated
    fields.
    """

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        store: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in store:
                store[key] = (store[key][0], f"{store[key][1]}, {value}")
            else:
                store[key] = (name, value)
        self._items = store

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return {k: v for k, (_, v) in self._items.items()} == {k: v for k, (_, v) in other._items.items()}
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset((k, v) for k, (_, v) in self._items.items()))

    def with_items(self, items: Mapping[str, str]) -> Headers:
        """A copy with ``items`` set, replacing any value of the same name."""
        replaced = {name.lower() for name in items}
        kept = [(name, value) for name, value in self.items() if name.lower() not in replaced]
        return Headers([*kept, *items.items()])

    def without(self, *names: str) -> Headers:
        drop = {name.lower() for name in names}
        return Headers((n, v) for n, v in self.items() if n.lower() not in drop)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """An incoming request. ``path`` is the raw, still percent-encoded path without the query."""

    method: str
    path: str
    query_string: str = ""
    headers: Headers = field(default_factory=Headers)
    body: Body = b""

    @property
    def host(self) -> str:
        """The Host header without its port, lower-cased."""
        host = self.headers.get("host", "").strip().lower()
        if host.startswith("["):  # an IPv6 literal keeps its colons
            return host.partition("]")[0] + "]"
        return host.rpartition(":")[0] if ":" in host else host

    def query_items(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: Headers = field(default_factory=Headers)
    body: Body = b""


async def read_body(request: HttpRequest, *, limit: int | None = None) -> HttpRequest:
    """The same request with its body read into memory, refusing more than ``limit`` bytes."""
    if isinstance(request.body, bytes):
        return request
    parts: list[bytes] = []
    size = 0
    async for part in request.body:
        size += len(part)
        if limit is not None and size > limit:
            raise BodyTooLarge(limit)
        parts.append(part)
    return replace(request, body=b"".join(parts))


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"request body exceeds {limit} bytes")
        self.limit = limit


def body_bytes(body: Body) -> bytes:
    """The body of an operation that does not stream: it must have been read in full already."""
    if not isinstance(body, bytes):
        raise TypeError("this operation's body must be read before parsing")
    return body
