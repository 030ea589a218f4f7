"""The expiry of presigned URLs, judged on the service clock so virtual time moves it too.

A SigV4 presigned URL carries ``X-Amz-Date`` and ``X-Amz-Expires``; a SigV2 one ``Expires`` (epoch
seconds) beside ``Signature``. Once past, S3 answers 403 AccessDenied "Request has expired" with
``X-Amz-Expires``, ``Expires`` and ``ServerTime`` in the error body. Signatures themselves are the
endpoint's to check, when it checks them at all.
"""

from __future__ import annotations

from datetime import UTC, datetime

from triggerfish.aws.protocol import HttpRequest
from triggerfish.core.errors import ClientError
from triggerfish.services.s3.errors import AccessDenied

#: the longest a SigV4 presigned URL may live: seven days (S3 "Sharing objects with presigned URLs")
MAX_EXPIRES = 604_800


class AuthorizationQueryParametersError(ClientError):
    code = "AuthorizationQueryParametersError"

    def __init__(self, message: str) -> None:
        super().__init__(message)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_expiry(request: HttpRequest, now: float) -> None:
    """Raise AccessDenied when ``request`` is a presigned URL past its expiry."""
    query = dict(request.query_items())
    if "X-Amz-Date" in query and "X-Amz-Expires" in query:
        _check_sigv4(query["X-Amz-Date"], query["X-Amz-Expires"], now)
    elif "Expires" in query and ("Signature" in query or "AWSAccessKeyId" in query):
        _check_sigv2(query["Expires"], now)


def _check_sigv4(date: str, expires_text: str, now: float) -> None:
    try:
        expires = int(expires_text)
    except ValueError:
        raise AuthorizationQueryParametersError("X-Amz-Expires should be a number") from None
    if expires < 0:
        raise AuthorizationQueryParametersError("X-Amz-Expires must be non-negative")
    if expires > MAX_EXPIRES:
        raise AuthorizationQueryParametersError(
            f"X-Amz-Expires must be less than a week (in seconds) that is; {MAX_EXPIRES}"
        )
    try:
        signed = datetime.strptime(date, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise AuthorizationQueryParametersError(
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
        ) from None
    if now > signed + expires:
        raise AccessDenied(
            "Request has expired",
            **{"X-Amz-Expires": str(expires), "Expires": _iso(signed + expires), "ServerTime": _iso(now)},
        )


def _check_sigv2(expires_text: str, now: float) -> None:
    try:
        expires = int(expires_text)
    except ValueError:
        raise AccessDenied("Invalid date (should be seconds since epoch): " + expires_text) from None
    if now > expires:
        raise AccessDenied("Request has expired", Expires=_iso(expires), ServerTime=_iso(now))


__all__ = ["MAX_EXPIRES", "AuthorizationQueryParametersError", "check_expiry"]
