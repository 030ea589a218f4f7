"""Validation of function settings, with Lambda's error codes and messages."""

from __future__ import annotations

import re
from collections.abc import Mapping

from triggerfish.core.arns import parse_arn
from triggerfish.core.errors import InvalidParameterValue, ValidationError
from triggerfish.runtime.interpreters import SUPPORTED_RUNTIMES

# The FunctionName pattern of the Lambda API model: a name, a partial ARN or a full ARN.
FUNCTION_NAME = re.compile(
    r"^(arn:(aws[a-zA-Z-]*)?:lambda:)?(?P<region>[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(?P<account>\d{12}:)?(function:)?(?P<name>[a-zA-Z0-9-_]+)(:(?P<qualifier>\$LATEST|[a-zA-Z0-9-_]+))?$"
)
HANDLER = re.compile(r"^[^\s]+$")
ENV_NAME = re.compile(r"^[a-zA-Z]([a-zA-Z0-9_])+$")
MAX_TIMEOUT = 900
MAX_MEMORY = 10_240
MAX_ENVIRONMENT_BYTES = 4096
# Variables Lambda sets itself; a function may not override them.
RESERVED_VARIABLES = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


def constraint(value: object, member: str, rule: str) -> ValidationError:
    """The model-validation error the Lambda API returns for one failed constraint."""
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {rule}"
    )


def check_range(value: int, member: str, low: int, high: int | None) -> None:
    if value < low:
        raise constraint(value, member, f"Member must have value greater than or equal to {low}")
    if high is not None and value > high:
        raise constraint(value, member, f"Member must have value less than or equal to {high}")


def split_function_name(text: str) -> tuple[str, str | None, str | None, str | None]:
    """(name, qualifier, region, account) from a name, partial ARN or ARN."""
    match = FUNCTION_NAME.match(text) if 1 <= len(text) <= 256 else None
    if match is None:
        raise constraint(
            text,
            "functionName",
            f"Member must satisfy regular expression pattern: {FUNCTION_NAME.pattern[1:-1]}",
        )
    region = match.group("region")
    account = match.group("account")
    return (
        match.group("name"),
        match.group("qualifier"),
        region[:-1] if region else None,
        account[:-1] if account else None,
    )


def check_new_name(name: str) -> None:
    if not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", name):
        raise constraint(
            name,
            "functionName",
            "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and length 1-64",
        )


def check_runtime(runtime: str) -> None:
    if runtime not in SUPPORTED_RUNTIMES:
        supported = ", ".join(SUPPORTED_RUNTIMES)
        raise InvalidParameterValue(
            f"The runtime parameter of {runtime} is not supported by triggerfish. Supported runtimes: {supported}."
        )


def check_handler(handler: str) -> None:
    if len(handler) > 128:
        raise constraint(handler, "handler", "Member must have length less than or equal to 128")
    if not HANDLER.match(handler):
        raise constraint(handler, "handler", r"Member must satisfy regular expression pattern: [^\s]+")


def check_timeout(timeout: int) -> None:
    check_range(timeout, "timeout", 1, MAX_TIMEOUT)


def check_memory(memory: int) -> None:
    check_range(memory, "memorySize", 128, MAX_MEMORY)


def check_environment(variables: Mapping[str, str]) -> None:
    for key in variables:
        if not ENV_NAME.match(key):
            raise constraint(
                key,
                "environment.variables",
                "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+",
            )
    reserved = sorted(set(variables) & RESERVED_VARIABLES)
    if reserved:
        raise InvalidParameterValue(
            f"Lambda was unable to configure your environment variables because the environment variables you have "
            f"provided contains reserved keys that are currently not supported for modification. Reserved keys used "
            f"in this request: {','.join(reserved)}"
        )
    size = sum(len(k.encode()) + len(str(v).encode()) for k, v in variables.items())
    if size > MAX_ENVIRONMENT_BYTES:
        raise InvalidParameterValue(
            f"Lambda was unable to configure your environment variables because the environment variables you have "
            f"provided exceeded the 4KB limit. String measured: {size} bytes"
        )


def check_event_invoke_config(
    retries: int | None, max_age: int | None, on_success: str | None, on_failure: str | None
) -> None:
    if retries is not None:
        check_range(retries, "maximumRetryAttempts", 0, 2)
    if max_age is not None:
        check_range(max_age, "maximumEventAgeInSeconds", 60, 21_600)
    # OnSuccess accepts SQS, SNS, Lambda and EventBridge; OnFailure also S3 (spec §1.3).
    for destination, allowed, label in (
        (on_success, {"sqs", "sns", "lambda", "events"}, "OnSuccess"),
        (on_failure, {"sqs", "sns", "lambda", "events", "s3"}, "OnFailure"),
    ):
        if destination is None:
            continue
        try:
            service = parse_arn(destination).service
        except ValueError:
            service = ""
        if service not in allowed:
            raise InvalidParameterValue(
                f"The destination ARN {destination} is invalid for {label}: supported destinations are "
                f"{', '.join(sorted(allowed))}."
            )


def check_dead_letter_target(target: str) -> None:
    try:
        service = parse_arn(target).service
    except ValueError:
        service = ""
    if service not in {"sqs", "sns"}:
        raise InvalidParameterValue(
            f"The provided target ARN {target} is invalid. Only SQS queues and SNS topics are supported as "
            "dead-letter targets."
        )


def check_reserved_concurrency(value: int) -> None:
    check_range(value, "reservedConcurrentExecutions", 0, None)
