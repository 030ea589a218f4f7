"""The REST resource router and the HTTP API route router, on their own (spec §6.3)."""

from __future__ import annotations

from gateway_harness import http_view, proxy_method, resource, rest_view, route

from triggerfish.gateway.http_router import HttpRouter
from triggerfish.gateway.rest_router import RestRouter


def rest_router() -> RestRouter:
    return RestRouter(
        rest_view(
            [
                resource("/", proxy_method("f", method="GET")),
                resource("/pets", proxy_method("f", method="GET"), proxy_method("f", method="POST")),
                resource("/pets/{id}", proxy_method("f", method="GET"), proxy_method("f", method="ANY")),
                resource("/pets/mine", proxy_method("f", method="GET")),
                resource("/pets/{id}/toys/{toy}", proxy_method("f", method="GET")),
                resource("/files/{path+}", proxy_method("f")),
                resource("/{proxy+}", proxy_method("f")),
            ]
        )
    )


def test_rest_literal_beats_parameter_beats_greedy() -> None:
    router = rest_router()
    found = router.route("GET", "/pets/mine")
    assert found is not None and found.resource.path == "/pets/mine" and found.path_parameters == {}
    found = router.route("GET", "/pets/7")
    assert found is not None and found.resource.path == "/pets/{id}" and found.path_parameters == {"id": "7"}
    found = router.route("GET", "/pets/7/toys/ball")
    assert found is not None and found.path_parameters == {"id": "7", "toy": "ball"}
    found = router.route("GET", "/files/a/b/c.txt")
    assert found is not None and found.resource.path == "/files/{path+}"
    assert found.path_parameters == {"path": "a/b/c.txt"}
    found = router.route("DELETE", "/anything/else")
    assert found is not None and found.path_parameters == {"proxy": "anything/else"}


def test_rest_explicit_method_beats_any_and_trailing_slash_is_ignored() -> None:
    router = rest_router()
    get = router.route("GET", "/pets/7/")
    put = router.route("PUT", "/pets/7")
    assert get is not None and get.method.http_method == "GET"
    assert put is not None and put.method.http_method == "ANY"
    root = router.route("GET", "/")
    assert root is not None and root.resource.path == "/"


def test_rest_missing_method_and_greedy_never_matching_root() -> None:
    router = RestRouter(
        rest_view([resource("/{proxy+}", proxy_method("f")), resource("/a", proxy_method("f", method="GET"))])
    )
    assert router.route("GET", "/") is None
    found = router.route("POST", "/a")
    assert found is not None and found.resource.path == "/{proxy+}"
    only_get = RestRouter(rest_view([resource("/a", proxy_method("f", method="GET"))]))
    assert only_get.route("POST", "/a") is None
    assert only_get.route("GET", "/a/b") is None


def test_http_router_priority() -> None:
    router = HttpRouter(
        http_view(
            [
                route("GET /pets/dog/1", "f"),
                route("GET /pets/dog/{id}", "f"),
                route("GET /pets/{proxy+}", "f"),
                route("ANY /{proxy+}", "f"),
                route("$default", "f"),
            ]
        )
    )

    def key(method: str, path: str) -> str:
        found = router.route(method, path)
        assert found is not None
        return found.route.route_key

    assert key("GET", "/pets/dog/1") == "GET /pets/dog/1"
    assert key("GET", "/pets/dog/2") == "GET /pets/dog/{id}"
    assert key("GET", "/pets/cat/1") == "GET /pets/{proxy+}"
    assert key("POST", "/pets/dog/1") == "ANY /{proxy+}"
    assert key("GET", "/") == "$default"


def test_http_router_is_strict_about_trailing_slashes_and_has_no_default_unless_defined() -> None:
    router = HttpRouter(http_view([route("GET /pets", "f")]))
    assert router.route("GET", "/pets") is not None
    assert router.route("GET", "/pets/") is None
    assert router.route("POST", "/pets") is None
