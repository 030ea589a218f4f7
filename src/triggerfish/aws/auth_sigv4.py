"""The arithmetic of AWS Signature Version 4, recomputed on the server side.

Everything here is pure: the canonical request, the string to sign, the signing key and the
signature, for a request as triggerfish received it (raw, still percent-encoded path and query).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
PRESIGN_SIGNATURE = "X-Amz-Signature"

_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256\s+Credential=(?P<credential>[^,\s]+)\s*,\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+)\s*,\s*Signature=(?P<signature>[0-9a-fA-F]+)\s*$"
)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Scope:
    """``AKID/20250101/us-east-1/lambda/aws4_request``, split."""

    access_key: str
    date: str
    region: str
    service: str

    @property
    def text(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


@dataclass(frozen=True, slots=True)
class SignedParts:
    """What the client says it signed, and the signature it computed."""

    scope: Scope
    signed_headers: tuple[str, ...]
    signature: str


def parse_scope(credential: str) -> Scope | None:
    parts = credential.split("/")
    # the access key itself never holds a "/", the scope always has five parts (SigV4 credential scope)
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[0]:
        return None
    return Scope(parts[0], parts[1], parts[2], parts[3])


def parse_authorization(value: str) -> SignedParts | None:
    match = _AUTHORIZATION.match(value.strip())
    if match is None:
        return None
    scope = parse_scope(match.group("credential"))
    if scope is None:
        return None
    headers = tuple(match.group("signed").lower().split(";"))
    return SignedParts(scope, headers, match.group("signature").lower())


def canonical_uri(raw_path: str, *, s3: bool) -> str:
    """S3 signs the path as sent (encoded once); every other service encodes it a second time after
    removing dot segments and empty segments (SigV4 "canonical URI")."""
    path = raw_path or "/"
    if s3:
        # percent-encode only what a client left unencoded (spaces, non-ASCII), keep its %XX as they are
        return quote(path.encode("latin-1"), safe="/~%")
    return quote(_remove_dot_segments(path), safe="/~")


def _remove_dot_segments(path: str) -> str:
    kept: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if kept:
                kept.pop()
        else:
            kept.append(segment)
    last = "/" if path.endswith("/") and kept else ""
    return "/" + "/".join(kept) + last


def canonical_query(raw_query: str, *, exclude: str | None = None) -> str:
    """Names and values URI-encoded with only unreserved characters left bare, sorted by name then
    value (SigV4 "canonical query string"); a presigned URL leaves its own signature out."""
    pairs: list[tuple[str, str]] = []
    for item in raw_query.split("&"):
        if not item:
            continue
        name, _, value = item.partition("=")
        name, value = _encode(name), _encode(value)
        if exclude is not None and name == exclude:
            continue
        pairs.append((name, value))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def _encode(component: str) -> str:
    return quote(unquote(component), safe="-_.~")


def canonical_headers(headers: Mapping[str, str], names: Iterable[str]) -> str:
    """``name:value`` lines, values trimmed and inner runs of spaces collapsed (SigV4 "canonical headers")."""
    lines = [f"{name}:{_SPACES.sub(' ', headers.get(name, '').strip())}\n" for name in names]
    return "".join(lines)


def canonical_request(
    method: str,
    uri: str,
    query: str,
    headers: Mapping[str, str],
    signed_headers: tuple[str, ...],
    payload_hash: str,
) -> str:
    return "\n".join(
        [
            method.upper(),
            uri,
            query,
            canonical_headers(headers, signed_headers),
            ";".join(signed_headers),
            payload_hash,
        ]
    )


def string_to_sign(amz_date: str, scope: Scope, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return "\n".join([ALGORITHM, amz_date, scope.text, digest])


def signing_key(secret: str, scope: Scope) -> bytes:
    key = _hmac(f"AWS4{secret}".encode(), scope.date)
    for part in (scope.region, scope.service, "aws4_request"):
        key = _hmac(key, part)
    return key


def signature(secret: str, scope: Scope, to_sign: str) -> str:
    return hmac.new(signing_key(secret, scope), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def matches(expected: str, given: str) -> bool:
    """Constant-time, so the answer's timing tells nothing about how much of a guess was right."""
    return hmac.compare_digest(expected.encode("ascii", "replace"), given.encode("ascii", "replace"))


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()
