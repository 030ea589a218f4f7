"""``MaxResults``/``NextToken`` paging of ListSchedules and ListScheduleGroups.

Items come sorted; the token is the key of the last item handed out, so a page after a deletion
still starts in the right place.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from triggerfish.services.scheduler.errors import ValidationException

T = TypeVar("T")


def page(
    items: Sequence[T],
    params: Mapping[str, Any],
    key: Callable[[T], str],
    shape: Callable[[T], dict[str, Any]],
    member: str,
) -> dict[str, Any]:
    limit: int | None = params.get("MaxResults")
    start = 0
    token = params.get("NextToken")
    if token:
        after = _decode(token)
        start = next((index for index, item in enumerate(items) if key(item) > after), len(items))
    chosen = items[start : start + limit] if limit is not None else items[start:]
    result: dict[str, Any] = {member: [shape(item) for item in chosen]}
    if limit is not None and start + limit < len(items):
        result["NextToken"] = _encode(key(chosen[-1]))
    return result


def _encode(last: str) -> str:
    return base64.urlsafe_b64encode(last.encode()).decode()


def _decode(token: str) -> str:
    try:
        decoded = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded:
        raise ValidationException("Invalid NextToken.")
    return decoded
