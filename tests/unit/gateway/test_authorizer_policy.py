"""Evaluating a Lambda authorizer's IAM policy against a method ARN (spec §6.5)."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.gateway.authorizers.policy import Decision, InvalidPolicy, method_arn, parse_policy

ARN = method_arn("us-east-1", "123456789012", "abc123", "prod", "GET", "/pets/7")


def decide(*statements: dict[str, Any], arn: str = ARN) -> Decision:
    policy = parse_policy({"principalId": "p", "policyDocument": {"Statement": list(statements)}}, scalar_context=True)
    return policy.decide(arn)


def allow(resource: object, action: object = "execute-api:Invoke") -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def deny(resource: object) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": resource}


def test_method_arn_form() -> None:
    assert ARN == "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/7"
    assert method_arn("r", "a", "api", "s", "GET", "/").endswith("api/s/GET/")


@pytest.mark.parametrize(
    "resource",
    [
        ARN,
        "arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/*",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*",
        "arn:aws:execute-api:*:*:*",
        "*",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GE?/pets/?",
        ["arn:aws:execute-api:us-east-1:123456789012:other/*", ARN],
    ],
)
def test_allow_matches_with_wildcards(resource: object) -> None:
    assert decide(allow(resource)) is Decision.ALLOW


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/*",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/pets/7",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/?8",
        "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/get/pets/7",
    ],
)
def test_allow_for_another_method_is_no_allow(resource: str) -> None:
    assert decide(allow(resource)) is Decision.NO_ALLOW


def test_deny_wins_over_allow() -> None:
    assert decide(allow("*"), deny(ARN)) is Decision.DENY
    assert decide(deny("*/POST/*"), allow("*")) is Decision.ALLOW


def test_actions() -> None:
    assert decide(allow("*", "execute-api:*")) is Decision.ALLOW
    assert decide(allow("*", ["s3:GetObject", "EXECUTE-API:invoke"])) is Decision.ALLOW
    assert decide(allow("*", "s3:*")) is Decision.NO_ALLOW


def test_a_single_statement_object_is_accepted() -> None:
    policy = parse_policy({"policyDocument": {"Statement": allow(ARN)}}, scalar_context=True)
    assert policy.decide(ARN) is Decision.ALLOW


@pytest.mark.parametrize(
    "answer",
    [
        "Allow",
        {"principalId": "p"},
        {"policyDocument": {"Statement": []}},
        {"policyDocument": {"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}},
        {"policyDocument": {"Statement": [{"Effect": "Allow", "Resource": "*"}]}},
        {"policyDocument": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": 5}]}},
        {"policyDocument": {"Statement": [allow("*")]}, "context": {"a": {"b": 1}}},
        {"policyDocument": {"Statement": [allow("*")]}, "context": "text"},
    ],
)
def test_invalid_answers(answer: object) -> None:
    with pytest.raises(InvalidPolicy):
        parse_policy(answer, scalar_context=True)


def test_http_apis_take_any_context_values() -> None:
    policy = parse_policy({"policyDocument": {"Statement": [allow("*")]}, "context": {"a": [1]}}, scalar_context=False)
    assert policy.context == {"a": [1]}
