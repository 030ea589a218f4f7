"""Checking and storing tags, CORS rules, policies and public access blocks of a bucket."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.scope import Location
from triggerfish.services.s3.bucket_policy import check_policy, is_public
from triggerfish.services.s3.bucket_settings import (
    BucketSettings,
    check_cors,
    check_public_access_block,
    check_tags,
    owner,
)
from triggerfish.services.s3.buckets import BucketRegistry
from triggerfish.services.s3.errors import (
    InvalidRequest,
    InvalidTag,
    MalformedPolicy,
    MalformedXML,
    NoSuchBucket,
    NoSuchBucketPolicy,
    NoSuchCORSConfiguration,
    NoSuchPublicAccessBlockConfiguration,
    NoSuchTagSet,
)
from triggerfish.store.factory import open_store

Parts = tuple[BucketSettings, BucketRegistry, VirtualClock]


def _policy(**statement: Any) -> str:
    base = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bkt/*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [{**base, **statement}]})


# --- tags ------------------------------------------------------------------------------------


def test_tags_become_a_mapping() -> None:
    assert check_tags([{"Key": "env", "Value": "dev"}, {"Key": "empty", "Value": ""}]) == {"env": "dev", "empty": ""}
    assert check_tags([{"Key": "a b+c-d=e.f_g:h/i@j", "Value": "ü 1"}]) == {"a b+c-d=e.f_g:h/i@j": "ü 1"}


@pytest.mark.parametrize(
    ("tags", "message", "fields"),
    [
        (
            [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}],
            "Cannot provide multiple Tags with the same key",
            {"TagKey": "k"},
        ),
        ([{"Key": "", "Value": "v"}], "The TagKey you have provided is invalid", {"TagKey": ""}),
        ([{"Key": "k" * 129, "Value": "v"}], "The TagKey you have provided is invalid", {"TagKey": "k" * 129}),
        ([{"Key": "k", "Value": "v" * 257}], "The TagValue you have provided is invalid", {"TagValue": "v" * 257}),
        ([{"Key": "k", "Value": "inv&alid"}], "The TagValue you have provided is invalid", {"TagValue": "inv&alid"}),
        ([{"Key": "aws:cloudformation", "Value": "v"}], "Your TagKey cannot be prefixed with aws:", {}),
        ([{"Key": f"k{n}", "Value": "v"} for n in range(51)], "Bucket tag count cannot be greater than 50", {}),
    ],
)
def test_bad_tags_are_refused_as_s3_refuses_them(
    tags: list[dict[str, str]], message: str, fields: dict[str, str]
) -> None:
    with pytest.raises(InvalidTag) as caught:
        check_tags(tags)
    assert caught.value.message == message
    assert caught.value.status == 400
    for name, value in fields.items():
        assert caught.value.fields[name] == value


def test_fifty_tags_and_the_longest_key_and_value_are_fine() -> None:
    assert len(check_tags([{"Key": f"k{n}", "Value": "v"} for n in range(50)])) == 50
    assert check_tags([{"Key": "k" * 128, "Value": "v" * 256}])


# --- CORS ------------------------------------------------------------------------------------


def test_cors_rules_keep_only_what_was_given() -> None:
    checked = check_cors(
        {"CORSRules": [{"AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 300, "ID": "r"}]}
    )
    assert checked == {
        "CORSRules": [{"ID": "r", "AllowedMethods": ["GET", "PUT"], "AllowedOrigins": ["*"], "MaxAgeSeconds": 300}]
    }


def test_cors_refuses_unsupported_methods_with_s3s_message() -> None:
    with pytest.raises(InvalidRequest) as caught:
        check_cors({"CORSRules": [{"AllowedMethods": ["GET", "PATCH"], "AllowedOrigins": ["*"]}]})
    assert caught.value.message == "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"


@pytest.mark.parametrize(
    "configuration",
    [
        {},
        {"CORSRules": []},
        {"CORSRules": [{"AllowedMethods": ["GET"]}]},
        {"CORSRules": [{"AllowedMethods": [], "AllowedOrigins": ["*"]}]},
        {"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"], "MaxAgeSeconds": "x"}]},
    ],
)
def test_cors_without_rules_methods_or_origins_is_malformed(configuration: dict[str, Any]) -> None:
    with pytest.raises(MalformedXML):
        check_cors(configuration)


def test_cors_limits_rules_and_wildcards() -> None:
    rule = {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}
    assert len(check_cors({"CORSRules": [rule] * 100})["CORSRules"]) == 100
    with pytest.raises(InvalidRequest, match="100 rules"):
        check_cors({"CORSRules": [rule] * 101})
    with pytest.raises(InvalidRequest, match="more than one wildcard"):
        check_cors({"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["http://*.*.example"]}]})


# --- policy ----------------------------------------------------------------------------------


def test_a_valid_policy_is_kept_as_given() -> None:
    text = _policy()
    assert check_policy(text, "bkt") is text
    assert check_policy(_policy(Resource=["arn:aws:s3:::bkt", "arn:aws:s3:::bkt/*"]), "bkt")
    assert check_policy(_policy(Resource="arn:aws:s3:::*"), "bkt")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (' {"Statement": []}', "Policies must be valid JSON and the first byte must be '{'"),
        ("[]", "Policies must be valid JSON and the first byte must be '{'"),
        ("{not json", "This policy contains invalid Json"),
        ('{"Version": "2012-10-17"}', "Missing required field Statement"),
        ('{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}', "Missing required field Principal"),
        (_policy(Effect="Maybe"), "Invalid effect: Maybe"),
        (_policy(Resource="arn:aws:s3:::other-bucket/*"), "Policy has invalid resource"),
    ],
)
def test_bad_policies_are_refused_with_s3s_messages(text: str, message: str) -> None:
    with pytest.raises(MalformedPolicy) as caught:
        check_policy(text, "bkt")
    assert caught.value.message == message
    assert caught.value.code == "MalformedPolicy"


def test_a_policy_is_public_when_it_allows_everyone_unconditionally() -> None:
    assert is_public(_policy())
    assert not is_public(_policy(Principal={"AWS": "arn:aws:iam::000000000000:root"}))
    assert not is_public(_policy(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    assert not is_public(None)


def test_public_access_block_fills_unset_settings_with_false() -> None:
    assert check_public_access_block({"BlockPublicAcls": True}) == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }


def test_owner_ids_are_64_hex_digits_and_stable() -> None:
    assert owner("000000000000") == owner("000000000000")
    assert len(owner("000000000000")["ID"]) == 64


# --- stored on the bucket --------------------------------------------------------------------


@pytest.fixture
async def parts() -> AsyncIterator[tuple[BucketSettings, BucketRegistry, VirtualClock]]:
    store = open_store(None)
    await store.open()
    clock = VirtualClock()
    buckets = BucketRegistry(store.documents, clock)
    await buckets.create("bkt", scope=Location(), region="us-east-1")
    yield BucketSettings(buckets, store.documents, clock), buckets, clock
    await store.close()


async def test_tags_put_get_delete(parts: Parts) -> None:
    settings, buckets, _ = parts
    with pytest.raises(NoSuchTagSet):
        settings.tags("bkt")
    await settings.put_tags("bkt", [{"Key": "env", "Value": "dev"}])
    assert settings.tags("bkt") == {"env": "dev"}
    assert buckets.get("bkt").tags == {"env": "dev"}
    await settings.delete_tags("bkt")
    with pytest.raises(NoSuchTagSet):
        settings.tags("bkt")


async def test_cors_and_policy_put_get_delete(parts: Parts) -> None:
    settings, _, _ = parts
    with pytest.raises(NoSuchCORSConfiguration):
        settings.cors("bkt")
    await settings.put_cors("bkt", {"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]})
    assert settings.cors("bkt")["CORSRules"][0]["AllowedMethods"] == ["GET"]
    await settings.delete_cors("bkt")
    with pytest.raises(NoSuchCORSConfiguration):
        settings.cors("bkt")
    with pytest.raises(NoSuchBucketPolicy):
        settings.policy("bkt")
    await settings.put_policy("bkt", _policy())
    assert settings.policy("bkt") == _policy()
    await settings.delete_policy("bkt")
    with pytest.raises(NoSuchBucketPolicy):
        settings.policy("bkt")


async def test_a_refused_setting_leaves_the_old_one(parts: Parts) -> None:
    settings, _, _ = parts
    await settings.put_tags("bkt", [{"Key": "env", "Value": "dev"}])
    with pytest.raises(InvalidTag):
        await settings.put_tags("bkt", [{"Key": "", "Value": "x"}])
    assert settings.tags("bkt") == {"env": "dev"}


async def test_public_access_block_defaults_to_all_blocked_and_is_per_bucket_incarnation(
    parts: Parts,
) -> None:
    settings, buckets, clock = parts
    assert set((await settings.public_access_block("bkt")).values()) == {True}
    await settings.put_public_access_block("bkt", {"BlockPublicPolicy": True})
    assert await settings.public_access_block("bkt") == check_public_access_block({"BlockPublicPolicy": True})
    await settings.delete_public_access_block("bkt")
    with pytest.raises(NoSuchPublicAccessBlockConfiguration):
        await settings.public_access_block("bkt")
    # a new bucket of the same name starts from the default again
    await buckets.delete("bkt")
    with pytest.raises(NoSuchBucket):
        await settings.public_access_block("bkt")
    await clock.advance(60)
    await buckets.create("bkt", scope=Location(), region="us-east-1")
    assert set((await settings.public_access_block("bkt")).values()) == {True}


async def test_settings_of_a_missing_bucket(parts: Parts) -> None:
    settings, _, _ = parts
    with pytest.raises(NoSuchBucket):
        await settings.put_tags("nope", [])
    with pytest.raises(NoSuchBucket):
        settings.cors("nope")
