"""The CORS policy of HTTP APIs and Function URLs (spec §6.4, §6.6)."""

from __future__ import annotations

from triggerfish.gateway.cors import function_url_cors, http_api_cors
from triggerfish.gateway.request import Request
from triggerfish.gateway.response import Response
from triggerfish.services.apigatewayv2.views import CorsView
from triggerfish.services.lambda_.url_config import UrlCors


def request(method: str = "GET", **headers: str) -> Request:
    pairs = tuple((name.replace("_", "-"), value) for name, value in headers.items())
    return Request(method, "/", "", pairs, b"", "127.0.0.1", "h", 80)


def test_preflight_needs_origin_and_requested_method() -> None:
    policy = http_api_cors(CorsView(allow_origins=("*",)))
    assert policy.is_preflight(request("OPTIONS", origin="https://a", access_control_request_method="PUT"))
    assert not policy.is_preflight(request("OPTIONS", origin="https://a"))
    assert not policy.is_preflight(request("GET", origin="https://a", access_control_request_method="PUT"))


def test_wildcard_origin_without_credentials_answers_star() -> None:
    policy = http_api_cors(CorsView(allow_origins=("*",), allow_methods=("*",)))
    response = policy.preflight(request("OPTIONS", origin="https://a", access_control_request_method="PUT"))
    assert response.status == 204
    assert (b"access-control-allow-origin", b"*") in response.headers
    assert (b"access-control-allow-methods", b"*") in response.headers


def test_wildcard_patterns_and_disallowed_origins() -> None:
    policy = http_api_cors(CorsView(allow_origins=("https://*.example.com", "http://localhost:3000")))
    allowed = policy.preflight(
        request("OPTIONS", origin="https://app.example.com", access_control_request_method="GET")
    )
    assert (b"access-control-allow-origin", b"https://app.example.com") in allowed.headers
    local = policy.preflight(request("OPTIONS", origin="http://LOCALHOST:3000", access_control_request_method="GET"))
    assert (b"access-control-allow-origin", b"http://LOCALHOST:3000") in local.headers
    refused = policy.preflight(request("OPTIONS", origin="https://evil.com", access_control_request_method="GET"))
    assert refused.status == 204 and refused.headers == []


def test_http_api_drops_every_cors_header_of_the_integration() -> None:
    policy = http_api_cors(CorsView(allow_origins=("https://a",), allow_credentials=True))
    response = Response(200, [(b"access-control-allow-origin", b"*"), (b"access-control-max-age", b"9"), (b"x", b"1")])
    policy.apply(request(origin="https://a"), response)
    assert response.headers == [
        (b"x", b"1"),
        (b"access-control-allow-origin", b"https://a"),
        (b"access-control-allow-credentials", b"true"),
    ]
    without_origin = Response(200, [(b"access-control-allow-origin", b"*")])
    policy.apply(request(), without_origin)
    assert without_origin.headers == []


def test_function_url_replaces_only_what_it_sets() -> None:
    policy = function_url_cors(UrlCors(allow_origins=("https://a",), expose_headers=("x-id",)))
    response = Response(200, [(b"access-control-allow-origin", b"*"), (b"access-control-max-age", b"9")])
    policy.apply(request(origin="https://a"), response)
    assert response.headers == [
        (b"access-control-max-age", b"9"),
        (b"access-control-allow-origin", b"https://a"),
        (b"access-control-expose-headers", b"x-id"),
    ]
