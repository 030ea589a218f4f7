"""The headers of proxy events: hop-by-hop ones dropped, X-Forwarded-* added, 1.0 names cased as AWS shows them."""

from __future__ import annotations

from triggerfish.gateway.proxy_headers import title_case, v1_headers, v2_headers
from triggerfish.gateway.request import Request


def request(*headers: tuple[str, str], names: tuple[str, ...] | None = None) -> Request:
    return Request("GET", "/", "", headers, b"", "10.0.0.1", "h", 8080, header_names=names)


def test_v2_lower_case_without_hop_by_hop_headers_and_with_forwarding() -> None:
    pairs = v2_headers(
        request(("connection", "keep-alive"), ("x-forwarded-for", "1.2.3.4"), ("accept", "*/*")), "Root=1-x"
    )
    assert pairs == [
        ("accept", "*/*"),
        ("x-forwarded-for", "1.2.3.4, 10.0.0.1"),
        ("x-forwarded-port", "8080"),
        ("x-forwarded-proto", "http"),
        ("x-amzn-trace-id", "Root=1-x"),
    ]


def test_v1_restores_title_case_and_canonical_names() -> None:
    pairs = v1_headers(request(("x-amz-date", "d"), ("authorization", "a"), ("content-length", "3")), "t", rest=True)
    assert pairs[:2] == [("X-Amz-Date", "d"), ("Authorization", "a")]
    assert all(name != "Content-Length" for name, _ in pairs)  # REST events carry none (observed)
    http = v1_headers(request(("content-length", "3")), "t", rest=False)
    assert http[0] == ("Content-Length", "3")


def test_v1_keeps_the_clients_own_casing_when_the_server_kept_it() -> None:
    pairs = v1_headers(
        request(("test-header", "v"), ("authorization", "a"), names=("tEsT-HEADeR", "aUThorization")), "t", rest=True
    )
    assert pairs[:2] == [("tEsT-HEADeR", "v"), ("Authorization", "a")]
    assert title_case("www-authenticate") == "Www-Authenticate"
