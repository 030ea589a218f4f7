"""Identifiers in the shapes AWS uses."""

from __future__ import annotations

import os
import uuid

DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"


def request_id() -> str:
    """A request id as Lambda prints it: a lower-case UUID4."""
    return str(uuid.uuid4())


def hex_id(length: int = 32) -> str:
    return os.urandom((length + 1) // 2).hex()[:length]
