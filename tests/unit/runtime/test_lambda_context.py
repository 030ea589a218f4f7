"""The context object handed to handlers (spec §1.6), built in-process from its inputs."""

from __future__ import annotations

import io
import logging
import re
import time

import pytest

from triggerfish.runtime.worker import context as context_module
from triggerfish.runtime.worker.context import LambdaContext

ARN = "arn:aws:lambda:us-east-1:000000000000:function:orders"


@pytest.fixture(autouse=True)
def lambda_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "orders")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
    monkeypatch.setenv("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/orders")
    monkeypatch.setenv("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]" + "a" * 32)


def _deadline(seconds_from_now: float) -> int:
    return int((time.time() + seconds_from_now) * 1000)


def test_members_come_from_the_request_and_the_environment() -> None:
    context = LambdaContext("rid", ARN, _deadline(3))
    assert context.aws_request_id == "rid"
    assert context.invoked_function_arn == ARN
    assert context.function_name == "orders"
    assert context.function_version == "$LATEST"
    assert context.memory_limit_in_mb == "256"
    assert context.log_group_name == "/aws/lambda/orders"
    assert context.log_stream_name == "2026/01/01/[$LATEST]" + "a" * 32
    assert context.client_context is None
    assert context.identity.cognito_identity_id is None
    assert context.identity.cognito_identity_pool_id is None
    assert context.tenant_id is None


def test_remaining_time_is_floored_at_zero() -> None:
    assert 0 < LambdaContext("rid", ARN, _deadline(3)).get_remaining_time_in_millis() <= 3000
    assert LambdaContext("rid", ARN, _deadline(-5)).get_remaining_time_in_millis() == 0


def test_client_context_and_identity() -> None:
    context = LambdaContext(
        "rid",
        ARN,
        _deadline(3),
        client_context={
            "client": {"installation_id": "i", "app_title": "t", "unknown": "dropped"},
            "custom": {"k": "v"},
            "env": {"e": "1"},
            "w3c": {"traceparent": "00-abc-def-01", "other": "ignored"},
        },
        identity={"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"},
    )
    client_context = context.client_context
    assert client_context is not None
    assert client_context.custom == {"k": "v"}
    assert client_context.env == {"e": "1"}
    assert client_context.client is not None
    assert client_context.client.installation_id == "i"
    assert client_context.client.app_title == "t"
    assert client_context.client.app_version_code is None
    assert not hasattr(client_context.client, "unknown")
    assert context.w3c() == {"traceparent": "00-abc-def-01"}
    assert context.identity.cognito_identity_id == "id-1"
    assert context.identity.cognito_identity_pool_id == "pool-1"


def test_client_context_without_client() -> None:
    context = LambdaContext("rid", ARN, _deadline(3), client_context={"custom": {"a": 1}})
    assert context.client_context is not None
    assert context.client_context.client is None
    assert context.client_context.env is None


def test_log_writes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    LambdaContext("rid", ARN, _deadline(3)).log("one line\n")
    assert capsys.readouterr().out == "one line\n"


def test_repr_names_every_member() -> None:
    text = repr(LambdaContext("rid", ARN, _deadline(3)))
    for member in (
        "aws_request_id=rid",
        "function_name=orders",
        "memory_limit_in_mb=256",
        f"invoked_function_arn={ARN}",
    ):
        assert member in text


def test_logging_format() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("triggerfish-test-logging-format")
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    before = list(root.handlers)
    context_module.install_log_handler()
    try:
        [installed] = [h for h in root.handlers if h not in before]
        assert isinstance(installed, logging.StreamHandler)
        handler.setFormatter(installed.formatter)
        handler.terminator = installed.terminator
        for log_filter in installed.filters:
            handler.addFilter(log_filter)
        logger.addHandler(handler)
        context_module.REQUEST_ID_FILTER.request_id = "rid-42"
        logger.warning("hello %s", "there")
    finally:
        root.removeHandler(installed)
        logger.removeHandler(handler)
    assert re.fullmatch(
        r"\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\trid-42\thello there\n", stream.getvalue()
    )
