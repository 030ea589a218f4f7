"""Bucket policies: checked as S3 checks them on PutBucketPolicy, then kept as given."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from triggerfish.services.s3.errors import MalformedPolicy


def check_policy(policy: str, bucket: str) -> str:
    """The policy text, unchanged, once it reads as a bucket policy for ``bucket``."""
    if not policy.startswith("{"):
        raise MalformedPolicy("Policies must be valid JSON and the first byte must be '{'")
    try:
        document = json.loads(policy)
    except ValueError:
        raise MalformedPolicy("This policy contains invalid Json") from None
    if not isinstance(document, dict):
        raise MalformedPolicy("This policy contains invalid Json")
    statements = document.get("Statement")
    if statements is None:
        raise MalformedPolicy("Missing required field Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        _check_statement(statement, bucket)
    return policy


def _check_statement(statement: Any, bucket: str) -> None:
    if not isinstance(statement, dict):
        raise MalformedPolicy("This policy contains invalid Json")
    for required in ("Effect", "Principal"):
        if required not in statement and f"Not{required}" not in statement:
            raise MalformedPolicy(f"Missing required field {required}")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise MalformedPolicy(f"Invalid effect: {statement.get('Effect')}")
    if ("Action" not in statement and "NotAction" not in statement) or (
        "Resource" not in statement and "NotResource" not in statement
    ):
        raise MalformedPolicy("Statement is missing required element")
    resources = statement.get("Resource", statement.get("NotResource"))
    for resource in resources if isinstance(resources, list) else [resources]:
        if not _names_bucket(resource, bucket):
            # S3 "Bucket policy examples": a bucket policy governs only its own bucket and objects
            raise MalformedPolicy("Policy has invalid resource")


def is_public(policy: str | None) -> bool:
    """Whether a policy lets anyone in: an unconditional Allow for every principal (S3 "The meaning of public")."""
    if policy is None:
        return False
    statements = json.loads(policy).get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal")
        everyone = principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))
        if statement.get("Effect") == "Allow" and everyone and not statement.get("Condition"):
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _names_bucket(resource: Any, bucket: str) -> bool:
    if not isinstance(resource, str) or not resource.startswith("arn:aws:s3:::"):
        return False
    name = resource.removeprefix("arn:aws:s3:::").split("/", 1)[0]
    return fnmatchcase(bucket, name.replace("[", "[[]"))
