"""The Lambda API through ``triggerfish serve``, driven by boto3 and the aws CLI as a user would."""

from __future__ import annotations

import base64
import hashlib
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

pytestmark = pytest.mark.slow

VENV_BIN = Path(sys.executable).parent
ROLE = "arn:aws:iam::000000000000:role/lambda-role"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}
STARTUP_TIMEOUT = 30.0
ASYNC_TIMEOUT = 20.0


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    out_dir: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"triggerfish serve exited with {process.returncode}")
        try:
            if _get(port, "/_triggerfish/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise TimeoutError("triggerfish serve did not become ready")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    port = _free_port()
    command = [str(VENV_BIN / "triggerfish"), "serve", "--port", str(port), "--data-dir", str(root / "data")]
    with (root / "serve.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=root)
        try:
            _wait_ready(port, process)
            out_dir = root / "out"
            out_dir.mkdir()
            yield Server(f"http://127.0.0.1:{port}", port, out_dir)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    # A client never sees a traceback, but the server log may; it must not have crashed.
    assert process.returncode in (0, -signal.SIGTERM)


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[Any]:
    lambda_client = boto3.client(
        "lambda",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}),
    )
    yield lambda_client
    lambda_client.close()


def package(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# Writes each event it receives to OUT_DIR/<function>/<request id>.json, then answers.
RECORDER = """
import json, os

def handler(event, context):
    print("recording", context.aws_request_id)
    folder = os.path.join(os.environ["OUT_DIR"], context.function_name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, context.aws_request_id + ".json"), "w") as f:
        json.dump(event, f)
    return {"version": VERSION, "event": event}
"""

FAILER = """
def handler(event, context):
    raise ValueError("always fails")
"""


def recorder(version: int) -> bytes:
    return package({"app.py": f"VERSION = {version}\n" + RECORDER})


def wait_for_files(folder: Path, count: int = 1) -> list[Any]:
    deadline = time.monotonic() + ASYNC_TIMEOUT
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        if len(files) >= count:
            return [json.loads(f.read_text()) for f in files]
        time.sleep(0.05)
    raise TimeoutError(f"no {count} records in {folder} after {ASYNC_TIMEOUT} s")


def create(client: Any, server: Server, name: str, code: bytes, **extra: Any) -> dict[str, Any]:
    response: dict[str, Any] = client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": code},
        Environment={"Variables": {"OUT_DIR": str(server.out_dir)}},
        **extra,
    )
    return response


def error_code(call: Callable[[], object]) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    error: dict[str, Any] = caught.value.response["Error"]
    return error["Code"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def package_digest(archive: bytes) -> tuple[str, int]:
    """CodeSha256 and CodeSize as AWS reports them: of the uploaded .zip itself."""
    return base64.b64encode(hashlib.sha256(archive).digest()).decode(), len(archive)


def test_function_lifecycle_with_boto3(client: Any, server: Server) -> None:
    first_package = recorder(1)
    created = create(client, server, "lifecycle", first_package)
    assert (created["CodeSha256"], created["CodeSize"]) == package_digest(first_package)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["State"] == "Pending"
    assert created["Version"] == "$LATEST" and created["PackageType"] == "Zip"
    client.get_waiter("function_active_v2").wait(FunctionName="lifecycle", WaiterConfig={"Delay": 1})
    configuration = client.get_function_configuration(FunctionName="lifecycle")
    assert configuration["State"] == "Active" and configuration["LastUpdateStatus"] == "Successful"
    assert configuration["CodeSha256"] == created["CodeSha256"]

    sync = client.invoke(FunctionName="lifecycle", Payload=b'{"n": 1}', LogType="Tail")
    assert sync["StatusCode"] == 200 and sync["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in sync
    assert json.loads(sync["Payload"].read()) == {"version": 1, "event": {"n": 1}}
    tail = base64.b64decode(sync["LogResult"]).decode()
    assert "recording" in tail and "START RequestId" in tail

    event = client.invoke(FunctionName="lifecycle", InvocationType="Event", Payload=b'{"n": 2}')
    assert event["StatusCode"] == 202 and event["Payload"].read() == b""
    records = wait_for_files(server.out_dir / "lifecycle", 2)
    assert {"n": 2} in records

    dry = client.invoke(FunctionName="lifecycle", InvocationType="DryRun")
    assert dry["StatusCode"] == 204 and dry["Payload"].read() == b""

    second_package = recorder(2)
    updated = client.update_function_code(FunctionName="lifecycle", ZipFile=second_package)
    assert updated["LastUpdateStatus"] == "InProgress"
    assert (updated["CodeSha256"], updated["CodeSize"]) == package_digest(second_package)
    client.get_waiter("function_updated_v2").wait(FunctionName="lifecycle", WaiterConfig={"Delay": 1})
    again = client.invoke(FunctionName="lifecycle", Payload=b"{}")
    assert json.loads(again["Payload"].read())["version"] == 2
    assert client.get_function(FunctionName="lifecycle")["Configuration"]["CodeSha256"] == updated["CodeSha256"]

    client.delete_function(FunctionName="lifecycle")
    assert error_code(lambda: client.get_function(FunctionName="lifecycle")) == ("ResourceNotFoundException", 404)


def test_function_error_is_a_result(client: Any, server: Server) -> None:
    create(client, server, "failing", package({"app.py": FAILER}))
    result = client.invoke(FunctionName="failing", Payload=b"{}")
    assert result["StatusCode"] == 200 and result["FunctionError"] == "Unhandled"
    body = json.loads(result["Payload"].read())
    assert body["errorType"] == "ValueError" and body["errorMessage"] == "always fails"
    client.delete_function(FunctionName="failing")


def test_async_retries_then_on_failure_destination(client: Any, server: Server) -> None:
    destination = create(client, server, "dlq-recorder", recorder(1))["FunctionArn"]
    create(client, server, "retried", package({"app.py": FAILER}))
    config = client.put_function_event_invoke_config(
        FunctionName="retried",
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": destination}},
    )
    assert config["FunctionArn"].endswith(":function:retried:$LATEST")
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == destination
    assert client.get_function_event_invoke_config(FunctionName="retried")["MaximumRetryAttempts"] == 1

    client.invoke(FunctionName="retried", InvocationType="Event", Payload=b'{"order": 7}')["Payload"].read()
    [record] = wait_for_files(server.out_dir / "dlq-recorder")
    assert record["requestPayload"] == {"order": 7}
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["responseContext"]["functionError"] == "Unhandled"

    client.delete_function_event_invoke_config(FunctionName="retried")
    code = error_code(lambda: client.get_function_event_invoke_config(FunctionName="retried"))
    assert code == ("ResourceNotFoundException", 404)


def test_permissions_tags_and_concurrency(client: Any, server: Server) -> None:
    arn = create(client, server, "settings", recorder(1), Tags={"team": "a"})["FunctionArn"]
    statement = json.loads(
        client.add_permission(
            FunctionName="settings",
            StatementId="s3",
            Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com",
            SourceArn="arn:aws:s3:::bucket",
        )["Statement"]
    )
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Condition"] == {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}}
    duplicate = error_code(
        lambda: client.add_permission(
            FunctionName="settings", StatementId="s3", Action="lambda:InvokeFunction", Principal="*"
        )
    )
    assert duplicate == ("ResourceConflictException", 409)
    policy = json.loads(client.get_policy(FunctionName="settings")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["s3"]
    client.remove_permission(FunctionName="settings", StatementId="s3")
    missing = error_code(lambda: client.remove_permission(FunctionName="settings", StatementId="s3"))
    assert missing == ("ResourceNotFoundException", 404)

    client.tag_resource(Resource=arn, Tags={"stage": "dev"})
    client.untag_resource(Resource=arn, TagKeys=["team"])
    assert client.list_tags(Resource=arn)["Tags"] == {"stage": "dev"}

    assert (
        client.put_function_concurrency(FunctionName="settings", ReservedConcurrentExecutions=3)[
            "ReservedConcurrentExecutions"
        ]
        == 3
    )
    assert client.get_function(FunctionName="settings")["Concurrency"] == {"ReservedConcurrentExecutions": 3}
    client.delete_function_concurrency(FunctionName="settings")
    assert "ReservedConcurrentExecutions" not in client.get_function_concurrency(FunctionName="settings")

    updated = client.update_function_configuration(FunctionName="settings", Timeout=10, Description="d")
    assert updated["Timeout"] == 10 and updated["LastUpdateStatus"] == "InProgress"
    client.get_waiter("function_updated_v2").wait(FunctionName="settings", WaiterConfig={"Delay": 1})
    client.delete_function(FunctionName="settings")


def test_list_functions_paginates(client: Any, server: Server) -> None:
    names = [f"page-{i}" for i in range(5)]
    for name in names:
        create(client, server, name, recorder(1))
    pages = client.get_paginator("list_functions").paginate(PaginationConfig={"PageSize": 2})
    listed = [f["FunctionName"] for page in pages for f in page["Functions"]]
    assert [n for n in listed if n.startswith("page-")] == names
    for name in names:
        client.delete_function(FunctionName=name)


def aws(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **CREDENTIALS}
    command = [str(VENV_BIN / "aws"), "--endpoint-url", server.url, "--output", "json", "lambda", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def test_aws_cli(server: Server, tmp_path: Path) -> None:
    archive = tmp_path / "code.zip"
    archive.write_bytes(recorder(3))
    created = aws(
        server,
        "create-function",
        "--function-name",
        "from-cli",
        "--runtime",
        "python3.12",
        "--role",
        ROLE,
        "--handler",
        "app.handler",
        "--zip-file",
        f"fileb://{archive}",
        "--environment",
        f"Variables={{OUT_DIR={server.out_dir}}}",
    )
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["State"] == "Pending"
    waited = aws(server, "wait", "function-active-v2", "--function-name", "from-cli")
    assert waited.returncode == 0, waited.stderr

    out = tmp_path / "out.json"
    invoked = aws(server, "invoke", "--function-name", "from-cli", "--payload", '{"via": "cli"}', str(out))
    assert invoked.returncode == 0, invoked.stderr
    assert json.loads(invoked.stdout)["StatusCode"] == 200
    assert json.loads(out.read_text()) == {"version": 3, "event": {"via": "cli"}}

    listed = aws(server, "list-functions")
    assert "from-cli" in [f["FunctionName"] for f in json.loads(listed.stdout)["Functions"]]
    assert aws(server, "delete-function", "--function-name", "from-cli").returncode == 0
    missing = aws(server, "get-function", "--function-name", "from-cli")
    assert missing.returncode != 0 and "ResourceNotFoundException" in missing.stderr


def _raw(server: Server, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {
        "Content-Type": "application/json",
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host, Signature=0",
    }
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/2015-03-31/functions", b"{not json", 400, "InvalidRequestContentException"),
        ("GET", "/2015-03-31/no-such-operation", b"", 400, "UnknownOperationException"),
        ("POST", "/2015-03-31/functions", b'{"FunctionName": "x"}', 400, "ValidationException"),
        ("POST", "/2015-03-31/functions/x/invocations", b"0" * 6_291_457, 413, "RequestEntityTooLargeException"),
        ("GET", "/2015-03-31/functions/does-not-exist", b"", 404, "ResourceNotFoundException"),
    ],
)
def test_bad_requests_get_aws_errors(
    server: Server, method: str, path: str, body: bytes, status: int, code: str
) -> None:
    answered, headers, payload = _raw(server, method, path, body)
    assert (answered, headers["x-amzn-errortype"]) == (status, code)
    assert headers["x-amzn-requestid"]
    assert b"Traceback" not in payload
    assert _get(server.port, "/_triggerfish/health")[0] == 200


def test_oversize_invoke_through_boto3(client: Any, server: Server) -> None:
    create(client, server, "big", recorder(1))
    too_big = b'"' + b"x" * 6_291_456 + b'"'
    assert error_code(lambda: client.invoke(FunctionName="big", Payload=too_big)) == (
        "RequestEntityTooLargeException",
        413,
    )
    small = client.invoke(FunctionName="big", Payload=b"{}")
    assert small["StatusCode"] == 200 and small["Payload"].read()
    client.delete_function(FunctionName="big")


@pytest.mark.parametrize(
    "entries",
    [{"../escape.py": "x = 1"}, {"/abs.py": "x = 1"}, {"a/../../escape.py": "x = 1"}],
)
def test_zip_escaping_its_folder_is_refused(client: Any, server: Server, entries: dict[str, str]) -> None:
    code = package({"app.py": "def handler(e, c): return 1", **entries})
    assert error_code(lambda: create(client, server, "escape", code)) == ("InvalidParameterValueException", 400)
    assert not list(server.out_dir.parent.rglob("escape.py")) and not list(server.out_dir.parent.rglob("abs.py"))
    assert error_code(lambda: client.get_function(FunctionName="escape"))[0] == "ResourceNotFoundException"


def test_zip_with_a_symlink_is_refused(client: Any, server: Server) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(e, c): return 1")
        link = zipfile.ZipInfo("secrets")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    code = error_code(lambda: create(client, server, "linked", buffer.getvalue()))
    assert code == ("InvalidParameterValueException", 400)


def test_s3_code_is_not_available_yet(client: Any, server: Server) -> None:
    call = lambda: client.create_function(  # noqa: E731
        FunctionName="from-s3",
        Runtime="python3.12",
        Role=ROLE,
        Handler="app.handler",
        Code={"S3Bucket": "bucket", "S3Key": "code.zip"},
    )
    assert error_code(call) == ("InvalidParameterValueException", 400)
