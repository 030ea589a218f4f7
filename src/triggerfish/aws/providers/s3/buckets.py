"""Bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation and
bucket versioning."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.core.ids import DEFAULT_REGION
from triggerfish.services.s3.bucket_settings import owner
from triggerfish.services.s3.buckets import bucket_region
from triggerfish.services.s3.errors import InvalidArgument, MalformedXML
from triggerfish.services.s3.models import Versioning
from triggerfish.services.s3.service import S3Service

Operation = Callable[[Call], Awaitable[Reply]]
#: ListBuckets answers at most this many buckets a page (S3 ListBuckets, MaxBuckets)
_MAX_BUCKETS = 10_000


class BucketOperations:
    def __init__(self, service: S3Service) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateBucket": self.create_bucket,
            "HeadBucket": self.head_bucket,
            "DeleteBucket": self.delete_bucket,
            "ListBuckets": self.list_buckets,
            "GetBucketLocation": self.get_location,
            "GetBucketVersioning": self.get_versioning,
            "PutBucketVersioning": self.put_versioning,
        }

    async def create_bucket(self, call: Call) -> Reply:
        p = call.params
        configuration: Mapping[str, Any] = p.get("CreateBucketConfiguration") or {}
        region = bucket_region(call.scope.region, configuration.get("LocationConstraint"))
        bucket = await self._service.buckets.create(p["Bucket"], scope=call.scope, region=region)
        return Reply({"Location": f"/{bucket.name}"})

    async def head_bucket(self, call: Call) -> Reply:
        bucket = self._service.buckets.get(call.params["Bucket"])
        return Reply({"BucketRegion": bucket.region, "AccessPointAlias": False})

    async def delete_bucket(self, call: Call) -> Reply:
        await self._service.delete_bucket(call.params["Bucket"])
        return Reply()

    async def list_buckets(self, call: Call) -> Reply:
        p = call.params
        prefix = p.get("Prefix") or ""
        region = p.get("BucketRegion")
        limit = p.get("MaxBuckets")
        if limit is not None and not 1 <= limit <= _MAX_BUCKETS:
            raise InvalidArgument(
                "Argument max-buckets must be an integer between 1 and 10000.", "max-buckets", str(limit)
            )
        after = p.get("ContinuationToken")
        found = [
            b
            for b in self._service.buckets.all()
            if b.account == call.scope.account
            and b.name.startswith(prefix)
            and (region is None or b.region == region)
            and (after is None or b.name > after)
        ]
        page = found if limit is None else found[:limit]
        result: dict[str, Any] = {
            "Buckets": [{"Name": b.name, "CreationDate": b.created_at, "BucketRegion": b.region} for b in page],
            "Owner": owner(call.scope.account),
        }
        if limit is not None and len(found) > limit:
            result["ContinuationToken"] = page[-1].name
        if prefix:
            result["Prefix"] = prefix
        return Reply(result)

    async def get_location(self, call: Call) -> Reply:
        bucket = self._service.buckets.get(call.params["Bucket"])
        # us-east-1 answers an empty LocationConstraint (S3 GetBucketLocation)
        return Reply({"LocationConstraint": None if bucket.region == DEFAULT_REGION else bucket.region})

    async def get_versioning(self, call: Call) -> Reply:
        bucket = self._service.buckets.get(call.params["Bucket"])
        # a bucket never versioned answers an empty VersioningConfiguration
        if bucket.versioning is None:
            return Reply()
        return Reply({"Status": bucket.versioning.value})

    async def put_versioning(self, call: Call) -> Reply:
        p = call.params
        configuration: Mapping[str, Any] = p.get("VersioningConfiguration") or {}
        self._service.buckets.get(p["Bucket"])
        status = configuration.get("Status")
        if status not in (Versioning.ENABLED.value, Versioning.SUSPENDED.value):
            raise MalformedXML()
        if configuration.get("MFADelete") == "Enabled":
            raise InvalidArgument(
                "MFA delete is not supported: versioning can be set without it", "MFADelete", "Enabled"
            )
        await self._service.set_versioning(p["Bucket"], Versioning(status))
        return Reply()


__all__ = ["BucketOperations"]
