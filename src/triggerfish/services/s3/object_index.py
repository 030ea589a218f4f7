"""Where object versions are found: documents of kind ``s3.object`` (the current version of each key,
named by the key) and ``s3.version`` (every version of a key in a bucket that was ever versioned,
named ``<key>\\x00<order>`` so that a key's versions sort newest first).

Document names order by their UTF-8 bytes, which is the order S3 lists keys in.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict
from typing import Any

from triggerfish.services.s3.models import (
    NULL_VERSION,
    OBJECT_KIND,
    UPLOAD_KIND,
    VERSION_KIND,
    ContentHeaders,
    StoredObject,
)
from triggerfish.store.interfaces import Document, DocumentStore

_PAGE = 1000
_ORDER_TOP = (1 << 64) - 1
_BLOB_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def encode_object(obj: StoredObject) -> str:
    body = asdict(obj)
    body["part_sizes"] = list(obj.part_sizes)
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def decode_object(text: str) -> StoredObject:
    body: dict[str, Any] = json.loads(text)
    body["headers"] = ContentHeaders(**body.get("headers", {}))
    body["part_sizes"] = tuple(body.get("part_sizes", ()))
    return StoredObject(**body)


def version_name(obj: StoredObject) -> str:
    """The version document's name: the key, then an order that puts newer versions first."""
    return f"{obj.key}\x00{_ORDER_TOP - obj.sequence:016x}"


def _key_of(version_document: str) -> str:
    return version_document.rpartition("\x00")[0]


class ObjectIndex:
    def __init__(self, documents: DocumentStore) -> None:
        self._documents = documents

    # --- reading ---------------------------------------------------------------------------

    async def current(self, bucket: str, key: str) -> StoredObject | None:
        """The latest version of ``key``, which may be a delete marker."""
        doc = await self._documents.get(OBJECT_KIND, bucket, key)
        return None if doc is None else decode_object(doc.body)

    async def version(self, bucket: str, key: str, version_id: str) -> StoredObject | None:
        current = await self.current(bucket, key)
        if current is not None and current.version_id == version_id:
            return current
        async for found in self.versions_of(bucket, key):
            if found.version_id == version_id:
                return found
        return None

    async def versions_of(self, bucket: str, key: str) -> AsyncIterator[StoredObject]:
        """The stored versions of one key in a versioned bucket, newest first."""
        async for doc in self._scan(VERSION_KIND, bucket, key + "\x00", None):
            yield decode_object(doc.body)

    async def iter_current(
        self, bucket: str, *, prefix: str = "", after: str | None = None
    ) -> AsyncIterator[StoredObject]:
        """Live objects (no delete markers) in key order whose key starts with ``prefix`` and
        sorts after ``after``."""
        async for doc in self._scan(OBJECT_KIND, bucket, prefix, after):
            obj = decode_object(doc.body)
            if not obj.delete_marker:
                yield obj

    async def iter_versions(
        self,
        bucket: str,
        *,
        prefix: str = "",
        after_key: str | None = None,
        after_version: str | None = None,
    ) -> AsyncIterator[StoredObject]:
        """Every version, delete markers included, in key order and newest first within a key.

        A key without version documents (its bucket was never versioned) yields its current
        object, whose version id is ``null``. ``after_key``/``after_version`` resume a listing:
        versions of ``after_key`` after ``after_version``, then later keys.
        """
        # past every version document of after_key itself (their order suffix is hex)
        versions = self._scan(VERSION_KIND, bucket, prefix, None if after_key is None else after_key + "\x00\x7f")
        currents = self._scan(OBJECT_KIND, bucket, prefix, after_key)
        version_doc = await anext(versions, None)
        current_doc = await anext(currents, None)
        if after_key is not None and after_version is not None:
            # resume inside after_key: the scans above start after it
            async for obj in self._resume(bucket, after_key, after_version):
                yield obj
        while version_doc is not None or current_doc is not None:
            version_key = None if version_doc is None else _key_of(version_doc.name)
            if current_doc is not None and (version_key is None or current_doc.name < version_key):
                yield decode_object(current_doc.body)
                current_doc = await anext(currents, None)
                continue
            assert version_doc is not None and version_key is not None
            if current_doc is not None and current_doc.name == version_key:
                current_doc = await anext(currents, None)  # its versions tell it all
            while version_doc is not None and _key_of(version_doc.name) == version_key:
                yield decode_object(version_doc.body)
                version_doc = await anext(versions, None)

    async def _resume(self, bucket: str, key: str, after_version: str) -> AsyncIterator[StoredObject]:
        seen = False
        any_version = False
        async for obj in self.versions_of(bucket, key):
            any_version = True
            if seen:
                yield obj
            seen = seen or obj.version_id == after_version
        if not any_version:
            return  # an unversioned key has one version, already listed

    async def any_in(self, bucket: str) -> bool:
        for kind in (OBJECT_KIND, VERSION_KIND):
            if await self._documents.list(kind, bucket, limit=1):
                return True
        return False

    # --- writing (the service keeps these consistent) --------------------------------------

    async def put_current(self, obj: StoredObject, *, now: float) -> None:
        await self._documents.put(OBJECT_KIND, obj.bucket, obj.key, encode_object(obj), now=now)

    async def remove_current(self, bucket: str, key: str) -> None:
        await self._documents.delete(OBJECT_KIND, bucket, key)

    async def put_version(self, obj: StoredObject, *, now: float) -> None:
        await self._documents.put(VERSION_KIND, obj.bucket, version_name(obj), encode_object(obj), now=now)

    async def remove_version(self, obj: StoredObject) -> None:
        await self._documents.delete(VERSION_KIND, obj.bucket, version_name(obj))

    async def blob_ids(self, buckets: Iterable[str]) -> set[str]:
        """Every blob id named by an object, version or upload document of ``buckets``.

        Any 32-hex-digit string of a document counts (an ETag may too): keeping a blob too many
        is harmless, sweeping one still named would lose data.
        """
        found: set[str] = set()
        for bucket in buckets:
            for kind in (OBJECT_KIND, VERSION_KIND, UPLOAD_KIND):
                async for doc in self._scan(kind, bucket, "", None):
                    found.update(_BLOB_ID.findall(doc.body))
        return found

    async def _scan(self, kind: str, bucket: str, prefix: str, after: str | None) -> AsyncIterator[Document]:
        """Documents of one bucket whose name starts with ``prefix`` and sorts after ``after``."""
        if after is None or after < prefix:
            if prefix:
                exact = await self._documents.get(kind, bucket, prefix)
                if exact is not None:
                    yield exact
            cursor = prefix or None
        else:
            cursor = after
        while True:
            page = await self._documents.list(kind, bucket, after=cursor, limit=_PAGE)
            for doc in page:
                if not doc.name.startswith(prefix):
                    return  # names with the prefix are contiguous and we started at or past them
                yield doc
            if len(page) < _PAGE:
                return
            cursor = page[-1].name


__all__ = ["NULL_VERSION", "ObjectIndex", "decode_object", "encode_object", "version_name"]
