"""Identifiers in the shapes API Gateway gives them: short lower-case alphanumerics."""

from __future__ import annotations

import secrets
import string
from collections.abc import Container

_ALPHABET = string.ascii_lowercase + string.digits

#: REST API ids are 10 characters (``a1b2c3d4e5``); resources, deployments and authorizers 6 to 10.
API_ID_LENGTH = 10
CHILD_ID_LENGTH = 6


def new_id(taken: Container[str], length: int = CHILD_ID_LENGTH) -> str:
    """A fresh id not in ``taken``."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if candidate not in taken:
            return candidate
