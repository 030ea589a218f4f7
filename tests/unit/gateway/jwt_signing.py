"""Signing test JWTs with the fixed RSA key in ``jwt_test_key.json`` (RS256: the PKCS #1 v1.5 encoding of
the SHA-256 DigestInfo, raised to the private exponent), independently of the code under test."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

KEY: dict[str, str] = json.loads((Path(__file__).parent / "jwt_test_key.json").read_text())
KID = KEY["kid"]
# DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2, note 1)
_SHA256_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int(text: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)), "big")


def public_jwk(kid: str = KID) -> dict[str, str]:
    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": KEY["n"], "e": KEY["e"]}


def jwks_document(kid: str = KID) -> dict[str, Any]:
    return {"keys": [public_jwk(kid)]}


def rs256_signature(message: bytes) -> bytes:
    n, d = _int(KEY["n"]), _int(KEY["d"])
    size = (n.bit_length() + 7) // 8
    info = _SHA256_INFO + hashlib.sha256(message).digest()
    encoded = b"\x00\x01" + b"\xff" * (size - len(info) - 3) + b"\x00" + info
    return pow(int.from_bytes(encoded, "big"), d, n).to_bytes(size, "big")


def sign(claims: dict[str, Any], *, kid: str = KID, alg: str = "RS256") -> str:
    header = b64url(json.dumps({"alg": alg, "kid": kid, "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    signature = b64url(rs256_signature(f"{header}.{payload}".encode()))
    return f"{header}.{payload}.{signature}"
