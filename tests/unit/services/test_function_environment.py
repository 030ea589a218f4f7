"""The variables a function runs with (spec §1.6)."""

from __future__ import annotations

import pytest

from triggerfish.services.lambda_.environment import function_environment
from triggerfish.services.lambda_.models import FunctionConfig


def _function(**changes: object) -> FunctionConfig:
    base = FunctionConfig(
        name="orders",
        account="000000000000",
        region="eu-west-1",
        runtime="python3.12",
        handler="app.handler",
        code_dir="/srv/orders",
        memory_size=256,
        environment={"TABLE": "orders"},
        log_group="/aws/lambda/orders",
    )
    return base.evolve(**changes)


def test_standard_variables() -> None:
    env = function_environment(_function(), "http://127.0.0.1:4566")
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.12"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "orders"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/orders"
    assert env["LAMBDA_TASK_ROOT"] == "/srv/orders"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert env["TZ"].lstrip(":") == "UTC"
    assert env["LANG"] == "en_US.UTF-8"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"]
    assert env["TABLE"] == "orders"


def test_no_endpoint_no_endpoint_variable() -> None:
    assert "AWS_ENDPOINT_URL" not in function_environment(_function(), None)


def test_function_variables_cannot_override_the_platform() -> None:
    # validation rejects reserved keys; even if one got through, the platform's value wins
    env = function_environment(_function(environment={"AWS_REGION": "mars-1", "AWS_ENDPOINT_URL": "http://mine"}), None)
    assert env["AWS_REGION"] == "eu-west-1"
    assert env["AWS_ENDPOINT_URL"] == "http://mine"  # not reserved: a function may point boto3 elsewhere


def test_only_a_few_host_variables_are_inherited(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_OF_THE_HOST", "x")
    monkeypatch.setenv("PATH", "/usr/bin")
    env = function_environment(_function(), None)
    assert "SECRET_OF_THE_HOST" not in env
    assert env["PATH"] == "/usr/bin"
