"""``position``/``limit`` paging, as every API Gateway ``Get*s`` operation pages."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from triggerfish.services.apigateway.errors import BadRequest

T = TypeVar("T")

#: Get* operations answer 25 items a page unless asked for up to 500 (API reference, ``limit``)
DEFAULT_LIMIT = 25
MAX_LIMIT = 500


def page(items: Sequence[T], params: dict[str, Any], key: Callable[[T], str]) -> tuple[Sequence[T], str | None]:
    """The page of ``items`` (sorted by ``key``) that ``position`` and ``limit`` ask for, and the
    position of the next page. A position names the first item of its page by key, so a page
    still starts in the right place when items before it were deleted meanwhile."""
    limit = params.get("limit") or DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"Invalid limit: must be between 1 and {MAX_LIMIT}")
    start = 0
    if params.get("position"):
        after = _decode(str(params["position"]))
        start = next((i for i, item in enumerate(items) if key(item) >= after), len(items))
    chosen = items[start : start + limit]
    following = start + limit
    return chosen, _encode(key(items[following])) if following < len(items) else None


def _encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _decode(position: str) -> str:
    try:
        return base64.urlsafe_b64decode(position.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest("Invalid position parameter") from None
