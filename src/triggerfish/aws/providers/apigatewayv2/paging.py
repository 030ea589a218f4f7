"""``MaxResults``/``NextToken`` paging of the ``Get*`` lists (``Items`` in the botocore model).

Items come sorted by id; the token is the last id handed out, so a page after a deletion still
starts in the right place. ``MaxResults`` travels as a string in this API's model.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from triggerfish.services.apigatewayv2.errors import BadRequest

T = TypeVar("T")


def page(
    items: Sequence[T], params: Mapping[str, Any], key: Callable[[T], str], shape: Callable[[T], dict[str, Any]]
) -> dict[str, Any]:
    limit = _limit(params.get("MaxResults"))
    start = 0
    token = params.get("NextToken")
    if token:
        after = _decode(token)
        start = next((index for index, item in enumerate(items) if key(item) > after), len(items))
    chosen = items[start : start + limit] if limit is not None else items[start:]
    result: dict[str, Any] = {"Items": [shape(item) for item in chosen]}
    if limit is not None and start + limit < len(items):
        result["NextToken"] = _encode(key(chosen[-1]))
    return result


def _limit(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        limit = int(raw)
    except ValueError:
        raise BadRequest(f"Invalid MaxResults {raw}: expected a positive integer") from None
    if limit < 1:
        raise BadRequest(f"Invalid MaxResults {raw}: expected a positive integer")
    return limit


def _encode(last: str) -> str:
    return base64.urlsafe_b64encode(last.encode()).decode()


def _decode(token: str) -> str:
    try:
        decoded = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded:
        raise BadRequest("Invalid NextToken")
    return decoded
