"""Optional SigV4 verification of requests to the AWS endpoint (``triggerfish serve --auth``).

A request is accepted when it is signed, header-style (``Authorization: AWS4-HMAC-SHA256 ...``) or
presigned (``X-Amz-Signature`` in the query), with a known access key and its secret, within AWS's
time limits. A rejection is an :class:`AuthFailure`, a :class:`ProtocolError` carrying the code and
message the service would answer with, so it is serialised in that service's own protocol.

Chunk signatures of ``STREAMING-*`` payloads are not checked: the seed signature over the headers is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from triggerfish.aws import auth_sigv4 as sigv4
from triggerfish.aws.protocol import HttpRequest, ProtocolError, read_body

#: what functions are given (``services.lambda_.environment``), so their boto3 calls always pass
DEFAULT_CREDENTIALS: Mapping[str, str] = {"test": "test"}
#: AWS refuses a header-signed request dated more than 15 minutes from its own clock (SigV4 "time skew")
MAX_SKEW = timedelta(minutes=15)
#: a presigned URL lives at most 7 days (SigV4 query auth, X-Amz-Expires)
MAX_EXPIRES = 7 * 24 * 3600

_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


class AuthFailure(ProtocolError):
    """A request the endpoint refuses to serve for its signature; always a 403."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, status=403)


class _Errors:
    """Codes by protocol family: S3 has its own; ``query`` services drop the ``Exception`` suffix."""

    def __init__(self, service: str, protocol: str) -> None:
        self.s3 = service == "s3"
        self.query = protocol == "query"

    def missing(self) -> AuthFailure:
        if self.s3:
            return AuthFailure("AccessDenied", "Access Denied")
        # observed on every JSON service for an unsigned request (AWS common errors, MissingAuthenticationToken)
        code = "MissingAuthenticationToken" if self.query else "MissingAuthenticationTokenException"
        return AuthFailure(code, "Missing Authentication Token")

    def unknown_key(self) -> AuthFailure:
        if self.s3:
            # S3 error responses, InvalidAccessKeyId
            return AuthFailure(
                "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."
            )
        # boto3's ClientError for an unknown key: "(UnrecognizedClientException) ... The security token
        # included in the request is invalid."; query services call it InvalidClientTokenId (AWS common errors)
        code = "InvalidClientTokenId" if self.query else "UnrecognizedClientException"
        return AuthFailure(code, "The security token included in the request is invalid.")

    def mismatch(self) -> AuthFailure:
        code = "SignatureDoesNotMatch" if self.s3 or self.query else "InvalidSignatureException"
        return AuthFailure(code, _SIGNATURE_MISMATCH)

    def skewed(self, signed: datetime, now: datetime) -> AuthFailure:
        if self.s3:
            # S3 error responses, RequestTimeTooSkewed
            return AuthFailure(
                "RequestTimeTooSkewed", "The difference between the request time and the current time is too large."
            )
        code = "SignatureDoesNotMatch" if self.query else "InvalidSignatureException"
        when, stamp = signed.strftime(_AMZ_DATE), now.strftime(_AMZ_DATE)
        if signed > now:
            limit = (now + MAX_SKEW).strftime(_AMZ_DATE)
            return AuthFailure(
                code, f"Signature not yet current: {when} is still later than {limit} ({stamp} + 15 min.)"
            )
        # observed wording: "Signature expired: 20140325T143453Z is now earlier than 20140325T143751Z
        # (20140325T145251Z - 15 min.)" (aws/aws-sdk-js#254)
        limit = (now - MAX_SKEW).strftime(_AMZ_DATE)
        return AuthFailure(code, f"Signature expired: {when} is now earlier than {limit} ({stamp} - 15 min.)")

    def presign_expired(self, expired_at: datetime, now: datetime) -> AuthFailure:
        if self.s3:
            # S3 answers an expired presigned URL with AccessDenied "Request has expired"
            return AuthFailure("AccessDenied", "Request has expired")
        code = "SignatureDoesNotMatch" if self.query else "InvalidSignatureException"
        return AuthFailure(
            code,
            f"Signature expired: {expired_at.strftime(_AMZ_DATE)} is now earlier than {now.strftime(_AMZ_DATE)}",
        )

    def malformed(self, message: str) -> AuthFailure:
        # AWS common errors: IncompleteSignature, "The request signature does not conform to AWS standards."
        return AuthFailure("AccessDenied" if self.s3 else "IncompleteSignature", message)


def _system_now() -> datetime:
    return datetime.now(UTC)


class Authenticator:
    """Checks SigV4 signatures against ``credentials`` (access key id → secret access key)."""

    def __init__(self, credentials: Mapping[str, str], *, now: Callable[[], datetime] = _system_now) -> None:
        self._credentials = {**DEFAULT_CREDENTIALS, **credentials}
        self._now = now

    async def verify(
        self, request: HttpRequest, service: str, protocol: str, *, limit: int | None = None
    ) -> HttpRequest:
        """The request, its body read when its hash had to be computed; raises :class:`AuthFailure`.

        ``service`` is the botocore name of the service the request was routed to, ``protocol`` its
        wire protocol (``json``, ``query``, ``rest-json``, ``rest-xml``).
        """
        errors = _Errors(service, protocol)
        query = dict(request.query_items())
        if "X-Amz-Signature" in query or "X-Amz-Credential" in query:
            self._verify_presigned(request, query, errors)
            return request
        header = request.headers.get("authorization")
        if not header:
            raise errors.missing()
        parts = sigv4.parse_authorization(header)
        if parts is None:
            raise errors.malformed(
                "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' of AWS4-HMAC-SHA256."
            )
        secret = self._secret(parts.scope.access_key, errors)
        signed_at = self._header_date(request, errors)
        now = self._now()
        if abs(now - signed_at) > MAX_SKEW:
            raise errors.skewed(signed_at, now)
        payload = request.headers.get("x-amz-content-sha256")
        if payload is None:
            # without the header the payload hash is the body's own SHA-256 (SigV4 "hashed payload")
            request = await read_body(request, limit=limit)
            assert isinstance(request.body, bytes)
            payload = hashlib.sha256(request.body).hexdigest()
        canonical = sigv4.canonical_request(
            request.method,
            sigv4.canonical_uri(request.path, s3=errors.s3),
            sigv4.canonical_query(request.query_string),
            request.headers,
            parts.signed_headers,
            payload,
        )
        to_sign = sigv4.string_to_sign(signed_at.strftime(_AMZ_DATE), parts.scope, canonical)
        if not sigv4.matches(sigv4.signature(secret, parts.scope, to_sign), parts.signature):
            raise errors.mismatch()
        return request

    def _verify_presigned(self, request: HttpRequest, query: Mapping[str, str], errors: _Errors) -> None:
        scope = sigv4.parse_scope(query.get("X-Amz-Credential", ""))
        if scope is None or query.get("X-Amz-Algorithm") != sigv4.ALGORITHM or "X-Amz-Signature" not in query:
            raise errors.malformed(
                "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                "and X-Amz-Expires parameters."
            )
        secret = self._secret(scope.access_key, errors)
        try:
            signed_at = _parse_amz_date(query.get("X-Amz-Date", ""))
            expires = int(query.get("X-Amz-Expires", ""))
        except ValueError:
            raise errors.malformed("X-Amz-Date and X-Amz-Expires must be a date and a number of seconds.") from None
        if not 1 <= expires <= MAX_EXPIRES:
            raise errors.malformed("X-Amz-Expires must be between 1 and 604800 seconds.")
        now = self._now()
        if signed_at - now > MAX_SKEW:
            raise errors.skewed(signed_at, now)
        expired_at = signed_at + timedelta(seconds=expires)
        if now > expired_at:
            raise errors.presign_expired(expired_at, now)
        signed_headers = tuple(query.get("X-Amz-SignedHeaders", "host").lower().split(";"))
        # a presigned URL cannot know its payload: UNSIGNED-PAYLOAD unless a hash is given (SigV4 query auth)
        payload = request.headers.get("x-amz-content-sha256") or query.get("X-Amz-Content-Sha256")
        canonical = sigv4.canonical_request(
            request.method,
            sigv4.canonical_uri(request.path, s3=errors.s3),
            sigv4.canonical_query(request.query_string, exclude=sigv4.PRESIGN_SIGNATURE),
            request.headers,
            signed_headers,
            payload or sigv4.UNSIGNED_PAYLOAD,
        )
        to_sign = sigv4.string_to_sign(signed_at.strftime(_AMZ_DATE), scope, canonical)
        if not sigv4.matches(sigv4.signature(secret, scope, to_sign), query["X-Amz-Signature"].lower()):
            raise errors.mismatch()

    def _secret(self, access_key: str, errors: _Errors) -> str:
        secret = self._credentials.get(access_key)
        if secret is None:
            raise errors.unknown_key()
        return secret

    def _header_date(self, request: HttpRequest, errors: _Errors) -> datetime:
        stamp = request.headers.get("x-amz-date")
        try:
            if stamp:
                return _parse_amz_date(stamp)
            # SigV4 allows the Date header instead of X-Amz-Date
            return parsedate_to_datetime(request.headers.get("date", "")).astimezone(UTC)
        except (ValueError, TypeError):
            raise errors.malformed(
                "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
            ) from None


def _parse_amz_date(stamp: str) -> datetime:
    return datetime.strptime(stamp, _AMZ_DATE).replace(tzinfo=UTC)
