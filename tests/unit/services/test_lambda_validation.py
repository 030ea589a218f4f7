"""Validation of function settings, with Lambda's error codes and messages."""

from __future__ import annotations

import pytest

from triggerfish.core.errors import InvalidParameterValue, ValidationError
from triggerfish.services.lambda_ import validation


def _constraint(value: object, member: str, rule: str) -> str:
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"


@pytest.mark.parametrize(
    ("check", "value", "member", "rule"),
    [
        (validation.check_timeout, 0, "timeout", "Member must have value greater than or equal to 1"),
        (validation.check_timeout, 901, "timeout", "Member must have value less than or equal to 900"),
        (validation.check_memory, 127, "memorySize", "Member must have value greater than or equal to 128"),
        (validation.check_memory, 10241, "memorySize", "Member must have value less than or equal to 10240"),
        (
            validation.check_reserved_concurrency,
            -1,
            "reservedConcurrentExecutions",
            "Member must have value greater than or equal to 0",
        ),
    ],
)
def test_ranges(check: object, value: int, member: str, rule: str) -> None:
    assert callable(check)
    with pytest.raises(ValidationError) as raised:
        check(value)
    assert raised.value.code == "ValidationException"
    assert raised.value.status == 400
    assert raised.value.message == _constraint(value, member, rule)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (validation.check_timeout, 1),
        (validation.check_timeout, 900),
        (validation.check_memory, 128),
        (validation.check_memory, 10240),
        (validation.check_reserved_concurrency, 0),
        (validation.check_reserved_concurrency, 5000),
    ],
)
def test_range_limits_are_inclusive(check: object, value: int) -> None:
    assert callable(check)
    check(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("orders", ("orders", None, None, None)),
        ("orders:$LATEST", ("orders", "$LATEST", None, None)),
        ("orders:live", ("orders", "live", None, None)),
        ("123456789012:function:orders", ("orders", None, None, "123456789012")),
        (
            "arn:aws:lambda:eu-west-1:123456789012:function:orders:3",
            ("orders", "3", "eu-west-1", "123456789012"),
        ),
        ("arn:aws:lambda:us-east-1:000000000000:function:orders", ("orders", None, "us-east-1", "000000000000")),
    ],
)
def test_function_name_forms(text: str, expected: tuple[str, str | None, str | None, str | None]) -> None:
    assert validation.split_function_name(text) == expected


@pytest.mark.parametrize("text", ["", "has space", "arn:aws:s3:::bucket", "x" * 257])
def test_bad_function_names_are_validation_errors(text: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validation.split_function_name(text)
    assert raised.value.message.startswith(f"1 validation error detected: Value '{text}' at 'functionName'")


@pytest.mark.parametrize("name", ["a", "order-handler_2", "x" * 64])
def test_new_names(name: str) -> None:
    validation.check_new_name(name)


@pytest.mark.parametrize("name", ["", "x" * 65, "dots.are.not.allowed", "arn:aws:lambda:us-east-1:0:function:x"])
def test_bad_new_names(name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validation.check_new_name(name)
    assert raised.value.message == _constraint(
        name, "functionName", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and length 1-64"
    )


@pytest.mark.parametrize("runtime", ["python3.11", "python3.12", "python3.13"])
def test_supported_runtimes(runtime: str) -> None:
    validation.check_runtime(runtime)


@pytest.mark.parametrize("runtime", ["python2.7", "python3.8", "nodejs20.x", ""])
def test_unsupported_runtimes(runtime: str) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        validation.check_runtime(runtime)
    assert raised.value.code == "InvalidParameterValueException"
    assert raised.value.message == (
        f"The runtime parameter of {runtime} is not supported by triggerfish. "
        "Supported runtimes: python3.11, python3.12, python3.13."
    )


def test_handler_length_and_whitespace() -> None:
    validation.check_handler("pkg/sub/mod.fn")
    with pytest.raises(ValidationError) as raised:
        validation.check_handler("a" * 129)
    assert raised.value.message.endswith("Member must have length less than or equal to 128")
    with pytest.raises(ValidationError):
        validation.check_handler("app.\thandler")


def test_environment_names() -> None:
    validation.check_environment({"TABLE": "t", "a1": "", "Mixed_Case": "x"})
    with pytest.raises(ValidationError) as raised:
        validation.check_environment({"1ST": "x"})
    assert raised.value.message == _constraint(
        "1ST", "environment.variables", "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+"
    )


def test_reserved_environment_variables_are_listed_sorted() -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        validation.check_environment({"AWS_REGION": "x", "OK": "y", "AWS_ACCESS_KEY_ID": "z"})
    assert raised.value.message.endswith("Reserved keys used in this request: AWS_ACCESS_KEY_ID,AWS_REGION")


def test_environment_over_4_kb() -> None:
    validation.check_environment({"BIG": "x" * (4096 - 3)})
    with pytest.raises(InvalidParameterValue) as raised:
        validation.check_environment({"BIG": "x" * (4096 - 2)})
    assert raised.value.message.endswith("exceeded the 4KB limit. String measured: 4097 bytes")


@pytest.mark.parametrize(
    ("retries", "age", "member", "value", "rule"),
    [
        (-1, None, "maximumRetryAttempts", -1, "Member must have value greater than or equal to 0"),
        (3, None, "maximumRetryAttempts", 3, "Member must have value less than or equal to 2"),
        (None, 59, "maximumEventAgeInSeconds", 59, "Member must have value greater than or equal to 60"),
        (None, 21601, "maximumEventAgeInSeconds", 21601, "Member must have value less than or equal to 21600"),
    ],
)
def test_event_invoke_config_ranges(retries: int | None, age: int | None, member: str, value: int, rule: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validation.check_event_invoke_config(retries, age, None, None)
    assert raised.value.message == _constraint(value, member, rule)


@pytest.mark.parametrize(("retries", "age"), [(0, 60), (2, 21600), (None, None)])
def test_event_invoke_config_limits(retries: int | None, age: int | None) -> None:
    validation.check_event_invoke_config(retries, age, None, None)


SQS = "arn:aws:sqs:us-east-1:000000000000:q"
SNS = "arn:aws:sns:us-east-1:000000000000:t"
LAMBDA = "arn:aws:lambda:us-east-1:000000000000:function:f"
BUS = "arn:aws:events:us-east-1:000000000000:event-bus/default"
BUCKET = "arn:aws:s3:::bucket"
TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/t"


@pytest.mark.parametrize("arn", [SQS, SNS, LAMBDA, BUS])
def test_on_success_destination_types(arn: str) -> None:
    validation.check_event_invoke_config(None, None, arn, None)


@pytest.mark.parametrize("arn", [SQS, SNS, LAMBDA, BUS, BUCKET])
def test_on_failure_destination_types(arn: str) -> None:
    validation.check_event_invoke_config(None, None, None, arn)


@pytest.mark.parametrize(
    ("on_success", "on_failure", "label", "arn"),
    [
        (BUCKET, None, "OnSuccess", BUCKET),
        (TABLE, None, "OnSuccess", TABLE),
        (None, TABLE, "OnFailure", TABLE),
        (None, "queue-name", "OnFailure", "queue-name"),
    ],
)
def test_bad_destinations(on_success: str | None, on_failure: str | None, label: str, arn: str) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        validation.check_event_invoke_config(None, None, on_success, on_failure)
    assert raised.value.message.startswith(f"The destination ARN {arn} is invalid for {label}: ")


@pytest.mark.parametrize("arn", [SQS, SNS])
def test_dead_letter_targets(arn: str) -> None:
    validation.check_dead_letter_target(arn)


@pytest.mark.parametrize("arn", [LAMBDA, BUS, BUCKET, "not-an-arn"])
def test_bad_dead_letter_targets(arn: str) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        validation.check_dead_letter_target(arn)
    assert raised.value.message == (
        f"The provided target ARN {arn} is invalid. Only SQS queues and SNS topics are supported as "
        "dead-letter targets."
    )
