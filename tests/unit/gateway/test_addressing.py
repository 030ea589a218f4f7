"""Which API or URL a request is for: host names and path prefixes."""

from __future__ import annotations

import pytest

from triggerfish.gateway.addressing import Target, TargetKind, target_of

API = TargetKind.EXECUTE_API
URL = TargetKind.LAMBDA_URL


@pytest.mark.parametrize(
    ("host", "path", "expected"),
    [
        ("abc123defg.execute-api.localhost:4566", "/prod/x", Target(API, "abc123defg", "/prod/x")),
        ("abc123defg.execute-api.localhost", "", Target(API, "abc123defg", "/")),
        ("ABC123DEFG.Execute-Api.LOCALHOST", "/a", Target(API, "abc123defg", "/a")),
        ("abc123defg.execute-api.eu-west-1.amazonaws.com", "/a", Target(API, "abc123defg", "/a")),
        ("u" * 32 + ".lambda-url.us-east-1.localhost:9000", "/p?", Target(URL, "u" * 32, "/p?")),
        ("u" * 32 + ".lambda-url.us-east-1.on.aws", "/", Target(URL, "u" * 32, "/")),
        ("localhost:4566", "/_execute-api/abc123defg/prod/x", Target(API, "abc123defg", "/prod/x")),
        ("localhost:4566", "/_execute-api/abc123defg//prod/x", Target(API, "abc123defg", "//prod/x")),
        ("localhost:4566", "/_execute-api/abc123defg", Target(API, "abc123defg", "/")),
        ("127.0.0.1:4566", "/_lambda-url/" + "u" * 32 + "/a/b", Target(URL, "u" * 32, "/a/b")),
    ],
)
def test_gateway_addresses(host: str, path: str, expected: Target) -> None:
    assert target_of(host, path) == expected


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("localhost:4566", "/2015-03-31/functions"),
        ("localhost:4566", "/_execute-api/"),
        ("sqs.us-east-1.localhost", "/"),
        ("abc.execute-api.example.com", "/"),
        ("[::1]:4566", "/"),
        ("", "/"),
    ],
)
def test_other_requests_are_not_the_gateways(host: str, path: str) -> None:
    assert target_of(host, path) is None
