"""Paging of CloudWatch Logs' describe operations: ``limit`` (default and maximum 50) and an opaque
``nextToken`` naming where the next page starts."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import TypeVar

from triggerfish.services.logs.errors import bad_token

T = TypeVar("T")

# DescribeLogGroups, DescribeLogStreams and DescribeSubscriptionFilters return up to 50 items, 50 by
# default (``limit``, Logs API reference)
DEFAULT_LIMIT = 50
_PREFIX = "tf1:"


def page(items: Sequence[T], limit: int | None, token: str | None) -> tuple[Sequence[T], str | None]:
    """The items of the page ``token`` names, and the token of the next page if there is one."""
    start = _decode(token) if token else 0
    size = limit or DEFAULT_LIMIT
    chunk = items[start : start + size]
    end = start + len(chunk)
    return chunk, (_encode(end) if end < len(items) else None)


def _encode(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode("ascii")


def _decode(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise bad_token() from None
    if not text.startswith(_PREFIX) or not text[len(_PREFIX) :].isdigit():
        raise bad_token()
    return int(text[len(_PREFIX) :])
