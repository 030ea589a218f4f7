"""Random identifiers in the shapes the event sources give them, for services and sample events alike."""

from __future__ import annotations

import base64
import os
import secrets
import string

from triggerfish.core.ids import hex_id

_UPPER = string.ascii_uppercase + string.digits
_LOWER = string.ascii_lowercase + string.digits
_MIXED = string.ascii_letters + string.digits


def token(length: int, alphabet: str = _UPPER) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def lower_token(length: int) -> str:
    """``a1b2c3d4e5``: API ids, resource ids, Function URL ids."""
    return token(length, _LOWER)


def digits(length: int) -> str:
    """A decimal number of exactly ``length`` digits, as stream sequence numbers are written."""
    return str(1 + secrets.randbelow(9)) + token(length - 1, string.digits)


def random_base64(size: int) -> str:
    """``size`` random bytes in base64: signatures, receipt handles, S3's ``x-amz-id-2``."""
    return base64.b64encode(os.urandom(size)).decode("ascii")


def iam_user_id() -> str:
    """An IAM user's unique id, ``AIDA`` and 17 characters."""
    return f"AIDA{token(17)}"


def access_key_id() -> str:
    return f"AKIA{token(16)}"


def s3_request_id() -> str:
    """S3's ``x-amz-request-id``: 16 upper-case hex digits."""
    return hex_id(16).upper()


def gateway_request_id() -> str:
    """API Gateway's extended request id (and an HTTP API's request id): 15 characters and ``=``."""
    return token(15, _MIXED) + "="


def trace_header(now: float) -> str:
    """An X-Ray trace id as ``X-Amzn-Trace-Id`` carries it: version, epoch seconds in hex, 96 random bits."""
    return f"Root=1-{int(now):08x}-{hex_id(24)}"
