"""Which API or function URL a request is for, read from its Host header or its path.

``<api-id>.execute-api.localhost[:port]`` and ``<url-id>.lambda-url.<region>.localhost[:port]`` (and the
AWS host names themselves, for clients whose hosts file maps them here), or the path forms
``/_execute-api/<api-id>/…`` and ``/_lambda-url/<url-id>/…`` for clients that cannot resolve subdomains.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

EXECUTE_API_PREFIX = "/_execute-api/"
LAMBDA_URL_PREFIX = "/_lambda-url/"


class TargetKind(enum.Enum):
    EXECUTE_API = "execute-api"
    LAMBDA_URL = "lambda-url"


@dataclass(frozen=True, slots=True)
class Target:
    """``path`` is the raw path inside the API or URL; it always starts with ``/``."""

    kind: TargetKind
    id: str
    path: str


def target_of(host: str, raw_path: str) -> Target | None:
    if raw_path.startswith("/_"):
        by_path = _by_path(raw_path)
        if by_path is not None:
            return by_path
    return _by_host(host, raw_path) if host else None


def _by_path(raw_path: str) -> Target | None:
    if raw_path.startswith(EXECUTE_API_PREFIX):
        kind, rest = TargetKind.EXECUTE_API, raw_path[len(EXECUTE_API_PREFIX) :]
    elif raw_path.startswith(LAMBDA_URL_PREFIX):
        kind, rest = TargetKind.LAMBDA_URL, raw_path[len(LAMBDA_URL_PREFIX) :]
    else:
        return None
    target_id, slash, path = rest.partition("/")
    if not target_id:
        return None
    return Target(kind, target_id, slash + path if slash else "/")


def _by_host(host: str, raw_path: str) -> Target | None:
    named = _named_by_host(host)
    if named is None:
        return None
    return Target(named[0], named[1], raw_path or "/")


@functools.lru_cache(maxsize=1024)
def _named_by_host(host: str) -> tuple[TargetKind, str] | None:
    # the same few host names come with every request: read each once
    labels = _without_port(host).lower().split(".")
    if len(labels) < 3:
        return None
    tail = labels[2:]
    # <id>.execute-api.localhost, or AWS's own <id>.execute-api.<region>.amazonaws.com
    if labels[1] == "execute-api" and (tail == ["localhost"] or tail[1:] == ["amazonaws", "com"]):
        return TargetKind.EXECUTE_API, labels[0]
    # <id>.lambda-url.<region>.localhost, or AWS's own <id>.lambda-url.<region>.on.aws
    if labels[1] == "lambda-url" and tail[1:] in (["localhost"], ["on", "aws"]):
        return TargetKind.LAMBDA_URL, labels[0]
    return None


def _without_port(host: str) -> str:
    if host.startswith("["):  # an IPv6 literal never names an API
        return ""
    name, _, _ = host.partition(":")
    return name
