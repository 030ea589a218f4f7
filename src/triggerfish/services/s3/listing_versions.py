"""Listing every version of a bucket's keys, delete markers included (S3 ListObjectVersions)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from triggerfish.services.s3.errors import InvalidArgument
from triggerfish.services.s3.listing import MAX_KEYS, ListQuery, entry_key, resume_point, take, walk
from triggerfish.services.s3.models import StoredObject


class ObjectVersions(Protocol):
    def iter_versions(
        self,
        bucket: str,
        *,
        prefix: str = "",
        after_key: str | None = None,
        after_version: str | None = None,
    ) -> AsyncIterator[StoredObject]: ...


@dataclass(frozen=True)
class VersionQuery:
    """What to list: versions of keys under ``prefix``, after ``key_marker`` (and its
    ``version_marker``, when given: the versions of that key older than it come first)."""

    prefix: str = ""
    delimiter: str = ""
    max_keys: int = MAX_KEYS
    key_marker: str | None = None
    version_marker: str | None = None


@dataclass(frozen=True)
class ListedVersion:
    obj: StoredObject
    latest: bool


@dataclass(frozen=True)
class VersionPage:
    #: versions and delete markers, in key order and newest first within a key
    versions: tuple[ListedVersion, ...]
    common_prefixes: tuple[str, ...]
    truncated: bool
    next_key_marker: str | None
    next_version_marker: str | None


async def list_versions(index: ObjectVersions, bucket: str, query: VersionQuery) -> VersionPage:
    key_marker = query.key_marker or None
    version_marker = query.version_marker or None
    if version_marker is not None and key_marker is None:
        # S3 ListObjectVersions: the version marker only means something within a key
        raise InvalidArgument(
            "A version-id marker cannot be specified without a key marker.", "version-id-marker", version_marker
        )
    after, skip = resume_point(key_marker, query.prefix, query.delimiter)
    # within the marker's own key, resume after its version; a marker inside a common prefix skips it all
    within_key = version_marker is not None and skip is None

    def open_from(position: str | None) -> AsyncIterator[StoredObject]:
        return index.iter_versions(bucket, prefix=query.prefix, after_key=position)

    first = index.iter_versions(
        bucket, prefix=query.prefix, after_key=after, after_version=version_marker if within_key else None
    )
    listing = ListQuery(query.prefix, query.delimiter, query.max_keys, after)
    entries, truncated = await take(walk(open_from, first, listing, skip), query.max_keys)

    versions: list[ListedVersion] = []
    # newest comes first within a key, so only a key's first version on the page is the latest,
    # unless the page resumes inside that key
    previous = key_marker if within_key else None
    for entry in entries:
        if isinstance(entry, StoredObject):
            versions.append(ListedVersion(entry, latest=entry.key != previous))
            previous = entry.key
    prefixes = tuple(entry for entry in entries if isinstance(entry, str))
    next_key = next_version = None
    if truncated and entries:
        last = entries[-1]
        next_key = entry_key(last)
        next_version = last.version_id if isinstance(last, StoredObject) else None
    return VersionPage(tuple(versions), prefixes, truncated, next_key, next_version)


def versions_page_size(max_keys: int | None) -> int:
    """MaxKeys as ListObjectVersions takes it (its own wording for a negative value)."""
    if max_keys is None:
        return MAX_KEYS
    if max_keys < 0:
        raise InvalidArgument("max-keys cannot be negative", "max-keys", str(max_keys))
    return min(max_keys, MAX_KEYS)
