"""API Gateway v1 (REST APIs) and v2 (HTTP APIs) sign with the same name: the path tells them apart."""

from __future__ import annotations

import pytest

from triggerfish.aws.protocol import Headers, HttpRequest
from triggerfish.aws.routing import SUPPORTED_SERVICES, ServiceRoute, UnsupportedService, route

SIGNED = Headers(
    {"Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/apigateway/aws4_request, Signature=x"}
)


@pytest.mark.parametrize(
    ("method", "path", "service"),
    [
        ("POST", "/restapis", "apigateway"),
        ("GET", "/restapis/abc123defg/resources", "apigateway"),
        ("PUT", "/tags/arn%3Aaws%3Aapigateway%3Aeu-west-1%3A%3A%2Frestapis%2Fabc", "apigateway"),
        ("GET", "/v2/apis", "apigatewayv2"),
        ("POST", "/v2/apis/abc/routes", "apigatewayv2"),
        ("GET", "/v2/tags/arn%3Aaws%3Aapigateway%3Aeu-west-1%3A%3A%2Fapis%2Fabc", "apigatewayv2"),
    ],
)
def test_both_versions_are_served_and_told_apart_by_path(method: str, path: str, service: str) -> None:
    assert "apigateway" in SUPPORTED_SERVICES and "apigatewayv2" in SUPPORTED_SERVICES
    assert route(HttpRequest(method, path, headers=SIGNED)) == ServiceRoute(service, "eu-west-1")


def test_an_endpoint_serving_one_version_names_the_other_as_unsupported() -> None:
    only_v1 = route(HttpRequest("GET", "/v2/apis", headers=SIGNED), {"apigateway"})
    assert only_v1 == UnsupportedService("apigatewayv2", "eu-west-1", None)
    only_v2 = route(HttpRequest("GET", "/restapis", headers=SIGNED), {"apigatewayv2"})
    assert only_v2 == UnsupportedService("apigateway", "eu-west-1", None)
    assert route(HttpRequest("GET", "/restapis", headers=SIGNED), {"apigateway"}) == ServiceRoute(
        "apigateway", "eu-west-1"
    )
