"""The app port of ``triggerfish up``: an app's APIs at the root, tried in order."""

from __future__ import annotations

from gateway_harness import HTTP_ID, REST_ID, World, call, http_view, proxy_method, resource, rest_view, route, world

from triggerfish.gateway import AppPortApp


def app_world() -> World:
    w = world()
    w.functions.add("rest", lambda event: {"statusCode": 200, "body": "rest"})
    w.functions.add("http", lambda event: {"statusCode": 200, "body": "http"})
    w.rest.add(rest_view([resource("/orders", proxy_method("rest"))], stage="dev"))
    w.http.add(http_view([route("GET /orders", "http"), route("GET /items", "http")]))
    return w


async def test_first_matching_api_in_order_serves() -> None:
    w = app_world()
    rest_first = AppPortApp(w.app, [REST_ID, HTTP_ID])
    assert (await call(rest_first, "GET", "/dev/orders")).body == b"rest"
    assert (await call(rest_first, "GET", "/orders")).body == b"http"
    assert (await call(rest_first, "GET", "/items")).body == b"http"
    rest_event = w.functions.events("rest")[0]
    assert rest_event["path"] == "/orders" and rest_event["requestContext"]["path"] == "/dev/orders"


async def test_no_match_is_404() -> None:
    w = app_world()
    port = AppPortApp(w.app, lambda: [REST_ID, HTTP_ID])
    reply = await call(port, "GET", "/nothing/here")
    assert reply.status == 404
    assert reply.json() == {"message": "Not Found"}
    assert w.functions.calls == []


async def test_gateway_addresses_work_on_the_app_port_too() -> None:
    w = app_world()
    port = AppPortApp(w.app, [])
    assert (await call(port, "GET", f"/_execute-api/{HTTP_ID}/orders")).body == b"http"
    assert (await call(port, "GET", "/dev/orders", host=f"{REST_ID}.execute-api.localhost:3000")).body == b"rest"
