"""``Limit``/``NextToken`` paging of the List* operations.

The token is the key of the last item handed out, so a page after a deletion still starts in the
right place: the next page begins after that item, or at the first key above it when it is gone
(lists of names are sorted).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from triggerfish.services.events.constraints import Range, check
from triggerfish.services.events.errors import ValidationException

T = TypeVar("T")

# LimitMax100 in the model
LIMIT = Range(1, 100)
_TOKEN_PREFIX = "tf1:"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_token: str | None = None


def page(items: Sequence[T], key: Callable[[T], str], *, limit: int | None, token: str | None) -> Page[T]:
    if limit is not None:
        check(("limit", limit, LIMIT))
    start = 0
    if token:
        after = _decode(token)
        keys = [key(item) for item in items]
        start = (
            keys.index(after) + 1 if after in keys else next((i for i, k in enumerate(keys) if k > after), len(keys))
        )
    end = len(items) if limit is None else min(len(items), start + limit)
    chosen = list(items[start:end])
    more = end < len(items)
    return Page(chosen, _encode(key(chosen[-1])) if more and chosen else None)


def _encode(last: str) -> str:
    return base64.urlsafe_b64encode((_TOKEN_PREFIX + last).encode()).decode()


def _decode(token: str) -> str:
    try:
        text = base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith(_TOKEN_PREFIX):
        raise ValidationException("The NextToken provided is not valid.")
    return text[len(_TOKEN_PREFIX) :]
