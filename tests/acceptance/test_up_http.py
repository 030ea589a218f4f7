"""``triggerfish up`` on an app with a REST API, an HTTP API and a function URL, driven by a plain HTTP client:
the routes are served on the app's own port and on the AWS endpoint, and handlers see AWS's events."""

from __future__ import annotations

import json
import re
import textwrap
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from up_process import UpProcess, free_port

pytestmark = pytest.mark.slow  # starts the command in a new process

SERVERLESS_YML = """\
service: web
provider:
  name: aws
  runtime: python3.11
functions:
  hello:
    handler: handler.hello
    events:
      - http:
          path: hello/{name}
          method: get
          cors: true
  echo:
    handler: handler.echo
    events:
      - httpApi: ANY /echo/{proxy+}
  direct:
    handler: handler.direct
    url: true
"""

HANDLER = """\
import json


def hello(event, context):
    name = event["pathParameters"]["name"]
    return {
        "statusCode": 200,
        "headers": {"Access-Control-Allow-Origin": "*"},
        "body": json.dumps({"hello": name, "stage": event["requestContext"]["stage"]}),
    }


def echo(event, context):
    return event  # no statusCode: the HTTP API answers 200 with the event as JSON


def direct(event, context):
    return "plain text"
"""


@pytest.fixture
def app(tmp_path: Path) -> Path:
    folder = tmp_path / "web"
    folder.mkdir()
    (folder / "serverless.yml").write_text(SERVERLESS_YML)
    (folder / "handler.py").write_text(textwrap.dedent(HANDLER))
    return folder


@pytest.fixture
def running(app: Path, triggerfish_command: list[str], command_environment: dict[str, str]) -> Iterator[UpProcess]:
    http_port = free_port()
    process = UpProcess(triggerfish_command, command_environment, app, "--no-watch", "--http-port", str(http_port))
    try:
        process.wait_ready()
        process.http_port = http_port  # type: ignore[attr-defined]
        yield process
    finally:
        process.close()


def _request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_rest_http_api_and_function_url_are_served(running: UpProcess) -> None:
    base = f"http://127.0.0.1:{running.http_port}"  # type: ignore[attr-defined]
    assert re.search(
        r"GET /dev/hello/\{name\}\s+http://127\.0\.0\.1:\d+/dev/hello/\{name\}\s+→ web-dev-hello", running.text
    )

    status, headers, body = _request(f"{base}/dev/hello/ann")
    assert (status, json.loads(body)) == (200, {"hello": "ann", "stage": "dev"})

    preflight = {"Origin": "https://example.com", "Access-Control-Request-Method": "GET"}
    status, headers, _ = _request(f"{base}/dev/hello/ann", "OPTIONS", preflight)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"

    status, _, body = _request(f"{base}/dev/nowhere")
    assert (status, json.loads(body)) == (404, {"message": "Not Found"})

    status, headers, body = _request(f"{base}/echo/a/b?x=1&x=2", headers={"Cookie": "c1=v1; c2=v2", "X-Test": "t"})
    event = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert (event["version"], event["routeKey"], event["rawPath"]) == ("2.0", "ANY /echo/{proxy+}", "/echo/a/b")
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["headers"]["x-test"] == "t"

    url = re.search(r"function URL\s+(http://\S+)\s+→ web-dev-direct", running.text)
    assert url, running.text
    # the host name picks the URL; sent to 127.0.0.1 with that Host header, as a resolver would
    status, _, body = _request(
        f"http://127.0.0.1:{running.port}/anything", headers={"Host": url.group(1).split("//")[1].rstrip("/")}
    )
    assert (status, body) == (200, b"plain text")
