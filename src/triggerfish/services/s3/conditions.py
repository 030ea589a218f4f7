"""Conditional requests: If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since.

S3 follows RFC 7232's precedence (S3 GetObject, "Conditional requests"): If-Match decides
instead of If-Unmodified-Since, and If-None-Match instead of If-Modified-Since; a failed
If-Match or If-Unmodified-Since answers 412, a failed If-None-Match or If-Modified-Since 304
on reads. Dates compare at whole seconds, the precision of the Last-Modified header.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from triggerfish.services.s3.errors import NoSuchKey, NotImplementedFeature, NotModified, PreconditionFailed
from triggerfish.services.s3.models import StoredObject


@dataclass(frozen=True)
class Conditions:
    if_match: str | None = None
    if_none_match: str | None = None
    #: epoch seconds
    if_modified_since: float | None = None
    if_unmodified_since: float | None = None

    @property
    def empty(self) -> bool:
        return (
            self.if_match is None
            and self.if_none_match is None
            and self.if_modified_since is None
            and self.if_unmodified_since is None
        )


def etag_matches(header: str, etag: str) -> bool:
    """Whether an If-Match / If-None-Match list (``*``, quoted or bare, weak or strong) names ``etag``."""
    for item in header.split(","):
        candidate = item.strip()
        if candidate == "*":
            return True
        candidate = candidate.removeprefix("W/").strip('"')
        if candidate == etag:
            return True
    return False


def _seconds(obj: StoredObject) -> int:
    return math.floor(obj.last_modified)


def check_read(obj: StoredObject, conditions: Conditions) -> None:
    """Raise ``PreconditionFailed`` (412) or ``NotModified`` (304) as GetObject / HeadObject do."""
    _check(obj, conditions, not_modified=True, prefix="")


def check_copy_source(obj: StoredObject, conditions: Conditions) -> None:
    """The ``x-amz-copy-source-if-*`` conditions: every failure is a 412 (S3 CopyObject)."""
    _check(obj, conditions, not_modified=False, prefix="x-amz-copy-source-")


def _check(obj: StoredObject, conditions: Conditions, *, not_modified: bool, prefix: str) -> None:
    if conditions.if_match is not None:
        if not etag_matches(conditions.if_match, obj.etag):
            raise PreconditionFailed(f"{prefix}If-Match")
    elif conditions.if_unmodified_since is not None and _seconds(obj) > conditions.if_unmodified_since:
        raise PreconditionFailed(f"{prefix}If-Unmodified-Since")
    if conditions.if_none_match is not None:
        if etag_matches(conditions.if_none_match, obj.etag):
            if not_modified:
                raise NotModified(obj.etag, obj.last_modified)
            raise PreconditionFailed(f"{prefix}If-None-Match")
    elif conditions.if_modified_since is not None and _seconds(obj) <= conditions.if_modified_since:
        if not_modified:
            raise NotModified(obj.etag, obj.last_modified)
        raise PreconditionFailed(f"{prefix}If-Modified-Since")


def check_write(key: str, current: StoredObject | None, if_match: str | None, if_none_match: str | None) -> None:
    """Conditional writes (S3 "Conditional writes"): ``If-None-Match: *`` fails (412) when the key
    exists; ``If-Match`` fails (412) unless it exists with that ETag, and answers NoSuchKey when
    there is no object. A delete marker counts as no object."""
    live = current if current is not None and not current.delete_marker else None
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            # only the wildcard is supported on writes
            raise NotImplementedFeature("If-None-Match")
        if live is not None:
            raise PreconditionFailed("If-None-Match")
    if if_match is not None:
        if live is None:
            raise NoSuchKey(key)
        if not etag_matches(if_match, live.etag):
            raise PreconditionFailed("If-Match")
