"""Identifiers of HTTP APIs and their parts, and the tagging ARNs that name them."""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Container
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "http://localhost:4566"
_ALPHABET = string.ascii_lowercase + string.digits
API_ID_LENGTH = 10  # "a1b2c3d4e5": ten lower-case letters and digits, like AWS's
CHILD_ID_LENGTH = 7  # route, integration, authorizer and deployment ids ("72jz1wk")
_TAG_ARN = re.compile(r"arn:aws[a-z-]*:apigateway:([a-z0-9-]+)::/apis/([a-z0-9]+)(?:/stages/([^/]+))?")


def random_id(length: int, taken: Container[str] = ()) -> str:
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if candidate not in taken:
            return candidate


@dataclass(frozen=True)
class TagTarget:
    """What a tagging ARN names: an API, or one of its stages."""

    region: str
    api_id: str
    stage_name: str | None = None


def parse_tag_arn(arn: str) -> TagTarget | None:
    match = _TAG_ARN.fullmatch(arn)
    if match is None:
        return None
    return TagTarget(match.group(1), match.group(2), match.group(3))


def stage_arn(region: str, api_id: str, stage_name: str) -> str:
    return f"arn:aws:apigateway:{region}::/apis/{api_id}/stages/{stage_name}"


def execute_api_endpoint(api_id: str, base_url: str) -> str:
    """``ApiEndpoint``: the API's own host under ``execute-api.localhost`` on the endpoint's port."""
    parts = urlsplit(base_url)
    host = f"{api_id}.execute-api.localhost"
    return f"{parts.scheme or 'http'}://{host}:{parts.port}" if parts.port else f"{parts.scheme or 'http'}://{host}"
