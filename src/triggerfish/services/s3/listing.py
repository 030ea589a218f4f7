"""Listing a bucket a page at a time (S3 ListObjects and ListObjectsV2).

Keys come from the object index in key order; with a delimiter, every key whose rest (after the
prefix) holds the delimiter rolls up into one common prefix, which counts once toward the page.
A common prefix is never read key by key: once it is reported the index is asked again from just
past everything under it, so a "folder" of any size costs one query per page.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import quote

from triggerfish.services.s3.errors import InvalidArgument
from triggerfish.services.s3.models import StoredObject

#: the default and the largest page (S3 ListObjectsV2 "MaxKeys")
MAX_KEYS = 1000
# A key is at most 1,024 bytes of UTF-8 (S3 "Naming objects"), and no code point sorts after
# U+10FFFF, so no key that starts with a prefix sorts after the prefix followed by 256 of them.
_PAST_EVERYTHING = "\U0010ffff" * 256
_TOKEN_TAG = b"tf1:"

#: one listed item: an object (or version), or a common prefix
Entry = StoredObject | str


class CurrentObjects(Protocol):
    def iter_current(
        self, bucket: str, *, prefix: str = "", after: str | None = None
    ) -> AsyncIterator[StoredObject]: ...


@dataclass(frozen=True)
class ListQuery:
    """What to list: keys that start with ``prefix``, strictly after ``after``."""

    prefix: str = ""
    delimiter: str = ""
    max_keys: int = MAX_KEYS
    after: str | None = None


@dataclass(frozen=True)
class ObjectPage:
    objects: tuple[StoredObject, ...]
    common_prefixes: tuple[str, ...]
    truncated: bool
    #: the last key or common prefix on the page, in key order (``NextMarker``, the continuation)
    last: str | None

    @property
    def count(self) -> int:
        return len(self.objects) + len(self.common_prefixes)


async def list_objects(index: CurrentObjects, bucket: str, query: ListQuery) -> ObjectPage:
    """One page of the bucket's live objects and common prefixes."""
    after, skip = resume_point(query.after, query.prefix, query.delimiter)

    def open_from(position: str | None) -> AsyncIterator[StoredObject]:
        return index.iter_current(bucket, prefix=query.prefix, after=position)

    entries, truncated = await take(walk(open_from, open_from(after), query, skip), query.max_keys)
    objects = tuple(entry for entry in entries if isinstance(entry, StoredObject))
    prefixes = tuple(entry for entry in entries if isinstance(entry, str))
    last = entry_key(entries[-1]) if entries else None
    return ObjectPage(objects, prefixes, truncated, last)


def common_prefix(key: str, prefix: str, delimiter: str) -> str | None:
    """The common prefix ``key`` rolls up into: up to the first delimiter after ``prefix``."""
    if not delimiter:
        return None
    found = key.find(delimiter, len(prefix))
    return None if found < 0 else key[: found + len(delimiter)]


def past(group: str) -> str:
    """A position after every key under the common prefix ``group``."""
    return group + _PAST_EVERYTHING


def resume_point(marker: str | None, prefix: str, delimiter: str) -> tuple[str | None, str | None]:
    """Where to start after ``marker``, and the common prefix already listed up to it.

    A marker inside a common prefix (or the common prefix itself, as ``NextMarker`` gives it)
    means that whole prefix was listed: S3 resumes after everything under it.
    """
    if not marker:
        return None, None
    group = common_prefix(marker, prefix, delimiter) if marker.startswith(prefix) else None
    if group is None:
        return marker, None
    return max(marker, past(group)), group


async def walk(
    open_from: Callable[[str], AsyncIterator[StoredObject]],
    first: AsyncIterator[StoredObject],
    query: ListQuery,
    skip: str | None,
) -> AsyncIterator[Entry]:
    """Objects and common prefixes in key order, each common prefix once.

    ``open_from(position)`` iterates again from strictly after ``position``; ``skip`` is a common
    prefix already listed (keys under it that sort past the jump are too long to be real keys,
    but are skipped all the same).
    """
    iterator = first
    while True:
        jump: str | None = None
        try:
            async for obj in iterator:
                group = common_prefix(obj.key, query.prefix, query.delimiter)
                if group is None:
                    yield obj
                elif group != skip:
                    yield group
                    skip, jump = group, past(group)
                    break
        finally:
            await close(iterator)
        if jump is None:
            return
        iterator = open_from(jump)


async def take(entries: AsyncIterator[Entry], limit: int) -> tuple[list[Entry], bool]:
    """Up to ``limit`` entries, and whether more follow; ``limit`` 0 answers an empty, complete page."""
    collected: list[Entry] = []
    if limit <= 0:
        await close(entries)
        return collected, False
    try:
        async for entry in entries:
            if len(collected) == limit:
                return collected, True
            collected.append(entry)
    finally:
        await close(entries)
    return collected, False


async def close(iterator: AsyncIterator[Any]) -> None:
    """Stop an async generator early so its own clean-up runs now, not at garbage collection."""
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


def entry_key(entry: Entry) -> str:
    return entry if isinstance(entry, str) else entry.key


def page_size(max_keys: int | None) -> int:
    """MaxKeys as ListObjects takes it: absent is 1,000, more is capped at 1,000, negative refused."""
    if max_keys is None:
        return MAX_KEYS
    if max_keys < 0:
        raise InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", str(max_keys))
    return min(max_keys, MAX_KEYS)


def check_encoding(encoding_type: str | None) -> bool:
    """Whether names are to be URL-encoded; ``url`` is the only encoding S3 offers."""
    if encoding_type is None or encoding_type == "":
        return False
    if encoding_type != "url":
        raise InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding_type)
    return True


def url_encode(value: str) -> str:
    """A name as S3 writes it under ``encoding-type=url``: percent-encoded UTF-8, ``/`` kept."""
    return quote(value, safe="/")


def continuation_token(last: str) -> str:
    """An opaque token for the page after ``last`` (a key, or a common prefix)."""
    return base64.b64encode(_TOKEN_TAG + last.encode("utf-8", "surrogatepass")).decode("ascii")


def token_position(token: str) -> str:
    """The key or common prefix a continuation token was made from."""
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
        if not raw.startswith(_TOKEN_TAG):
            raise ValueError("not one of ours")
        return raw[len(_TOKEN_TAG) :].decode("utf-8", "surrogatepass")
    except (ValueError, UnicodeError, binascii.Error):
        # S3 "ListObjectsV2": a token it did not issue is refused, not read as a key
        raise InvalidArgument("The continuation token provided is incorrect", "continuation-token") from None
