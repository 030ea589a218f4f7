"""Naming a log group: by ``logGroupName``, or by ``logGroupIdentifier`` (its name or its ARN, with or
without the trailing ``:*``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.services.logs.errors import InvalidParameter

_GROUP_MARKER = ":log-group:"


def group_name(identifier: str) -> str:
    """The log group a name or ARN refers to."""
    if not identifier.startswith("arn:"):
        return identifier
    _, marker, rest = identifier.partition(_GROUP_MARKER)
    if not marker or not rest:
        raise InvalidParameter(f"Invalid log group ARN: {identifier}")
    return rest[:-2] if rest.endswith(":*") else rest


def group_of(params: Mapping[str, Any]) -> str:
    """The log group of a request that takes ``logGroupName`` or ``logGroupIdentifier``."""
    name: str | None = params.get("logGroupName")
    identifier: str | None = params.get("logGroupIdentifier")
    if name is not None and identifier is not None:
        # GetLogEvents, FilterLogEvents, DescribeLogStreams: "you must include one of these two
        # parameters, but you can't include both" (Logs API reference)
        raise InvalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
    if identifier is not None:
        return group_name(identifier)
    if name is None:
        raise InvalidParameter("Either logGroupName or logGroupIdentifier must be specified.")
    return name


def resource_group(resource_arn: str) -> str:
    """The log group a tagging API's ``resourceArn`` names (only log groups carry tags here)."""
    if not resource_arn.startswith("arn:") or _GROUP_MARKER not in resource_arn:
        raise InvalidParameter(f"Invalid resource ARN: {resource_arn}")
    return group_name(resource_arn)
