"""The identity sources of a Lambda authorizer: the request values it needs, whose absence is a 401
without invoking it, and which key its cached results (spec §6.5)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triggerfish.gateway.request import Request

DEFAULT_TOKEN_SOURCE = "method.request.header.Authorization"


def rest_sources(identity_source: str | None) -> tuple[str, ...]:
    """``method.request.header.A, method.request.querystring.b`` -> its parts."""
    return tuple(part.strip() for part in (identity_source or "").split(",") if part.strip())


def rest_value(
    source: str, request: Request, event: Mapping[str, Any], stage_variables: Mapping[str, str]
) -> str | None:
    """One REST identity source's value in the request: ``method.request.header.X``, ``.querystring.X``,
    ``.multivalueheader.X``, ``.multivaluequerystring.X``, ``.path.X``, ``stageVariables.X``, ``context.X``."""
    if source.startswith("method.request."):
        kind, _, name = source[len("method.request.") :].partition(".")
        if kind == "header":
            return request.header(name.lower())
        if kind == "multivalueheader":
            return _joined([value for key, value in request.headers if key == name.lower()])
        if kind == "querystring":
            return (event.get("queryStringParameters") or {}).get(name)
        if kind == "multivaluequerystring":
            return _joined((event.get("multiValueQueryStringParameters") or {}).get(name) or [])
        if kind == "path":
            return (event.get("pathParameters") or {}).get(name)
        return None
    if source.startswith("stageVariables."):
        return stage_variables.get(source[len("stageVariables.") :])
    if source.startswith("context."):
        return _dotted(event.get("requestContext"), source[len("context.") :])
    return None


def http_value(
    source: str, request: Request, event: Mapping[str, Any], stage_variables: Mapping[str, str]
) -> str | None:
    """One HTTP API identity source's value: ``$request.header.X`` (any case), ``$request.querystring.X``,
    ``$context.X``, ``$stageVariables.X`` (API Gateway, "Identity sources")."""
    if source.startswith("$request.header."):
        return _joined([value for key, value in request.headers if key == source[16:].lower()])
    if source.startswith("$request.querystring."):
        return (event.get("queryStringParameters") or {}).get(source[len("$request.querystring.") :])
    if source.startswith("$stageVariables."):
        return stage_variables.get(source[len("$stageVariables.") :])
    if source.startswith("$context."):
        return _dotted(event.get("requestContext"), source[len("$context.") :])
    return None


def all_present(values: Sequence[str | None]) -> tuple[str, ...] | None:
    """The values, or None when one is missing or empty (a 401)."""
    if not all(values):
        return None
    return tuple(value for value in values if value)


def _joined(values: Sequence[str]) -> str | None:
    return ",".join(values) if values else None


def _dotted(context: object, path: str) -> str | None:
    value = context
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value)
