"""How an HTTP request's headers and query string are folded into the two proxy payload formats."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl

Pairs = Sequence[tuple[str, str]]


def query_pairs(raw_query_string: str) -> list[tuple[str, str]]:
    """Decoded ``(name, value)`` pairs in order, blank values kept (``?flag`` is ``("flag", "")``)."""
    return parse_qsl(raw_query_string, keep_blank_values=True)


def single_and_multi_values(pairs: Pairs) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """Payload 1.0: names as sent; the single-value map keeps the last value of a repeated name, the
    multi-value map keeps them all; both are null when there are none (spec §6.1)."""
    if not pairs:
        return None, None
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def joined_headers(pairs: Pairs) -> tuple[dict[str, str], list[str]]:
    """Payload 2.0: names lower-cased, repeated headers comma-joined, and every ``Cookie`` header split into
    the ``cookies`` list instead of appearing in the headers (spec §6.2)."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in pairs:
        lowered = name.lower()
        if lowered == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        elif lowered in headers:
            headers[lowered] = f"{headers[lowered]},{value}"
        else:
            headers[lowered] = value
    return headers, cookies


def joined_query(raw_query_string: str) -> dict[str, str]:
    """Payload 2.0: decoded parameters, the values of a repeated name comma-joined (spec §6.2)."""
    if not raw_query_string:
        return {}
    values: dict[str, list[str]] = {}
    for name, value in query_pairs(raw_query_string):
        values.setdefault(name, []).append(value)
    return {name: ",".join(each) for name, each in values.items()}


def header_value(pairs: Pairs, name: str) -> str | None:
    """The last value of a header, its name matched without regard to case."""
    wanted = name.lower()
    found = None
    for key, value in pairs:
        if key.lower() == wanted:
            found = value
    return found
