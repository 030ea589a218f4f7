"""Fakes of what the gateway reads (stage views, URL configurations, the Invoke call) and an in-process ASGI
client, so the gateway is driven without sockets or worker processes."""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from triggerfish.core.clock import VirtualClock
from triggerfish.core.errors import TriggerfishError
from triggerfish.gateway import GatewayApp
from triggerfish.gateway.ports import Caller, Unauthenticated
from triggerfish.services.apigateway.views import (
    IntegrationView,
    MethodView,
    ResourceView,
    RestStageView,
)
from triggerfish.services.apigatewayv2.views import HttpIntegrationView, HttpStageView, RouteView
from triggerfish.services.lambda_.records import InvokeResult
from triggerfish.services.lambda_.service import Scope
from triggerfish.services.lambda_.url_config import FunctionUrlConfig

ACCOUNT = "123456789012"
REGION = "us-east-1"
REST_ID = "restapi001"
HTTP_ID = "httpapi001"
URL_ID = "a" * 32

Handler = Callable[[dict[str, Any]], Any]
DEFAULT_SCOPE = Scope()


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def invocation_uri(name: str) -> str:
    return f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn(name)}/invocations"


class FunctionFailed(Exception):
    """Raised by a fake handler: the invocation is a function error with this message."""


class FakeFunctions:
    """Invoke, with Python callables for handlers; every call is recorded."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def add(self, name: str, handler: Handler) -> str:
        self.handlers[name] = handler
        return function_arn(name)

    def events(self, name: str) -> list[dict[str, Any]]:
        return [event for arn, event in self.calls if arn.rsplit(":", 1)[-1] == name]

    async def invoke(self, function_name: str, payload: bytes = b"", *, scope: Scope = DEFAULT_SCOPE) -> InvokeResult:
        name = function_name.rsplit(":", 1)[-1]
        event = orjson.loads(payload)
        self.calls.append((function_name, event))
        handler = self.handlers[name]
        try:
            value = handler(event)
            if inspect.isawaitable(value):
                value = await value
        except FunctionFailed as failure:
            error = {"errorMessage": str(failure), "errorType": "Exception"}
            return InvokeResult(200, "rid", orjson.dumps(error), "Unhandled")
        except TriggerfishError:
            raise
        return InvokeResult(200, "rid", json.dumps(value).encode())


@dataclass
class FakeRestApis:
    stages: dict[tuple[str, str], RestStageView] = field(default_factory=dict)

    def add(self, view: RestStageView) -> RestStageView:
        self.stages[(view.api_id, view.stage_name)] = view
        return view

    def stage_view(self, api_id: str, stage_name: str) -> RestStageView | None:
        return self.stages.get((api_id, stage_name))

    def stage_names(self, api_id: str) -> tuple[str, ...]:
        return tuple(stage for api, stage in self.stages if api == api_id)

    def api_exists(self, api_id: str) -> bool:
        return any(api == api_id for api, _ in self.stages)


@dataclass
class FakeHttpApis:
    stages: dict[tuple[str, str], HttpStageView] = field(default_factory=dict)

    def add(self, view: HttpStageView) -> HttpStageView:
        self.stages[(view.api_id, view.stage_name)] = view
        return view

    def stage_view(self, api_id: str, stage_name: str) -> HttpStageView | None:
        return self.stages.get((api_id, stage_name))

    def stage_names(self, api_id: str) -> tuple[str, ...]:
        return tuple(stage for api, stage in self.stages if api == api_id)

    def api_exists(self, api_id: str) -> bool:
        return any(api == api_id for api, _ in self.stages)


@dataclass
class FakeUrls:
    configs: dict[str, FunctionUrlConfig] = field(default_factory=dict)
    public: set[str] = field(default_factory=set)  # url ids whose policy lets anyone call
    callers: set[str] = field(default_factory=set)  # accounts allowed to call AWS_IAM URLs

    def add(self, config: FunctionUrlConfig, *, public: bool = True) -> FunctionUrlConfig:
        self.configs[config.url_id] = config
        if public:
            self.public.add(config.url_id)
        return config

    def lookup(self, url_id: str) -> FunctionUrlConfig | None:
        return self.configs.get(url_id)

    def allows_unauthenticated(self, config: FunctionUrlConfig) -> bool:
        return config.url_id in self.public

    def allows_caller(self, config: FunctionUrlConfig, account: str) -> bool:
        return account == config.account or account in self.callers


class FakeVerifier:
    """Accepts ``Authorization: test-signature <access key>``; anything else is unauthenticated."""

    async def verify(
        self, method: str, raw_path: str, raw_query: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Caller:
        for name, value in headers:
            if name == "authorization" and value.startswith("test-signature "):
                key = value.split(" ", 1)[1]
                return Caller(key, "999999999999" if key == "OTHER" else ACCOUNT)
        raise Unauthenticated("no signature")


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[-1] if values else None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class World:
    clock: VirtualClock
    functions: FakeFunctions
    rest: FakeRestApis
    http: FakeHttpApis
    urls: FakeUrls
    app: GatewayApp


def world(jwks: dict[str, bytes] | None = None) -> World:
    clock = VirtualClock()
    functions = FakeFunctions()
    rest, http, urls = FakeRestApis(), FakeHttpApis(), FakeUrls()

    async def fetch(url: str) -> bytes:
        if jwks is None or url not in jwks:
            raise OSError(f"no document at {url}")
        return jwks[url]

    app = GatewayApp(
        rest_apis=rest,
        http_apis=http,
        function_urls=urls,
        functions=functions,
        clock=clock,
        verifier=FakeVerifier(),
        account=ACCOUNT,
        region=REGION,
        jwks_fetch=fetch,
    )
    return World(clock, functions, rest, http, urls, app)


#: applications still at work after answering (kept referenced until they finish)
BACKGROUND: set[asyncio.Future[None]] = set()
AsgiApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def call(
    app: AsgiApp,
    method: str,
    path: str,
    *,
    host: str = "localhost:4566",
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
    query: str = "",
    chunks: Sequence[bytes] | None = None,
) -> Reply:
    """One request through an ASGI app, as uvicorn would hand it over (header names lower-cased)."""
    raw_headers = [(b"host", host.encode())] + [(k.lower().encode(), v.encode()) for k, v in headers]
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": raw_headers,
        "client": ("192.0.2.10", 50000),
        "server": ("127.0.0.1", 4566),
        "scheme": "http",
        "http_version": "1.1",
    }
    parts = list(chunks) if chunks is not None else [body]
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if parts:
            part = parts.pop(0)
            return {"type": "http.request", "body": part, "more_body": bool(parts)}
        await asyncio.Event().wait()  # nothing more: as a server would, keep the request open
        return {"type": "http.disconnect"}

    complete = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            complete.set()

    # like a server, the client has its answer once the response is complete, even if the application
    # is still at work (an integration timeout answers while the invocation runs on)
    running = asyncio.ensure_future(app(scope, receive, send))
    waiting = asyncio.ensure_future(complete.wait())
    await asyncio.wait({running, waiting}, return_when=asyncio.FIRST_COMPLETED)
    waiting.cancel()
    if running.done():
        running.result()
    else:
        BACKGROUND.add(running)
        running.add_done_callback(BACKGROUND.discard)
    start = messages[0]
    body_out = b"".join(m.get("body", b"") for m in messages[1:])
    headers_out = [(k.decode(), v.decode("latin-1")) for k, v in start["headers"]]
    return Reply(start["status"], headers_out, body_out)


def rest_view(
    resources: Sequence[ResourceView],
    *,
    stage: str = "prod",
    api_id: str = REST_ID,
    variables: dict[str, str] | None = None,
    binary: tuple[str, ...] = (),
    **extra: Any,
) -> RestStageView:
    return RestStageView(
        api_id=api_id,
        api_name="test-api",
        account=ACCOUNT,
        region=REGION,
        stage_name=stage,
        deployment_id="dep123",
        variables=variables or {},
        binary_media_types=binary,
        resources=tuple(resources),
        **extra,
    )


def proxy_method(function: str, *, method: str = "ANY", timeout_ms: int = 29_000, **extra: Any) -> MethodView:
    integration = IntegrationView(
        type="AWS_PROXY", uri=invocation_uri(function), http_method="POST", timeout_ms=timeout_ms
    )
    return MethodView(http_method=method, integration=integration, **extra)


def resource(path: str, *methods: MethodView, resource_id: str | None = None) -> ResourceView:
    return ResourceView(
        id=resource_id or f"r-{path}", path=path, methods={method.http_method: method for method in methods}
    )


def http_view(
    routes: Sequence[RouteView], *, stage: str = "$default", api_id: str = HTTP_ID, **extra: Any
) -> HttpStageView:
    return HttpStageView(
        api_id=api_id,
        api_name="test-http-api",
        account=ACCOUNT,
        region=REGION,
        stage_name=stage,
        routes=tuple(routes),
        **extra,
    )


def route(key: str, function: str, *, version: str = "2.0", timeout_ms: int = 30_000, **extra: Any) -> RouteView:
    integration = HttpIntegrationView(
        id=f"i-{function}",
        type="AWS_PROXY",
        uri=function_arn(function),
        payload_format_version=version,
        timeout_ms=timeout_ms,
    )
    return RouteView(id=f"r-{key}", route_key=key, integration=integration, **extra)


def url_config(function: str, *, auth: str = "NONE", url_id: str = URL_ID, **extra: Any) -> FunctionUrlConfig:
    return FunctionUrlConfig(
        url_id=url_id, function_name=function, account=ACCOUNT, region=REGION, qualifier=None, auth_type=auth, **extra
    )
