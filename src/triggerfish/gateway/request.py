"""One HTTP request as the gateway sees it, once its address has been read and its body received."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Request:
    """``path`` is the raw (still percent-encoded) path inside the API or URL, ``query`` the raw query string
    without ``?``; header names are lower-case, as the ASGI server hands them over, values as sent."""

    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    source_ip: str
    host: str
    port: int
    scheme: str = "http"
    #: the header names with the client's own casing, when the server kept them (ASGI servers lower-case
    #: them, so this is None there); same order as ``headers``
    header_names: tuple[str, ...] | None = None

    def header(self, name: str) -> str | None:
        """The last value of the header ``name`` (lower-case), or None."""
        found = None
        for key, value in self.headers:
            if key == name:
                found = value
        return found

    def at(self, path: str) -> Request:
        """The same request addressed to ``path``."""
        return replace(self, path=path)
