"""Route keys: ``$default`` or ``METHOD /path``, checked as API Gateway checks them (spec §6.3).

A path is ``/`` or ``/``-separated parts, each a literal or a ``{variable}``; a greedy ``{name+}``
may only be the last part. Two routes may not have the same key, nor variables of different names
at the same place of the same path ("conflicting variable on the same hierarchical level").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from triggerfish.services.apigatewayv2.errors import BadRequest, Conflict
from triggerfish.services.apigatewayv2.models import DEFAULT_ROUTE, Route

METHODS = ("ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
# the expression AWS names in its answer ("Parts are validated against this regular expression")
PART_PATTERN = r"^(\{[\w.:-]+\+?\}|[a-zA-Z0-9.:_-]+)$"
_PART = re.compile(PART_PATTERN)


@dataclass(frozen=True)
class RouteKey:
    text: str
    method: str | None = None  # None for $default
    parts: tuple[str, ...] = ()

    @property
    def path(self) -> str | None:
        return None if self.method is None else "/" + "/".join(self.parts)


def parse_route_key(text: str | None) -> RouteKey:
    if not text:
        raise BadRequest("Route key is required")
    if text == DEFAULT_ROUTE:
        return RouteKey(text)
    method, _, path = text.partition(" ")
    if method not in METHODS or not path:
        raise BadRequest(
            f"Invalid route key '{text}': use $default or 'METHOD /path' with METHOD one of {', '.join(METHODS)}"
        )
    if not path.startswith("/"):
        raise BadRequest(f"Invalid route key '{text}': the path must start with '/'")
    parts = tuple(path[1:].split("/")) if path != "/" else ()
    if not all(_PART.match(part) for part in parts):
        raise BadRequest(
            f"One or more path parts appear to be invalid. Parts are validated against this regular expression: "
            f"{PART_PATTERN}"
        )
    if any(part.endswith("+}") for part in parts[:-1]):
        raise BadRequest(f"Invalid route key '{text}': a greedy path variable must be the last part of the path")
    return RouteKey(text, method, parts)


def check_unique(key: RouteKey, routes: Iterable[Route], *, except_id: str | None = None) -> None:
    """Raise :class:`Conflict` if ``key`` clashes with a route other than ``except_id``."""
    for route in routes:
        if route.id == except_id:
            continue
        # same key twice: ConflictException (CreateRoute errors, apigatewayv2 API reference)
        if route.route_key == key.text:
            raise Conflict(f"Route with key {key.text} already exists for this API")
        other = parse_route_key(route.route_key)
        if _conflicting_variable(key.parts, other.parts):
            raise Conflict(
                f'The provided route key "{key.text}" has a conflicting variable on the same hierarchical level as '
                f'"{route.route_key}"'
            )


def _conflicting_variable(mine: tuple[str, ...], theirs: tuple[str, ...]) -> bool:
    for one, other in zip(mine, theirs, strict=False):
        if one == other:
            continue
        return _plain_variable(one) and _plain_variable(other)
    return False


def _plain_variable(part: str) -> bool:
    return part.startswith("{") and not part.endswith("+}")
