"""Buckets: their names, regions and configurations, kept in memory and stored one document each
(kind ``s3.bucket``, scope ``global``, named by the bucket)."""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import asdict
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.core.ids import DEFAULT_REGION
from triggerfish.core.scope import Scope
from triggerfish.services.s3.errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    IllegalLocationConstraint,
    InvalidBucketName,
    InvalidLocationConstraint,
    NoSuchBucket,
)
from triggerfish.services.s3.models import BUCKET_KIND, BUCKET_SCOPE, Bucket, Versioning
from triggerfish.store.interfaces import DocumentStore, RevisionMismatch

# General purpose bucket naming rules (S3 User Guide, "Bucket naming rules")
_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
# CreateBucketConfiguration LocationConstraint "EU" is the legacy name of eu-west-1
_LOCATION_ALIASES = {"EU": "eu-west-1"}


def check_bucket_name(name: str) -> None:
    """Raise ``InvalidBucketName`` unless ``name`` follows the general purpose bucket naming rules."""
    if (
        not _NAME.fullmatch(name)
        or ".." in name
        or ".-" in name
        or "-." in name
        or name.startswith(_RESERVED_PREFIXES)
        or name.endswith(_RESERVED_SUFFIXES)
        or _is_ip_address(name)
    ):
        raise InvalidBucketName(name)


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def bucket_region(request_region: str, location_constraint: str | None) -> str:
    """The region a CreateBucket makes its bucket in.

    us-east-1 takes no LocationConstraint (naming it is InvalidLocationConstraint); any other
    endpoint needs the constraint, equal to its own region (S3 CreateBucket).
    """
    if not location_constraint:
        if request_region != DEFAULT_REGION:
            raise IllegalLocationConstraint(
                "The unspecified location constraint is incompatible for the region specific endpoint "
                "this request was sent to."
            )
        return DEFAULT_REGION
    if location_constraint == DEFAULT_REGION:
        raise InvalidLocationConstraint(location_constraint)
    region = _LOCATION_ALIASES.get(location_constraint, location_constraint)
    if region != request_region:
        raise IllegalLocationConstraint(
            f"The {location_constraint} location constraint is incompatible for the region specific endpoint "
            "this request was sent to."
        )
    return region


def encode_bucket(bucket: Bucket) -> str:
    body = asdict(bucket)
    body["versioning"] = None if bucket.versioning is None else bucket.versioning.value
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def decode_bucket(text: str) -> Bucket:
    body: dict[str, Any] = json.loads(text)
    versioning = body.get("versioning")
    body["versioning"] = None if versioning is None else Versioning(versioning)
    return Bucket(**body)


class BucketRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock
        self._buckets: dict[str, Bucket] = {}

    async def load(self) -> None:
        """Read every bucket from the store (at start)."""
        docs = await self._documents.list(BUCKET_KIND, BUCKET_SCOPE)
        self._buckets = {doc.name: decode_bucket(doc.body) for doc in docs}

    async def create(self, name: str, *, scope: Scope, region: str) -> Bucket:
        check_bucket_name(name)
        existing = self._buckets.get(name)
        if existing is not None:
            return self._recreate(existing, scope, region)
        bucket = Bucket(name=name, account=scope.account, region=region, created_at=self._clock.now())
        try:
            await self._documents.put(
                BUCKET_KIND, BUCKET_SCOPE, name, encode_bucket(bucket), now=bucket.created_at, expected_revision=0
            )
        except RevisionMismatch:
            raced = self._buckets.get(name)
            if raced is None:
                raise BucketAlreadyExists(name) from None
            return self._recreate(raced, scope, region)
        self._buckets[name] = bucket
        return bucket

    def _recreate(self, existing: Bucket, scope: Scope, region: str) -> Bucket:
        if existing.account != scope.account:
            raise BucketAlreadyExists(existing.name)
        # for legacy compatibility, re-creating your own bucket in us-east-1 succeeds (S3 CreateBucket)
        if region == DEFAULT_REGION and existing.region == DEFAULT_REGION:
            return existing
        raise BucketAlreadyOwnedByYou(existing.name)

    def get(self, name: str) -> Bucket:
        bucket = self._buckets.get(name)
        if bucket is None:
            raise NoSuchBucket(name)
        return bucket

    def find(self, name: str) -> Bucket | None:
        return self._buckets.get(name)

    async def update(self, bucket: Bucket) -> Bucket:
        """Store a changed bucket (a replaced frozen value) and make it the one ``get`` returns."""
        if bucket.name not in self._buckets:
            raise NoSuchBucket(bucket.name)
        await self._documents.put(BUCKET_KIND, BUCKET_SCOPE, bucket.name, encode_bucket(bucket), now=self._clock.now())
        self._buckets[bucket.name] = bucket
        return bucket

    async def delete(self, name: str) -> None:
        self.get(name)
        await self._documents.delete(BUCKET_KIND, BUCKET_SCOPE, name)
        self._buckets.pop(name, None)

    def all(self) -> list[Bucket]:
        """Every bucket, by name."""
        return [self._buckets[name] for name in sorted(self._buckets)]


__all__ = ["BucketRegistry", "bucket_region", "check_bucket_name", "decode_bucket", "encode_bucket"]
