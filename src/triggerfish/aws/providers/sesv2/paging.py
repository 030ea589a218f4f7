"""NextToken paging over a list sorted by name: the token is the last name shown, so a page survives
items added or removed between calls."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import TypeVar

from triggerfish.aws.providers.sesv2.errors import BadRequest

T = TypeVar("T")


def page(items: Sequence[T], name: Callable[[T], str], token: str | None, size: int) -> tuple[list[T], str | None]:
    """Up to ``size`` of ``items`` (sorted by ``name``) after the one ``token`` names, and the next token."""
    after = _read(token) if token else None
    rest = [item for item in items if after is None or name(item) > after]
    shown = rest[:size]
    more = len(rest) > size and bool(shown)
    return shown, _write(name(shown[-1])) if more else None


def _write(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode()).decode()


def _read(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest("The NextToken is not valid.") from None
