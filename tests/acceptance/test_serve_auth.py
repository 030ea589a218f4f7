"""``triggerfish serve --auth``: SigV4 signatures checked as AWS checks them, health left open."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

READY_LINE = "triggerfish is ready"
CREDENTIALS = ["--credentials", "AKIDACCEPTANCE:s3cr3t"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def endpoint(triggerfish_command: list[str], command_environment: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [*triggerfish_command, "serve", "--ephemeral", "--auth", "--port", str(port), *CREDENTIALS],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=command_environment,
    )
    ready = threading.Event()
    lines: list[str] = []

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if line.startswith(READY_LINE):
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(60), f"serve did not get ready: {''.join(lines)}"
        yield f"http://127.0.0.1:{port}"
        process.send_signal(signal.SIGINT)
        assert process.wait(30) == 0
        assert "Traceback" not in "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(5)
        if process.stderr is not None:
            process.stderr.close()


def _lambda(endpoint: str, key: str, secret: str) -> Any:
    return boto3.session.Session().client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1}),
    )


def _error_code(call: Any) -> str:
    with pytest.raises(ClientError) as failed:
        call()
    assert failed.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    code: str = failed.value.response["Error"]["Code"]
    return code


def test_signatures_are_checked(endpoint: str) -> None:
    assert _lambda(endpoint, "AKIDACCEPTANCE", "s3cr3t").list_functions()["Functions"] == []
    assert _lambda(endpoint, "test", "test").list_functions()["Functions"] == []
    assert _error_code(_lambda(endpoint, "AKIDACCEPTANCE", "wrong").list_functions) == "InvalidSignatureException"
    assert _error_code(_lambda(endpoint, "AKIDUNKNOWN", "s3cr3t").list_functions) == "UnrecognizedClientException"

    with pytest.raises(urllib.error.HTTPError) as unsigned:
        urllib.request.urlopen(f"{endpoint}/2015-03-31/functions/", timeout=30)
    assert unsigned.value.code == 403
    assert json.loads(unsigned.value.read())["message"] == "Missing Authentication Token"
    unsigned.value.close()

    with urllib.request.urlopen(f"{endpoint}/_triggerfish/health", timeout=30) as health:
        assert (health.status, json.loads(health.read())) == (200, {"status": "ready"})
