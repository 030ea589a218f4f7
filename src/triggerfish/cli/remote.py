"""Talking to a running triggerfish: the `--endpoint` option the commands share, and invoking a function
through the AWS endpoint as the aws CLI would."""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from triggerfish.cli.output import err, fail

DEFAULT_ENDPOINT = "http://127.0.0.1:4566"


def add_endpoint_option(parser: argparse.ArgumentParser) -> None:
    """``--endpoint``: the running triggerfish a command talks to."""
    parser.add_argument(
        "--endpoint",
        default=os.environ.get("TRIGGERFISH_ENDPOINT", DEFAULT_ENDPOINT),
        help=f"the running app's AWS endpoint (default $TRIGGERFISH_ENDPOINT or {DEFAULT_ENDPOINT})",
    )


_FUNCTIONS = "/2015-03-31/functions/"


class _Endpoint:
    def __init__(self, url: str, region: str) -> None:
        self.url = url.rstrip("/")
        self.region = region

    def call(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
        """(status, headers, body) of one signed request; any credentials work, test/test always does."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        request = AWSRequest(method=method, url=self.url + path, data=body, headers=headers or {})
        SigV4Auth(Credentials("test", "test"), "lambda", self.region).add_auth(request)
        prepared = urllib.request.Request(
            self.url + path, data=body if method != "GET" else None, method=method, headers=dict(request.headers)
        )
        try:
            with urllib.request.urlopen(prepared, timeout=960) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def invoke_remote(endpoint: str, function: str, payload: bytes, invocation_type: str, region: str | None) -> int:
    target = _Endpoint(endpoint, region or "us-east-1")
    try:
        name = _resolve(target, function)
        status, headers, body = target.call(
            "POST",
            f"{_FUNCTIONS}{urllib.parse.quote(name, safe='')}/invocations",
            payload,
            {"X-Amz-Invocation-Type": invocation_type, "X-Amz-Log-Type": "Tail", "Content-Type": "application/json"},
        )
    except _NotFound as exc:
        return fail(f"{exc}")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return fail(f"no app answers at {endpoint} ({reason}); is `triggerfish up` running?")
    if status >= 300:
        return fail(f"{_error_text(body)}")
    logs = headers.get("X-Amz-Log-Result") or headers.get("x-amz-log-result")
    if logs:
        tail = base64.b64decode(logs).decode("utf-8", "replace")
        sys.stderr.write(tail if tail.endswith("\n") else tail + "\n")
    if invocation_type == "RequestResponse":
        sys.stdout.write(body.decode("utf-8", "replace") + "\n")
    else:
        err(f"triggerfish: accepted ({status})")
    error = headers.get("X-Amz-Function-Error") or headers.get("x-amz-function-error")
    if error:
        err(f"triggerfish: the function failed ({error})")
        return 1
    return 0


def _resolve(target: _Endpoint, function: str) -> str:
    """The full function name for ``function``: itself if it exists, else the one function named after it
    (``hello`` finds ``my-service-dev-hello`` and ``stack-HelloFunction-Ab12``)."""
    status, _, _ = target.call("GET", f"{_FUNCTIONS}{urllib.parse.quote(function, safe='')}")
    if status == 200 or function.startswith("arn:"):
        return function
    names = _function_names(target)
    matches = [name for name in names if name.endswith(f"-{function}") or f"-{function}-" in name]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        known = ", ".join(names) or "none"
        raise _NotFound(f"no function {function!r} in the running app (functions: {known})")
    raise _NotFound(f"{function!r} is ambiguous: {', '.join(matches)}")


def _function_names(target: _Endpoint) -> list[str]:
    names: list[str] = []
    marker = ""
    while True:
        query = f"?Marker={urllib.parse.quote(marker)}" if marker else ""
        status, _, body = target.call("GET", f"{_FUNCTIONS}{query}")
        if status != 200:
            return names
        page = json.loads(body)
        names.extend(item["FunctionName"] for item in page.get("Functions", []))
        marker = page.get("NextMarker") or ""
        if not marker:
            return names


class _NotFound(Exception):
    pass


def _error_text(body: bytes) -> str:
    try:
        document = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")
    kind = document.get("__type") or document.get("Type") or "Error"
    return f"{kind}: {document.get('message') or document.get('Message') or ''}"
