"""A bucket's own settings: tags, CORS rules, policy and public access block, each checked as S3
checks it before it replaces the stored one."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from triggerfish.core.clock import Clock
from triggerfish.services.s3.bucket_policy import check_policy
from triggerfish.services.s3.errors import (
    InvalidRequest,
    InvalidTag,
    MalformedXML,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchPublicAccessBlockConfiguration,
    NoSuchTagSet,
)
from triggerfish.services.s3.models import BUCKET_SCOPE, Bucket
from triggerfish.store.interfaces import DocumentStore

#: a bucket's public access block; named by the bucket, it remembers which bucket of that name it is for
PUBLIC_ACCESS_BLOCK_KIND = "s3.public_access_block"
PUBLIC_ACCESS_SETTINGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")

# S3 "Using cost allocation S3 bucket tags": 50 tags, keys 1-128 and values 0-256 characters of
# letters, numbers, spaces and _ . : / = + - @
_MAX_TAGS = 50
_MAX_TAG_KEY = 128
_MAX_TAG_VALUE = 256
_TAG_SYMBOLS = frozenset("_.:/=+-@")
# S3 "CORS configuration": at most 100 rules, each method one of these five
_MAX_CORS_RULES = 100
_CORS_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "HEAD"})


class BucketRegistry(Protocol):
    def get(self, name: str) -> Bucket: ...

    async def update(self, bucket: Bucket) -> Bucket: ...


def owner(account: str) -> dict[str, str]:
    """The Owner of an account's buckets and objects: its canonical user id, 64 hex digits.

    S3 no longer returns owner display names (S3 "Owner", 2025), so only the id is given.
    """
    return {"ID": hashlib.sha256(f"triggerfish:{account}".encode()).hexdigest()}


# --- tags ------------------------------------------------------------------------------------


def check_tags(tag_set: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """A TagSet as a mapping; tags are checked in order, the count last, as S3 does."""
    tags: dict[str, str] = {}
    for tag in tag_set:
        key, value = tag.get("Key"), tag.get("Value", "")
        if not isinstance(key, str) or not isinstance(value, str):
            raise MalformedXML()
        if key in tags:
            raise InvalidTag("Cannot provide multiple Tags with the same key", key)
        if key.lower().startswith("aws:"):
            # the aws: prefix is reserved for tags AWS itself sets
            raise InvalidTag("Your TagKey cannot be prefixed with aws:", key)
        if not 1 <= len(key) <= _MAX_TAG_KEY or not _tag_text(key):
            raise InvalidTag("The TagKey you have provided is invalid", key)
        if len(value) > _MAX_TAG_VALUE or not _tag_text(value):
            raise InvalidTag("The TagValue you have provided is invalid", key, value)
        tags[key] = value
    if len(tags) > _MAX_TAGS:
        raise InvalidTag(f"Bucket tag count cannot be greater than {_MAX_TAGS}")
    return tags


def _tag_text(text: str) -> bool:
    return all(char.isalnum() or char in _TAG_SYMBOLS or unicodedata.category(char) == "Zs" for char in text)


def tag_set(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


# --- CORS ------------------------------------------------------------------------------------


def check_cors(configuration: Mapping[str, Any]) -> dict[str, Any]:
    """A CORSConfiguration as it is stored and returned: its rules, each with only the members given."""
    rules = configuration.get("CORSRules")
    if not isinstance(rules, list) or not rules:
        raise MalformedXML()
    if len(rules) > _MAX_CORS_RULES:
        raise InvalidRequest(f"The number of CORS rules should not exceed allowed limit of {_MAX_CORS_RULES} rules.")
    return {"CORSRules": [_cors_rule(rule) for rule in rules]}


def _cors_rule(rule: Any) -> dict[str, Any]:
    if not isinstance(rule, Mapping):
        raise MalformedXML()
    methods = _strings(rule.get("AllowedMethods"), required=True)
    origins = _strings(rule.get("AllowedOrigins"), required=True)
    for method in methods:
        if method not in _CORS_METHODS:
            raise InvalidRequest(f"Found unsupported HTTP method in CORS config. Unsupported method is {method}")
    for origin in origins:
        if origin.count("*") > 1:
            raise InvalidRequest(f'AllowedOrigin "{origin}" can not have more than one wildcard.')
    checked: dict[str, Any] = {}
    if rule.get("ID") is not None:
        checked["ID"] = str(rule["ID"])
    headers = _strings(rule.get("AllowedHeaders"), required=False)
    for header in headers:
        if header.count("*") > 1:
            raise InvalidRequest(f'AllowedHeader "{header}" can not have more than one wildcard.')
    if headers:
        checked["AllowedHeaders"] = headers
    checked["AllowedMethods"] = methods
    checked["AllowedOrigins"] = origins
    expose = _strings(rule.get("ExposeHeaders"), required=False)
    if expose:
        checked["ExposeHeaders"] = expose
    max_age = rule.get("MaxAgeSeconds")
    if max_age is not None:
        if isinstance(max_age, bool) or not isinstance(max_age, int):
            raise MalformedXML()
        checked["MaxAgeSeconds"] = max_age
    return checked


def _strings(value: Any, *, required: bool) -> list[str]:
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value) or (required and not value):
        raise MalformedXML()
    return list(value)


# --- public access block ---------------------------------------------------------------------


def check_public_access_block(configuration: Mapping[str, Any]) -> dict[str, bool]:
    """Every setting, unset ones false (S3 PutPublicAccessBlock replaces the whole block)."""
    checked: dict[str, bool] = {}
    for name in PUBLIC_ACCESS_SETTINGS:
        value = configuration.get(name, False)
        if not isinstance(value, bool):
            raise MalformedXML()
        checked[name] = value
    return checked


class BucketSettings:
    """Reads and replaces settings; each setting is a member of the bucket's frozen value, except the
    public access block, which the bucket model does not hold and which is kept beside it."""

    def __init__(self, buckets: BucketRegistry, documents: DocumentStore, clock: Clock) -> None:
        self._buckets = buckets
        self._documents = documents
        self._clock = clock

    async def put_tags(self, name: str, tags: Sequence[Mapping[str, Any]]) -> None:
        checked = check_tags(tags)
        await self._buckets.update(replace(self._buckets.get(name), tags=checked))

    def tags(self, name: str) -> dict[str, str]:
        bucket = self._buckets.get(name)
        if not bucket.tags:
            raise NoSuchTagSet(name)
        return dict(bucket.tags)

    async def delete_tags(self, name: str) -> None:
        await self._buckets.update(replace(self._buckets.get(name), tags={}))

    async def put_cors(self, name: str, configuration: Mapping[str, Any]) -> None:
        checked = check_cors(configuration)
        await self._buckets.update(replace(self._buckets.get(name), cors=checked))

    def cors(self, name: str) -> Mapping[str, Any]:
        bucket = self._buckets.get(name)
        if bucket.cors is None:
            raise NoSuchCORSConfiguration(name)
        return bucket.cors

    async def delete_cors(self, name: str) -> None:
        await self._buckets.update(replace(self._buckets.get(name), cors=None))

    async def put_policy(self, name: str, policy: str) -> None:
        bucket = self._buckets.get(name)
        await self._buckets.update(replace(bucket, policy=check_policy(policy, name)))

    def policy(self, name: str) -> str:
        bucket = self._buckets.get(name)
        if bucket.policy is None:
            raise NoSuchBucketPolicy(name)
        return bucket.policy

    async def delete_policy(self, name: str) -> None:
        await self._buckets.update(replace(self._buckets.get(name), policy=None))

    async def public_access_block(self, name: str) -> dict[str, bool]:
        bucket = self._buckets.get(name)
        stored = await self._stored_block(bucket)
        if stored is None:
            # new buckets block all public access (S3, since April 2023)
            return dict.fromkeys(PUBLIC_ACCESS_SETTINGS, True)
        if stored.get("config") is None:
            raise NoSuchPublicAccessBlockConfiguration(name)
        return dict(stored["config"])

    async def put_public_access_block(self, name: str, configuration: Mapping[str, Any]) -> None:
        await self._store_block(self._buckets.get(name), check_public_access_block(configuration))

    async def delete_public_access_block(self, name: str) -> None:
        await self._store_block(self._buckets.get(name), None)

    async def _stored_block(self, bucket: Bucket) -> dict[str, Any] | None:
        doc = await self._documents.get(PUBLIC_ACCESS_BLOCK_KIND, BUCKET_SCOPE, bucket.name)
        if doc is None:
            return None
        body: dict[str, Any] = json.loads(doc.body)
        # a block left by an earlier bucket of the same name is not this bucket's
        return body if body.get("bucket_created") == bucket.created_at else None

    async def _store_block(self, bucket: Bucket, config: dict[str, bool] | None) -> None:
        body = json.dumps({"bucket_created": bucket.created_at, "config": config})
        await self._documents.put(PUBLIC_ACCESS_BLOCK_KIND, BUCKET_SCOPE, bucket.name, body, now=self._clock.now())
