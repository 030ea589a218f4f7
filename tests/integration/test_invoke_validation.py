"""Rejected requests: Lambda's error codes and messages, and nothing accepted is lost (spec §1.1, §1.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from invocation_harness import BASICS, bus_arn, function_arn, queue_arn, topic_arn, unique

from triggerfish.cloud import Cloud
from triggerfish.core.errors import (
    InvalidParameterValue,
    InvalidRequestContent,
    RequestTooLarge,
    ResourceNotFound,
    TriggerfishError,
    ValidationError,
)

MB = 1_048_576


@pytest.fixture(scope="module")
def echo(cloud: Cloud) -> str:
    name = unique("echo")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    return name


def _rejected(error: type[TriggerfishError], call: object, *args: object, **kwargs: object) -> TriggerfishError:
    assert callable(call)
    with pytest.raises(error) as raised:
        call(*args, **kwargs)
    return raised.value


def _range_message(value: object, member: str, rule: str) -> str:
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"


@pytest.mark.parametrize(
    ("setting", "value", "member", "rule"),
    [
        ("timeout", 0, "timeout", "Member must have value greater than or equal to 1"),
        ("timeout", 901, "timeout", "Member must have value less than or equal to 900"),
        ("memory_size", 127, "memorySize", "Member must have value greater than or equal to 128"),
        ("memory_size", 10241, "memorySize", "Member must have value less than or equal to 10240"),
    ],
)
def test_settings_out_of_range(cloud: Cloud, setting: str, value: int, member: str, rule: str) -> None:
    name = unique("invalid")
    error = _rejected(
        ValidationError, cloud.create_function, name, handler="app.echo", code_dir=BASICS, **{setting: value}
    )
    assert error.code == "ValidationException"
    assert error.status == 400
    assert error.message == _range_message(value, member, rule)
    with pytest.raises(ResourceNotFound):
        cloud.get_function(name)


@pytest.mark.parametrize(
    ("setting", "value"), [("timeout", 1), ("timeout", 900), ("memory_size", 128), ("memory_size", 10240)]
)
def test_settings_at_the_limits_are_accepted(cloud: Cloud, setting: str, value: int) -> None:
    name = unique("limits")
    function = cloud.create_function(name, handler="app.echo", code_dir=BASICS, **{setting: value})
    assert getattr(function, setting) == value


def test_settings_out_of_range_on_update(cloud: Cloud, echo: str) -> None:
    error = _rejected(ValidationError, cloud.update_function, echo, timeout=901)
    assert error.message == _range_message(901, "timeout", "Member must have value less than or equal to 900")
    assert cloud.get_function(echo).timeout == 3


def test_unsupported_runtime(cloud: Cloud) -> None:
    error = _rejected(
        InvalidParameterValue,
        cloud.create_function,
        unique("runtime"),
        handler="app.echo",
        code_dir=BASICS,
        runtime="python2.7",
    )
    assert error.code == "InvalidParameterValueException"
    assert error.message.startswith("The runtime parameter of python2.7 is not supported")


@pytest.mark.parametrize("name", ["has space", "slash/name", "x" * 65, ""])
def test_bad_function_names(cloud: Cloud, name: str) -> None:
    error = _rejected(ValidationError, cloud.create_function, name, handler="app.echo", code_dir=BASICS)
    assert error.message.startswith(f"1 validation error detected: Value '{name}' at 'functionName' failed to satisfy")


def test_longest_name_is_accepted(cloud: Cloud) -> None:
    name = unique("long").ljust(64, "n")
    assert len(name) == 64
    assert cloud.create_function(name, handler="app.echo", code_dir=BASICS).name == name


def test_handler_with_whitespace(cloud: Cloud) -> None:
    error = _rejected(ValidationError, cloud.create_function, unique("handler"), handler="app. echo", code_dir=BASICS)
    assert error.message == _range_message(
        "app. echo", "handler", r"Member must satisfy regular expression pattern: [^\s]+"
    )


def test_missing_code_directory(cloud: Cloud, tmp_path: Path) -> None:
    missing = tmp_path / "not-there"
    error = _rejected(
        InvalidParameterValue, cloud.create_function, unique("code"), handler="app.echo", code_dir=missing
    )
    assert error.code == "InvalidParameterValueException"
    assert error.message == f"The code directory {missing} does not exist or is not a directory."


def test_duplicate_function(cloud: Cloud, echo: str) -> None:
    error = _rejected(TriggerfishError, cloud.create_function, echo, handler="app.echo", code_dir=BASICS)
    assert error.code == "ResourceConflictException"
    assert error.status == 409


def test_unknown_function(cloud: Cloud) -> None:
    error = _rejected(ResourceNotFound, cloud.invoke, "nope", {})
    assert error.code == "ResourceNotFoundException"
    assert error.status == 404
    assert error.message == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"


def test_unknown_qualifier(cloud: Cloud, echo: str) -> None:
    error = _rejected(ResourceNotFound, cloud.invoke, f"{echo}:7", {})
    assert error.message == f"Function not found: {function_arn(echo)}:7"


def test_function_addressed_by_arn(cloud: Cloud, echo: str) -> None:
    for address in (function_arn(echo), f"{function_arn(echo)}:$LATEST", f"000000000000:function:{echo}"):
        assert cloud.invoke(address, {"via": address}).json() == {"via": address}


def _json_string_payload(size: int) -> bytes:
    return b'"' + b"x" * (size - 2) + b'"'


def test_sync_payload_over_6_mb(cloud: Cloud, echo: str) -> None:
    error = _rejected(RequestTooLarge, cloud.invoke, echo, payload=_json_string_payload(6 * MB + 1))
    assert error.code == "RequestEntityTooLargeException"
    assert error.status == 413
    assert error.message == "Request must be smaller than 6291456 bytes for the InvokeFunction operation"


def test_sync_payload_of_exactly_6_mb_is_accepted(cloud: Cloud, echo: str) -> None:
    payload = _json_string_payload(6 * MB)
    result = cloud.invoke(echo, payload=payload)
    assert result.function_error is None
    assert len(result.payload) == len(payload)


def test_async_payload_over_1_mb(cloud: Cloud, echo: str) -> None:
    error = _rejected(
        RequestTooLarge, cloud.invoke, echo, payload=_json_string_payload(MB + 1), invocation_type="Event"
    )
    assert error.code == "RequestEntityTooLargeException"
    assert error.message == "Request must be smaller than 1048576 bytes for the InvokeFunction operation"


def test_malformed_json_payload(cloud: Cloud, echo: str) -> None:
    error = _rejected(InvalidRequestContent, cloud.invoke, echo, payload=b'{"unterminated": ')
    assert error.code == "InvalidRequestContentException"
    assert error.status == 400
    assert error.message.startswith("Could not parse request body into json: ")


def test_invalid_invocation_type(cloud: Cloud, echo: str) -> None:
    error = _rejected(ValidationError, cloud.invoke, echo, {}, invocation_type="Sometimes")
    assert error.message == _range_message(
        "Sometimes", "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
    )


@pytest.mark.parametrize(
    ("config", "member", "value", "rule"),
    [
        (
            {"maximum_retry_attempts": -1},
            "maximumRetryAttempts",
            -1,
            "Member must have value greater than or equal to 0",
        ),
        ({"maximum_retry_attempts": 3}, "maximumRetryAttempts", 3, "Member must have value less than or equal to 2"),
        (
            {"maximum_event_age": 59},
            "maximumEventAgeInSeconds",
            59,
            "Member must have value greater than or equal to 60",
        ),
        (
            {"maximum_event_age": 21601},
            "maximumEventAgeInSeconds",
            21601,
            "Member must have value less than or equal to 21600",
        ),
    ],
)
def test_async_config_out_of_range(
    cloud: Cloud, echo: str, config: dict[str, int], member: str, value: int, rule: str
) -> None:
    error = _rejected(ValidationError, cloud.set_async_config, echo, **config)
    assert error.message == _range_message(value, member, rule)


@pytest.mark.parametrize(
    "config",
    [
        {"maximum_retry_attempts": 0, "maximum_event_age": 60},
        {"maximum_retry_attempts": 2, "maximum_event_age": 21600},
        {"on_success": queue_arn("q"), "on_failure": topic_arn("t")},
        {"on_success": bus_arn(), "on_failure": "arn:aws:s3:::failures"},
        {"on_success": function_arn("elsewhere"), "on_failure": function_arn("elsewhere")},
    ],
)
def test_async_config_accepted(cloud: Cloud, config: dict[str, object]) -> None:
    name = unique("config")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    stored = cloud.set_async_config(name, **config)
    for key, value in config.items():
        assert getattr(stored, key) == value


@pytest.mark.parametrize(
    ("config", "label"),
    [
        ({"on_success": "arn:aws:s3:::bucket"}, "OnSuccess"),
        ({"on_success": "arn:aws:dynamodb:us-east-1:000000000000:table/t"}, "OnSuccess"),
        ({"on_failure": "arn:aws:dynamodb:us-east-1:000000000000:table/t"}, "OnFailure"),
        ({"on_failure": "not-an-arn"}, "OnFailure"),
    ],
)
def test_destination_arn_types(cloud: Cloud, echo: str, config: dict[str, str], label: str) -> None:
    error = _rejected(InvalidParameterValue, cloud.set_async_config, echo, **config)
    assert error.code == "InvalidParameterValueException"
    [arn] = config.values()
    assert error.message.startswith(f"The destination ARN {arn} is invalid for {label}")


@pytest.mark.parametrize("target", ["arn:aws:lambda:us-east-1:000000000000:function:f", "arn:aws:s3:::bucket"])
def test_dead_letter_target_must_be_a_queue_or_topic(cloud: Cloud, target: str) -> None:
    error = _rejected(
        InvalidParameterValue,
        cloud.create_function,
        unique("dlq"),
        handler="app.echo",
        code_dir=BASICS,
        dead_letter_target=target,
    )
    assert error.message == (
        f"The provided target ARN {target} is invalid. Only SQS queues and SNS topics are supported as "
        "dead-letter targets."
    )


def test_nothing_accepted_is_lost_after_rejected_calls(cloud: Cloud) -> None:
    name = unique("accepted")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    accepted = [cloud.invoke(name, {"n": n}, invocation_type="Event").request_id for n in range(3)]
    rejected_calls = [
        lambda: cloud.invoke(name, payload=_json_string_payload(MB + 1), invocation_type="Event"),
        lambda: cloud.invoke(name, payload=b"{oops", invocation_type="Event"),
        lambda: cloud.invoke(name, {}, invocation_type="Whenever"),
        lambda: cloud.invoke("nope", {}, invocation_type="Event"),
        lambda: cloud.set_async_config(name, maximum_retry_attempts=5),
        lambda: cloud.update_function(name, memory_size=1),
    ]
    for call in rejected_calls:
        with pytest.raises(TriggerfishError):
            call()
    accepted.append(cloud.invoke(name, {"n": 3}, invocation_type="Event").request_id)
    cloud.settle()
    ran = {r.request_id: r.event_json() for r in cloud.invocations_of(name)}
    assert set(ran) == set(accepted)
    assert sorted(ran.values(), key=lambda event: event["n"]) == [{"n": n} for n in range(4)]  # type: ignore[index]
    assert cloud.invoke(name, {"still": "working"}).json() == {"still": "working"}
