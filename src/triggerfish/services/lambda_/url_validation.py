"""Validation of function URL requests, with the Lambda API's codes and messages.

The AWS endpoint checks the model's constraints before a request reaches the service; these checks
give callers of the Python API (and deployments) the same answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from triggerfish.core.errors import InvalidParameterValue
from triggerfish.services.lambda_.url_config import UrlCors
from triggerfish.services.lambda_.validation import check_range, constraint

# FunctionUrlQualifier in the Lambda model: an alias name, never a version number or $LATEST
# (observed: Qualifier "1" and "$LATEST" are both refused with this pattern in the message).
QUALIFIER_PATTERN = r"((?!^\d+$)^[0-9a-zA-Z-_]+$)"
_QUALIFIER = re.compile(QUALIFIER_PATTERN)
# FunctionUrlFunctionName in the Lambda model: a qualifier inside the name follows the same rule.
FUNCTION_NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?"
    r"(function:)?([a-zA-Z0-9-_]{1,64})(:((?!\d+$)[0-9a-zA-Z-_]+))?"
)
_FUNCTION_NAME = re.compile(FUNCTION_NAME_PATTERN)
AUTH_TYPES = ("NONE", "AWS_IAM")
# Observed order in Lambda's message for a bad InvokeMode (recorded AWS response).
INVOKE_MODES = ("RESPONSE_STREAM", "BUFFERED")
MAX_METHODS = 6
MAX_METHOD_LENGTH = 6
MAX_LIST_ITEMS = 100
MAX_HEADER_LENGTH = 1024
MAX_ORIGIN_LENGTH = 253
MAX_AGE = 86_400


def check_function_name(function_name: str) -> None:
    if not 1 <= len(function_name) <= 140 or _FUNCTION_NAME.fullmatch(function_name) is None:
        raise constraint(
            function_name, "functionName", f"Member must satisfy regular expression pattern: {FUNCTION_NAME_PATTERN}"
        )


def resolve_qualifier(from_name: str | None, given: str | None) -> str | None:
    """The alias a request names, from the function name or the ``Qualifier`` parameter."""
    if given is not None:
        if len(given) > 128:
            raise constraint(given, "qualifier", "Member must have length less than or equal to 128")
        if _QUALIFIER.fullmatch(given) is None:
            raise constraint(given, "qualifier", f"Member must satisfy regular expression pattern: {QUALIFIER_PATTERN}")
    # Lambda: a qualifier in the name and a different Qualifier parameter contradict each other.
    if from_name is not None and given is not None and from_name != given:
        raise InvalidParameterValue(
            "The derived qualifier from the function name does not match the specified qualifier."
        )
    return given if given is not None else from_name


def check_auth_type(auth_type: str) -> None:
    if auth_type not in AUTH_TYPES:
        raise constraint(auth_type, "authType", f"Member must satisfy enum value set: [{', '.join(AUTH_TYPES)}]")


def check_invoke_mode(invoke_mode: str) -> None:
    if invoke_mode not in INVOKE_MODES:
        raise constraint(invoke_mode, "invokeMode", f"Member must satisfy enum value set: [{', '.join(INVOKE_MODES)}]")


def check_cors(cors: UrlCors) -> None:
    """The Cors shape's limits in the Lambda model: lists of at most 100 (methods: 6) items."""
    _check_list(cors.allow_headers, "cors.allowHeaders", MAX_LIST_ITEMS, 0, MAX_HEADER_LENGTH)
    _check_list(cors.allow_methods, "cors.allowMethods", MAX_METHODS, 0, MAX_METHOD_LENGTH)
    _check_list(cors.allow_origins, "cors.allowOrigins", MAX_LIST_ITEMS, 1, MAX_ORIGIN_LENGTH)
    _check_list(cors.expose_headers, "cors.exposeHeaders", MAX_LIST_ITEMS, 0, MAX_HEADER_LENGTH)
    check_range(cors.max_age, "cors.maxAge", 0, MAX_AGE)


def _check_list(items: Sequence[str], member: str, max_items: int, min_length: int, max_length: int) -> None:
    if len(items) > max_items:
        shown = "[" + ", ".join(items) + "]"
        raise constraint(shown, member, f"Member must have length less than or equal to {max_items}")
    for index, item in enumerate(items, 1):
        if len(item) > max_length:
            raise constraint(
                item, f"{member}.{index}.member", f"Member must have length less than or equal to {max_length}"
            )
        if len(item) < min_length:
            raise constraint(
                item, f"{member}.{index}.member", f"Member must have length greater than or equal to {min_length}"
            )
