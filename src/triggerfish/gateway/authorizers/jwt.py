"""JWT authorizers of HTTP APIs: an RSA-signed token from the configured issuer, for the configured
audience, current by the clock, carrying one of the route's scopes (API Gateway, "Controlling access to
HTTP APIs with JWT authorizers").

A token that fails is a 401 with a ``www-authenticate`` challenge; a good token without a required
scope is a 403. The claims reach the integration as strings, as API Gateway renders them.
"""

from __future__ import annotations

import binascii
from typing import Any

import orjson

from triggerfish.core.clock import Clock
from triggerfish.gateway.jwks import JwksCache, JwksError
from triggerfish.gateway.rsa_pkcs1 import JWS_HASHES, b64url_decode, verify
from triggerfish.services.apigatewayv2.views import JwtConfigurationView


class JwtRejected(Exception):
    """``forbidden``: the token is good but lacks the route's scopes (403) rather than bad (401)."""

    def __init__(self, description: str, *, forbidden: bool = False, scopes: tuple[str, ...] = ()) -> None:
        super().__init__(description)
        self.description = description
        self.forbidden = forbidden
        self.scopes = scopes

    @property
    def challenge(self) -> bytes:
        # observed form: Bearer scope="" error="invalid_token" error_description="..."
        error = "insufficient_scope" if self.forbidden else "invalid_token"
        scope = " ".join(self.scopes)
        return f'Bearer scope="{scope}" error="{error}" error_description="{self.description}"'.encode()


class JwtVerifier:
    def __init__(self, keys: JwksCache, clock: Clock) -> None:
        self._keys = keys
        self._clock = clock

    async def verify(
        self, identity: str, config: JwtConfigurationView, route_scopes: tuple[str, ...]
    ) -> dict[str, Any]:
        """``requestContext.authorizer`` of a request bearing ``identity`` (the token, or ``Bearer <token>``)."""
        token = identity[7:].strip() if identity[:7].lower() == "bearer " else identity.strip()
        parts = token.split(".")
        if len(parts) != 3:
            raise JwtRejected("the token is not a JWT")
        header, claims = _json_part(parts[0]), _json_part(parts[1])
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in JWS_HASHES:
            raise JwtRejected(f"the signing algorithm {algorithm!r} is not supported")
        if not isinstance(kid, str):
            raise JwtRejected("the token has no kid")
        issuer = config.issuer or ""
        if claims.get("iss") != issuer:
            raise JwtRejected("the token does not have a valid issuer")
        try:
            key = await self._keys.key(issuer, kid)
        except JwksError:
            raise JwtRejected("the signing keys could not be retrieved") from None
        if key is None:
            raise JwtRejected("the token's kid is not one of the issuer's keys")
        try:
            signature = b64url_decode(parts[2])
        except (binascii.Error, ValueError):
            raise JwtRejected("the signature is not base64url") from None
        if not verify(key, f"{parts[0]}.{parts[1]}".encode(), signature, JWS_HASHES[algorithm]):
            raise JwtRejected("the token signature is invalid")
        self._check_times(claims)
        _check_audience(claims, config.audience)
        scopes = _scopes(claims)
        if route_scopes and not set(route_scopes) & set(scopes):
            raise JwtRejected(f"expected scopes: {' '.join(route_scopes)}", forbidden=True, scopes=route_scopes)
        return {"claims": {name: render_claim(value) for name, value in claims.items()}, "scopes": scopes or None}

    def _check_times(self, claims: dict[str, Any]) -> None:
        now = self._clock.now()
        expires = _number(claims.get("exp"))
        if expires is None:
            raise JwtRejected("the token has no expiry")
        if expires <= now:
            raise JwtRejected("the token has expired")
        if "nbf" in claims:
            not_before = _number(claims["nbf"])
            if not_before is None or not_before > now:
                raise JwtRejected("the token is not valid yet")
        if "iat" in claims:
            issued = _number(claims["iat"])
            if issued is None or issued > now:
                raise JwtRejected("the token was issued in the future")


def _json_part(part: str) -> dict[str, Any]:
    try:
        value = orjson.loads(b64url_decode(part))
    except (binascii.Error, ValueError):
        raise JwtRejected("the token is malformed") from None
    if not isinstance(value, dict):
        raise JwtRejected("the token is malformed")
    return value


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _check_audience(claims: dict[str, Any], audience: tuple[str, ...]) -> None:
    # aud must name one of the configured audiences; client_id counts only when there is no aud
    if not audience:
        return
    given = claims.get("aud", claims.get("client_id"))
    names = given if isinstance(given, list) else [given]
    if not any(isinstance(name, str) and name in audience for name in names):
        raise JwtRejected("the token does not have a valid audience")


def _scopes(claims: dict[str, Any]) -> list[str]:
    value = claims.get("scope", claims.get("scp"))
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [scope for scope in value if isinstance(scope, str)]
    return []


def render_claim(value: object) -> str:
    """Claims as strings: numbers as written, booleans lower-case, arrays as ``[a b]``, objects as ``map[k:v]``."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, list):
        return "[" + " ".join(render_claim(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{render_claim(item)}" for key, item in sorted(value.items())) + "]"
    return "null"
