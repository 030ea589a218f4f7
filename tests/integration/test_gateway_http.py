"""The gateway over real sockets in front of real functions: a local cloud's Lambda service runs the
handlers of ``fixtures/functions/gateway``, the gateway is served by the endpoint's own HTTP server, and
the API views are built by hand (the management services are not involved)."""

from __future__ import annotations

import base64
import hashlib
import http.client
import importlib.util
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from invocation_harness import ACCOUNT, FUNCTIONS, REGION, Gate, function_arn, unique

from triggerfish.aws import auth_sigv4 as sigv4
from triggerfish.aws.server import HttpServer
from triggerfish.cloud import Cloud
from triggerfish.gateway import Caller, GatewayApp, Unauthenticated
from triggerfish.services.apigateway.views import (
    AuthorizerView,
    IntegrationView,
    MethodView,
    ResourceView,
    RestStageView,
)
from triggerfish.services.apigatewayv2.views import (
    CorsView,
    HttpAuthorizerView,
    HttpIntegrationView,
    HttpStageView,
    JwtConfigurationView,
    RouteView,
)
from triggerfish.services.lambda_.url_config import FunctionUrlConfig

HANDLERS = FUNCTIONS / "gateway"
BINARY = bytes(range(256))
REST_ID = "restgw0001"
HTTP_ID = "httpgw0001"
PUBLIC_URL = "p" * 32
IAM_URL = "i" * 32
THROTTLED_URL = "t" * 32
SIGNER_KEY, SIGNER_SECRET = "AKIDGATEWAYTEST", "gateway-secret"


def _jwt_signing() -> ModuleType:
    # the unit tests' signing helper and its fixed RSA test key
    path = Path(__file__).parents[1] / "unit" / "gateway" / "jwt_signing.py"
    spec = importlib.util.spec_from_file_location("gateway_jwt_signing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


JWT = _jwt_signing()


@dataclass
class Lookups:
    """The management services' lookups, answering with hand-built views."""

    rest: dict[tuple[str, str], RestStageView] = field(default_factory=dict)
    http: dict[tuple[str, str], HttpStageView] = field(default_factory=dict)
    urls: dict[str, FunctionUrlConfig] = field(default_factory=dict)


class RestLookup:
    def __init__(self, lookups: Lookups) -> None:
        self._views = lookups.rest

    def stage_view(self, api_id: str, stage_name: str) -> RestStageView | None:
        return self._views.get((api_id, stage_name))

    def stage_names(self, api_id: str) -> tuple[str, ...]:
        return tuple(stage for api, stage in self._views if api == api_id)

    def api_exists(self, api_id: str) -> bool:
        return any(api == api_id for api, _ in self._views)


class HttpLookup:
    def __init__(self, lookups: Lookups) -> None:
        self._views = lookups.http

    def stage_view(self, api_id: str, stage_name: str) -> HttpStageView | None:
        return self._views.get((api_id, stage_name))

    def stage_names(self, api_id: str) -> tuple[str, ...]:
        return tuple(stage for api, stage in self._views if api == api_id)

    def api_exists(self, api_id: str) -> bool:
        return any(api == api_id for api, _ in self._views)


class UrlLookup:
    def __init__(self, lookups: Lookups) -> None:
        self._urls = lookups.urls

    def lookup(self, url_id: str) -> FunctionUrlConfig | None:
        return self._urls.get(url_id)

    def allows_unauthenticated(self, config: FunctionUrlConfig) -> bool:
        return config.url_id in (PUBLIC_URL, THROTTLED_URL)

    def allows_caller(self, config: FunctionUrlConfig, account: str) -> bool:
        return account == config.account


class SigV4Verifier:
    """Checks a SigV4 signature for the service ``lambda`` with the endpoint's own arithmetic."""

    async def verify(
        self, method: str, raw_path: str, raw_query: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Caller:
        named = dict(headers)
        parts = sigv4.parse_authorization(named.get("authorization", ""))
        if parts is None or parts.scope.access_key != SIGNER_KEY or parts.scope.service != "lambda":
            raise Unauthenticated("not signed by a known key")
        payload = named.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest()
        canonical = sigv4.canonical_request(
            method,
            sigv4.canonical_uri(raw_path, s3=False),
            sigv4.canonical_query(raw_query),
            named,
            parts.signed_headers,
            payload,
        )
        to_sign = sigv4.string_to_sign(named.get("x-amz-date", ""), parts.scope, canonical)
        if not sigv4.matches(sigv4.signature(SIGNER_SECRET, parts.scope, to_sign), parts.signature):
            raise Unauthenticated("signature mismatch")
        return Caller(SIGNER_KEY, ACCOUNT)


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return found[-1] if found else None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Served:
    cloud: Cloud
    port: int
    names: dict[str, str]
    lookups: Lookups
    issuer: str

    def send(
        self,
        method: str,
        path: str,
        *,
        host: str,
        headers: Sequence[tuple[str, str]] = (),
        body: bytes | None = None,
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", f"{host}:{self.port}")
            for name, value in headers:
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return Reply(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def rest(self, method: str, path: str, **options: Any) -> Reply:
        return self.send(method, path, host=f"{REST_ID}.execute-api.localhost", **options)

    def http(self, method: str, path: str, **options: Any) -> Reply:
        return self.send(method, path, host=f"{HTTP_ID}.execute-api.localhost", **options)

    def url(self, url_id: str, method: str, path: str, **options: Any) -> Reply:
        return self.send(method, path, host=f"{url_id}.lambda-url.{REGION}.localhost", **options)


def _rest_view(names: dict[str, str]) -> RestStageView:
    def proxy(name: str, method: str = "ANY", timeout_ms: int = 29_000, **extra: Any) -> MethodView:
        uri = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn(names[name])}/invocations"
        integration = IntegrationView(type="AWS_PROXY", uri=uri, http_method="POST", timeout_ms=timeout_ms)
        return MethodView(method, integration=integration, **extra)

    authorizer_uri = f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{{}}/invocations"
    authorizers = {
        "tok": AuthorizerView(
            "tok", "tokens", "TOKEN", authorizer_uri.format(function_arn(names["token_authorizer"])), result_ttl=0
        ),
        "req": AuthorizerView(
            "req",
            "requests",
            "REQUEST",
            authorizer_uri.format(function_arn(names["request_authorizer"])),
            identity_source="method.request.header.X-Api-Key",
            result_ttl=0,
        ),
    }
    resources = [
        ResourceView("r1", "/items/{id}", {"GET": proxy("echo_rest", "GET")}),
        ResourceView("r2", "/files/{path+}", {"ANY": proxy("echo_rest")}),
        ResourceView("r3", "/crash", {"GET": proxy("crash", "GET")}),
        ResourceView("r4", "/held", {"GET": proxy("held", "GET", timeout_ms=1_000)}),
        ResourceView("r5", "/throttled", {"GET": proxy("throttled", "GET")}),
        ResourceView(
            "r6", "/token", {"GET": proxy("echo_rest", "GET", authorization_type="CUSTOM", authorizer_id="tok")}
        ),
        ResourceView(
            "r7", "/request", {"GET": proxy("echo_rest", "GET", authorization_type="CUSTOM", authorizer_id="req")}
        ),
        ResourceView("r8", "/download", {"GET": proxy("download", "GET")}),
    ]
    return RestStageView(
        api_id=REST_ID,
        api_name="gateway-rest",
        account=ACCOUNT,
        region=REGION,
        stage_name="test",
        deployment_id="d1",
        variables={"color": "blue"},
        binary_media_types=("application/octet-stream", "image/*"),
        resources=tuple(resources),
        authorizers=authorizers,
    )


def _http_view(names: dict[str, str], issuer: str) -> HttpStageView:
    def route(key: str, name: str, timeout_ms: int = 30_000, **extra: Any) -> RouteView:
        integration = HttpIntegrationView(
            f"i-{name}", "AWS_PROXY", function_arn(names[name]), payload_format_version="2.0", timeout_ms=timeout_ms
        )
        return RouteView(f"r-{key}", key, integration=integration, **extra)

    authorizers = {
        "jwt": HttpAuthorizerView(
            "jwt",
            "jwt",
            "JWT",
            identity_sources=("$request.header.Authorization",),
            jwt=JwtConfigurationView(issuer=issuer, audience=("gateway-tests",)),
        ),
        "simple": HttpAuthorizerView(
            "simple",
            "simple",
            "REQUEST",
            function_arn(names["simple_authorizer"]),
            identity_sources=("$request.header.Authorization",),
            enable_simple_responses=True,
        ),
    }
    routes = [
        route("GET /pets/{id}", "echo"),
        route("ANY /things/{proxy+}", "echo"),
        route("POST /upload", "echo"),
        route("GET /plain", "plain"),
        route("GET /crash", "crash"),
        route("GET /held", "held", timeout_ms=1_000),
        route("GET /throttled", "throttled"),
        route("GET /jwt", "echo", authorization_type="JWT", authorizer_id="jwt", authorization_scopes=("read",)),
        route("GET /simple", "echo", authorization_type="CUSTOM", authorizer_id="simple"),
    ]
    cors = CorsView(
        allow_origins=("http://app.localhost",), allow_methods=("GET", "POST"), allow_headers=("content-type",)
    )
    return HttpStageView(
        api_id=HTTP_ID,
        api_name="gateway-http",
        account=ACCOUNT,
        region=REGION,
        stage_name="$default",
        routes=tuple(routes),
        authorizers=authorizers,
        cors=cors,
    )


def _issuer(directory: Path) -> str:
    issuer = directory.as_uri()
    (directory / ".well-known").mkdir(parents=True)
    (directory / "jwks.json").write_text(json.dumps(JWT.jwks_document()))
    discovery = {"issuer": issuer, "jwks_uri": (directory / "jwks.json").as_uri()}
    (directory / ".well-known" / "openid-configuration").write_text(json.dumps(discovery))
    return issuer


@pytest.fixture(scope="module")
def served(cloud: Cloud, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    handlers = [
        "echo",
        "echo_rest",
        "plain",
        "crash",
        "download",
        "held",
        "token_authorizer",
        "request_authorizer",
        "simple_authorizer",
    ]
    names = {handler: unique(f"gw-{handler.replace('_', '-')}") for handler in handlers}
    for handler, name in names.items():
        cloud.create_function(name, handler=f"handlers.{handler}", code_dir=HANDLERS, timeout=30)
    names["throttled"] = unique("gw-throttled")
    cloud.create_function(names["throttled"], handler="handlers.echo", code_dir=HANDLERS)
    cloud.set_concurrency(names["throttled"], 0)
    issuer = _issuer(tmp_path_factory.mktemp("issuer"))
    lookups = Lookups()
    lookups.rest[(REST_ID, "test")] = _rest_view(names)
    lookups.http[(HTTP_ID, "$default")] = _http_view(names, issuer)
    lookups.urls[PUBLIC_URL] = FunctionUrlConfig(PUBLIC_URL, names["echo"], ACCOUNT, REGION, None, "NONE")
    lookups.urls[IAM_URL] = FunctionUrlConfig(IAM_URL, names["echo"], ACCOUNT, REGION, None, "AWS_IAM")
    lookups.urls[THROTTLED_URL] = FunctionUrlConfig(THROTTLED_URL, names["throttled"], ACCOUNT, REGION, None, "NONE")
    gateway = GatewayApp(
        rest_apis=RestLookup(lookups),
        http_apis=HttpLookup(lookups),
        function_urls=UrlLookup(lookups),
        functions=cloud.app.lambda_,
        clock=cloud.app.clock,
        verifier=SigV4Verifier(),
    )
    server = HttpServer(gateway, "127.0.0.1", 0)
    cloud.run(server.start())
    try:
        yield Served(cloud, server.port, names, lookups, issuer)
    finally:
        cloud.run(server.stop())


# -- REST APIs ----------------------------------------------------------------------------------


def test_rest_path_parameters_repeated_headers_and_query(served: Served) -> None:
    reply = served.rest(
        "GET",
        "/test/items/42?tag=a&tag=b&q=x%20y",
        headers=[("X-Multi", "one"), ("X-Multi", "two"), ("User-Agent", "gateway-tests")],
    )
    assert reply.status == 200
    assert reply.all("Set-Cookie") == ["a=1", "b=2"]
    event = reply.json()
    assert event["resource"] == "/items/{id}"
    assert event["path"] == "/items/42"
    assert event["pathParameters"] == {"id": "42"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "q": ["x y"]}
    assert event["queryStringParameters"] == {"tag": "b", "q": "x y"}
    assert event["multiValueHeaders"]["X-Multi"] == ["one", "two"]
    assert event["headers"]["X-Multi"] == "two"
    assert event["stageVariables"] == {"color": "blue"}
    assert event["requestContext"]["path"] == "/test/items/42"
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["identity"]["userAgent"] == "gateway-tests"
    assert reply.header("x-amzn-RequestId") == event["requestContext"]["requestId"]


def test_rest_greedy_path_and_binary_upload_and_download(served: Served) -> None:
    upload = served.rest(
        "PUT", "/test/files/a/b/c.bin", headers=[("Content-Type", "application/octet-stream")], body=BINARY
    )
    event = upload.json()
    assert event["pathParameters"] == {"path": "a/b/c.bin"}
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == BINARY
    binary = served.rest("GET", "/test/download", headers=[("Accept", "application/octet-stream")])
    assert binary.status == 200 and binary.body == BINARY
    text = served.rest("GET", "/test/download", headers=[("Accept", "text/plain")])
    assert text.body == base64.b64encode(BINARY)


def test_rest_missing_route_crash_and_throttle(served: Served) -> None:
    missing = served.rest("GET", "/test/nowhere")
    assert missing.status == 403 and missing.json() == {"message": "Missing Authentication Token"}
    crash = served.rest("GET", "/test/crash")
    assert crash.status == 502 and crash.json() == {"message": "Internal server error"}
    throttled = served.rest("GET", "/test/throttled")
    assert throttled.status == 500 and throttled.json() == {"message": "Internal server error"}


def test_rest_integration_timeout_is_504_and_others_are_served_meanwhile(served: Served, tmp_path: Path) -> None:
    gate = Gate(tmp_path, "rest-held")
    replies: list[Reply] = []
    path = f"/test/held?started={gate.started}&release={gate.released}"
    thread = threading.Thread(target=lambda: replies.append(served.rest("GET", path)))
    thread.start()
    try:
        gate.wait_started()
        thread.join(30)
        [timed_out] = replies
        assert timed_out.status == 504
        assert timed_out.json() == {"message": "Endpoint request timed out"}
        assert served.rest("GET", "/test/items/1").status == 200  # the held invocation is still running
    finally:
        gate.release()
        thread.join(30)


def test_rest_token_authorizer(served: Served) -> None:
    allowed = served.rest("GET", "/test/token", headers=[("Authorization", "allow")])
    assert allowed.status == 200
    authorizer = allowed.json()["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "tester"
    assert authorizer["user"] == "alice" and authorizer["tier"] == "2"
    assert isinstance(authorizer["integrationLatency"], int)
    denied = served.rest("GET", "/test/token", headers=[("Authorization", "deny")])
    assert denied.status == 403
    assert denied.json() == {"Message": "User is not authorized to access this resource with an explicit deny"}
    unauthorized = served.rest("GET", "/test/token", headers=[("Authorization", "who?")])
    assert unauthorized.status == 401 and unauthorized.json() == {"message": "Unauthorized"}
    assert served.rest("GET", "/test/token").status == 401


def test_rest_request_authorizer(served: Served) -> None:
    allowed = served.rest("GET", "/test/request", headers=[("X-Api-Key", "good")])
    assert allowed.status == 200
    assert allowed.json()["requestContext"]["authorizer"]["key"] == "good"
    assert served.rest("GET", "/test/request", headers=[("X-Api-Key", "bad")]).status == 403
    assert served.rest("GET", "/test/request").status == 401


# -- HTTP APIs ----------------------------------------------------------------------------------


def test_http_event_cookies_and_greedy_path(served: Served) -> None:
    reply = served.http(
        "GET",
        "/things/a/b?x=1&x=2",
        headers=[("Cookie", "c1=v1; c2=v2"), ("X-Multi", "one"), ("X-Multi", "two")],
    )
    assert reply.status == 200
    assert reply.all("set-cookie") == ["seen=yes; Path=/"]
    assert reply.header("x-handler") == "echo"
    assert reply.header("apigw-requestid")
    event = reply.json()
    assert event["routeKey"] == "ANY /things/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["rawQueryString"] == "x=1&x=2"
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["headers"]["x-multi"] == "one,two"


def test_http_binary_upload_inferred_response_and_404(served: Served) -> None:
    upload = served.http("POST", "/upload", headers=[("Content-Type", "image/png")], body=BINARY).json()
    assert upload["isBase64Encoded"] is True and base64.b64decode(upload["body"]) == BINARY
    plain = served.http("GET", "/plain")
    assert plain.body == b'{"hello":"world"}' and plain.header("content-type") == "application/json"
    missing = served.http("GET", "/nothing")
    assert missing.status == 404 and missing.json() == {"message": "Not Found"}


def test_http_cors_preflight_and_actual_request(served: Served) -> None:
    origin = ("Origin", "http://app.localhost")
    preflight = served.http("OPTIONS", "/pets/1", headers=[origin, ("Access-Control-Request-Method", "GET")])
    assert preflight.status == 204
    assert preflight.header("access-control-allow-origin") == "http://app.localhost"
    assert preflight.header("access-control-allow-methods") == "GET,POST"
    actual = served.http("GET", "/pets/1", headers=[origin])
    assert actual.header("access-control-allow-origin") == "http://app.localhost"


def test_http_crash_throttle_and_timeout(served: Served, tmp_path: Path) -> None:
    assert served.http("GET", "/crash").status == 500
    throttled = served.http("GET", "/throttled")
    assert throttled.status == 500 and throttled.json() == {"message": "Internal Server Error"}
    gate = Gate(tmp_path, "http-held")
    replies: list[Reply] = []
    path = f"/held?started={gate.started}&release={gate.released}"
    thread = threading.Thread(target=lambda: replies.append(served.http("GET", path)))
    thread.start()
    try:
        gate.wait_started()
        thread.join(30)
        [timed_out] = replies
        assert timed_out.status == 503 and timed_out.json() == {"message": "Service Unavailable"}
        assert served.http("GET", "/pets/2").status == 200
    finally:
        gate.release()
        thread.join(30)


def test_http_jwt_authorizer(served: Served) -> None:
    now = int(served.cloud.now())
    claims = {"iss": served.issuer, "aud": "gateway-tests", "sub": "u1", "exp": now + 600, "scope": "read"}
    good = served.http("GET", "/jwt", headers=[("Authorization", f"Bearer {JWT.sign(claims)}")])
    assert good.status == 200
    jwt = good.json()["requestContext"]["authorizer"]["jwt"]
    assert jwt["claims"]["sub"] == "u1" and jwt["scopes"] == ["read"]
    expired = served.http("GET", "/jwt", headers=[("Authorization", JWT.sign({**claims, "exp": now - 60}))])
    assert expired.status == 401 and expired.json() == {"message": "Unauthorized"}
    unscoped = served.http("GET", "/jwt", headers=[("Authorization", JWT.sign({**claims, "scope": "write"}))])
    assert unscoped.status == 403 and unscoped.json() == {"message": "Forbidden"}


def test_http_lambda_authorizer_simple_responses(served: Served) -> None:
    allowed = served.http("GET", "/simple", headers=[("Authorization", "letmein")])
    assert allowed.status == 200
    assert allowed.json()["requestContext"]["authorizer"] == {"lambda": {"who": "bob"}}
    assert served.http("GET", "/simple", headers=[("Authorization", "nope")]).status == 403
    assert served.http("GET", "/simple").status == 401


# -- Function URLs ------------------------------------------------------------------------------


def test_function_url_none(served: Served) -> None:
    reply = served.url(PUBLIC_URL, "POST", "/orders/7?x=1", headers=[("Content-Type", "application/json")], body=b"{}")
    assert reply.status == 200
    event = reply.json()
    assert event["rawPath"] == "/orders/7"
    assert event["requestContext"]["apiId"] == PUBLIC_URL
    assert event["requestContext"]["accountId"] == "anonymous"
    assert event["body"] == "{}"
    throttled = served.url(THROTTLED_URL, "GET", "/")
    assert throttled.status == 429
    assert throttled.json()["message"] == "Rate Exceeded."


def test_function_url_aws_iam(served: Served) -> None:
    host = f"{IAM_URL}.lambda-url.{REGION}.localhost:{served.port}"
    request = AWSRequest(method="GET", url=f"http://{host}/whoami?a=1", data=b"", headers={"Host": host})
    SigV4Auth(Credentials(SIGNER_KEY, SIGNER_SECRET), "lambda", REGION).add_auth(request)
    signed = [(name, value) for name, value in request.headers.items() if name.lower() != "host"]
    reply = served.url(IAM_URL, "GET", "/whoami?a=1", headers=signed)
    assert reply.status == 200
    iam = reply.json()["requestContext"]["authorizer"]["iam"]
    assert iam["accessKey"] == SIGNER_KEY and iam["accountId"] == ACCOUNT
    unsigned = served.url(IAM_URL, "GET", "/whoami?a=1")
    assert unsigned.status == 403
    assert unsigned.header("x-amzn-ErrorType") == "AccessDeniedException"
    tampered = served.url(IAM_URL, "GET", "/whoami?a=2", headers=signed)
    assert tampered.status == 403
