"""DeleteObjects: up to 1000 keys in one request, each deleted as DeleteObject would, each failing
on its own (S3 DeleteObjects)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triggerfish.core.errors import TriggerfishError
from triggerfish.services.s3.errors import MalformedXML
from triggerfish.services.s3.models import RequestInfo
from triggerfish.services.s3.service import Deletion, S3Service

MAX_KEYS = 1000


@dataclass(frozen=True)
class DeleteEntry:
    key: str
    version_id: str | None = None


@dataclass(frozen=True)
class Deleted:
    entry: DeleteEntry
    deletion: Deletion


@dataclass(frozen=True)
class DeleteFailed:
    entry: DeleteEntry
    code: str
    message: str


async def delete_objects(
    service: S3Service, bucket_name: str, entries: Sequence[DeleteEntry], request: RequestInfo
) -> list[Deleted | DeleteFailed]:
    bucket = service.buckets.get(bucket_name)
    # more than 1000 keys, or none, does not validate against S3's schema
    if not entries or len(entries) > MAX_KEYS:
        raise MalformedXML()
    results: list[Deleted | DeleteFailed] = []
    for entry in entries:
        try:
            deletion = await service.delete_object(bucket, entry.key, entry.version_id, request)
        except TriggerfishError as exc:
            results.append(DeleteFailed(entry, exc.code, exc.message))
        else:
            results.append(Deleted(entry, deletion))
    return results
