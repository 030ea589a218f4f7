"""The context object and the environment variables a function runs with (spec §1.6)."""

from __future__ import annotations

import base64
import json
import re
import sys
from typing import Any

import pytest
from invocation_harness import BASICS, function_arn, unique

from triggerfish.cloud import Cloud
from triggerfish.core.errors import InvalidParameterValue, InvalidRequestContent
from triggerfish.services.lambda_.validation import RESERVED_VARIABLES

LOG_STREAM = re.compile(r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")


@pytest.fixture(scope="module")
def context_function(cloud: Cloud) -> str:
    name = unique("context")
    cloud.create_function(name, handler="app.context_members", code_dir=BASICS, timeout=7)
    return name


@pytest.fixture(scope="module")
def environment_function(cloud: Cloud) -> str:
    name = unique("environment")
    cloud.create_function(
        name,
        handler="app.environment",
        code_dir=BASICS,
        memory_size=512,
        environment={"TABLE_NAME": "orders", "GREETING": "hello world"},
    )
    return name


def _members(cloud: Cloud, name: str, **options: Any) -> tuple[str, dict[str, Any]]:
    result = cloud.invoke(name, {}, **options)
    assert result.function_error is None, result.payload
    members = result.json()
    assert isinstance(members, dict)
    return result.request_id, members


def test_context_members(cloud: Cloud, context_function: str) -> None:
    request_id, members = _members(cloud, context_function)
    assert members["aws_request_id"] == request_id
    assert members["function_name"] == context_function
    assert members["function_version"] == "$LATEST"
    assert members["invoked_function_arn"] == function_arn(context_function)
    assert members["memory_limit_in_mb"] == "128"  # a string, as the runtime reads it from the environment
    assert members["log_group_name"] == f"/aws/lambda/{context_function}"
    assert LOG_STREAM.match(members["log_stream_name"])
    assert members["log_stream_name"] == cloud.invocations_of(context_function)[-1].log_stream
    assert members["identity"] == {"cognito_identity_id": None, "cognito_identity_pool_id": None}
    assert members["client_context"] is None


def test_invoked_arn_carries_the_qualifier_the_caller_used(cloud: Cloud, context_function: str) -> None:
    _, members = _members(cloud, f"{context_function}:$LATEST")
    assert members["invoked_function_arn"] == f"{function_arn(context_function)}:$LATEST"
    assert members["function_version"] == "$LATEST"


def test_remaining_time_counts_down_from_the_timeout(cloud: Cloud, context_function: str) -> None:
    _, members = _members(cloud, context_function)
    first, second = members["remaining"]
    assert 0 < second < first <= 7000


def test_context_log_writes_to_the_invocation_log(cloud: Cloud, context_function: str) -> None:
    _members(cloud, context_function)
    log = cloud.invocations_of(context_function)[-1].log
    assert "\na line from context.log\nEND RequestId: " in log


def test_client_context_is_decoded_from_base64(cloud: Cloud, context_function: str) -> None:
    client_context = {
        "client": {
            "installation_id": "install-1",
            "app_title": "Orders",
            "app_version_name": "1.2",
            "app_version_code": "12",
            "app_package_name": "com.example.orders",
        },
        "custom": {"tenant": "blue"},
        "env": {"locale": "en_GB"},
    }
    header = base64.b64encode(json.dumps(client_context).encode()).decode()
    _, members = _members(cloud, context_function, client_context=header)
    assert members["client_context"] == client_context


def test_client_context_reaches_synchronous_invocations_only(cloud: Cloud, context_function: str) -> None:
    header = base64.b64encode(json.dumps({"custom": {"async": True}}).encode()).decode()
    result = cloud.invoke(context_function, {}, invocation_type="Event", client_context=header)
    cloud.settle()
    [record] = [r for r in cloud.invocations_of(context_function) if r.request_id == result.request_id]
    members = record.result_json()
    assert isinstance(members, dict)
    assert members["client_context"] is None


def test_client_context_that_is_not_base64_json_is_rejected(cloud: Cloud, context_function: str) -> None:
    before = len(cloud.invocations_of(context_function))
    with pytest.raises(InvalidRequestContent) as raised:
        cloud.invoke(context_function, {}, client_context="not base64!")
    assert raised.value.code == "InvalidRequestContentException"
    assert raised.value.message == "Client context must be a valid Base64-encoded JSON object."
    assert len(cloud.invocations_of(context_function)) == before


def test_client_context_over_3583_bytes_is_rejected(cloud: Cloud, context_function: str) -> None:
    header = base64.b64encode(json.dumps({"custom": {"pad": "x" * 3000}}).encode()).decode()
    assert len(header) > 3583
    with pytest.raises(InvalidParameterValue) as raised:
        cloud.invoke(context_function, {}, client_context=header)
    assert raised.value.message == "Client context must be 3583 bytes or less."


def test_standard_environment_variables(cloud: Cloud, environment_function: str) -> None:
    env = cloud.invoke(environment_function, {}).json()
    assert isinstance(env, dict)
    function = cloud.get_function(environment_function)
    runtime = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == environment_function
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == f"/aws/lambda/{environment_function}"
    assert LOG_STREAM.match(env["AWS_LAMBDA_LOG_STREAM_NAME"])
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_EXECUTION_ENV"] == f"AWS_Lambda_{runtime}"
    assert env["_HANDLER"] == "app.environment"
    assert env["LAMBDA_TASK_ROOT"] == function.code_dir == str(BASICS)
    assert env["TZ"].lstrip(":") == "UTC"
    assert env["LANG"] == "en_US.UTF-8"


def test_boto3_in_the_function_reaches_this_cloud(cloud: Cloud, environment_function: str) -> None:
    env = cloud.invoke(environment_function, {}).json()
    assert isinstance(env, dict)
    assert cloud.endpoint_url is not None
    assert env["AWS_ENDPOINT_URL"] == cloud.endpoint_url
    assert env["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
    # dummy credentials: the local endpoint accepts any
    assert env["AWS_ACCESS_KEY_ID"]
    assert env["AWS_SECRET_ACCESS_KEY"]
    assert "AWS_SESSION_TOKEN" in env


def test_function_environment_variables(cloud: Cloud, environment_function: str) -> None:
    env = cloud.invoke(environment_function, {}).json()
    assert isinstance(env, dict)
    assert env["TABLE_NAME"] == "orders"
    assert env["GREETING"] == "hello world"


def test_host_environment_does_not_leak_into_functions(cloud: Cloud, environment_function: str) -> None:
    env = cloud.invoke(environment_function, {}).json()
    assert isinstance(env, dict)
    assert "PYTEST_CURRENT_TEST" not in env
    assert not any(key.startswith("TRIGGERFISH_") for key in env)


def test_changed_environment_reaches_a_new_environment(cloud: Cloud) -> None:
    name = unique("environment")
    cloud.create_function(name, handler="app.environment", code_dir=BASICS, environment={"STAGE": "one"})
    assert cloud.invoke(name, {}).json()["STAGE"] == "one"  # type: ignore[index]
    cloud.update_function(name, environment={"STAGE": "two"})
    assert cloud.invoke(name, {}).json()["STAGE"] == "two"  # type: ignore[index]
    assert [r.cold for r in cloud.invocations_of(name)] == [True, True]


@pytest.mark.parametrize("key", ["AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "LAMBDA_TASK_ROOT", "AWS_ACCESS_KEY_ID"])
def test_reserved_variables_are_rejected(cloud: Cloud, key: str) -> None:
    assert key in RESERVED_VARIABLES
    name = unique("reserved")
    with pytest.raises(InvalidParameterValue) as raised:
        cloud.create_function(name, handler="app.environment", code_dir=BASICS, environment={key: "mine"})
    assert raised.value.code == "InvalidParameterValueException"
    assert raised.value.message == (
        "Lambda was unable to configure your environment variables because the environment variables you have "
        "provided contains reserved keys that are currently not supported for modification. "
        f"Reserved keys used in this request: {key}"
    )
    assert name not in [f.name for f in cloud.app.lambda_.list_functions()]


def test_reserved_variables_are_rejected_on_update(cloud: Cloud, environment_function: str) -> None:
    with pytest.raises(InvalidParameterValue):
        cloud.update_function(environment_function, environment={"AWS_REGION": "eu-west-1"})
    env = cloud.invoke(environment_function, {}).json()
    assert env["TABLE_NAME"] == "orders"  # type: ignore[index]
