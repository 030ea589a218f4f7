"""JWT verification: RS256 in pure Python, the issuer's keys, claims, audience, times and scopes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rsa
from jwt_signing import KEY, b64url, jwks_document, public_jwk, rs256_signature, sign

from triggerfish.core.clock import VirtualClock
from triggerfish.gateway.authorizers.jwt import JwtRejected, JwtVerifier, render_claim
from triggerfish.gateway.jwks import JwksCache
from triggerfish.gateway.rsa_pkcs1 import b64url_decode, key_from_jwk, verify
from triggerfish.services.apigatewayv2.views import JwtConfigurationView

ISSUER = "https://idp.example.com/pool"
NOW = 1_700_000_000


def documents(keys: dict[str, Any]) -> dict[str, bytes]:
    return {
        f"{ISSUER}/.well-known/openid-configuration": json.dumps({"jwks_uri": f"{ISSUER}/jwks"}).encode(),
        f"{ISSUER}/jwks": json.dumps(keys).encode(),
    }


class Fetcher:
    def __init__(self, served: dict[str, bytes]) -> None:
        self.served = served
        self.fetched: list[str] = []

    async def __call__(self, url: str) -> bytes:
        self.fetched.append(url)
        if url not in self.served:
            raise OSError(url)
        return self.served[url]


def verifier(fetcher: Fetcher, clock: VirtualClock | None = None) -> tuple[JwtVerifier, VirtualClock]:
    clock = clock or VirtualClock(NOW)
    return JwtVerifier(JwksCache(clock, fetcher), clock), clock


CONFIG = JwtConfigurationView(issuer=ISSUER, audience=("client-a", "client-b"))


def claims(**changes: Any) -> dict[str, Any]:
    return {"iss": ISSUER, "aud": "client-a", "sub": "u", "exp": NOW + 60, **changes}


def test_signatures_agree_with_an_independent_rsa_implementation() -> None:
    key = key_from_jwk(public_jwk())
    message = b"header.payload"
    signature = rs256_signature(message)
    rsa.verify(message, signature, rsa.PublicKey(key.n, key.e))  # raises when the signature is wrong
    assert verify(key, message, signature, "sha256")
    assert not verify(key, message + b"!", signature, "sha256")
    assert not verify(key, message, signature[:-1], "sha256")
    assert not verify(key, message, bytes(len(signature)), "sha256")
    forged = rsa.sign(message, rsa.newkeys(1024)[1], "SHA-256")
    assert not verify(key, message, forged, "sha256")


async def test_good_token() -> None:
    check, _ = verifier(Fetcher(documents(jwks_document())))
    result = await check.verify("Bearer " + sign(claims(scope="a b")), CONFIG, ("b",))
    assert result["claims"]["sub"] == "u"
    assert result["scopes"] == ["a", "b"]
    bare = await check.verify(sign(claims(aud=["x", "client-b"])), CONFIG, ())
    assert bare["scopes"] is None


async def test_client_id_counts_only_without_aud() -> None:
    check, _ = verifier(Fetcher(documents(jwks_document())))
    no_aud = claims(client_id="client-a")
    del no_aud["aud"]
    await check.verify(sign(no_aud), CONFIG, ())
    with pytest.raises(JwtRejected):
        await check.verify(sign(claims(aud="other", client_id="client-a")), CONFIG, ())


@pytest.mark.parametrize(
    ("changes", "description"),
    [
        ({"exp": NOW - 1}, "the token has expired"),
        ({"exp": NOW}, "the token has expired"),
        ({"exp": None}, "the token has no expiry"),
        ({"nbf": NOW + 1}, "the token is not valid yet"),
        ({"iat": NOW + 30}, "the token was issued in the future"),
        ({"iss": "https://elsewhere"}, "the token does not have a valid issuer"),
        ({"aud": "client-z"}, "the token does not have a valid audience"),
    ],
)
async def test_rejected_claims(changes: dict[str, Any], description: str) -> None:
    check, _ = verifier(Fetcher(documents(jwks_document())))
    with pytest.raises(JwtRejected) as rejected:
        await check.verify(sign(claims(**changes)), CONFIG, ())
    assert rejected.value.description == description
    assert not rejected.value.forbidden
    assert b'error="invalid_token"' in rejected.value.challenge


async def test_missing_scope_is_forbidden() -> None:
    check, _ = verifier(Fetcher(documents(jwks_document())))
    with pytest.raises(JwtRejected) as rejected:
        await check.verify(sign(claims(scp=["read"])), CONFIG, ("write", "admin"))
    assert rejected.value.forbidden
    assert rejected.value.challenge.startswith(b'Bearer scope="write admin" error="insufficient_scope"')


async def test_bad_signatures_and_algorithms() -> None:
    check, _ = verifier(Fetcher(documents(jwks_document())))
    token = sign(claims())
    header, payload, signature = token.split(".")
    other_payload = b64url(json.dumps(claims(sub="admin")).encode())
    for bad in [
        f"{header}.{other_payload}.{signature}",
        f"{header}.{payload}.{b64url(b'x' * 256)}",
        sign(claims(), alg="HS256"),
        f"{b64url(json.dumps({'alg': 'none', 'kid': KEY['kid']}).encode())}.{payload}.",
        "a.b",
        "!!.??.--",
    ]:
        with pytest.raises(JwtRejected):
            await check.verify(bad, CONFIG, ())


async def test_keys_are_cached_and_a_new_kid_is_fetched_once_per_minute() -> None:
    fetcher = Fetcher(documents(jwks_document()))
    check, clock = verifier(fetcher)
    await check.verify(sign(claims()), CONFIG, ())
    await check.verify(sign(claims()), CONFIG, ())
    assert len(fetcher.fetched) == 2  # discovery document and key set, once
    rotated = {"keys": [public_jwk(), public_jwk("rotated")]}
    fetcher.served = documents(rotated)
    with pytest.raises(JwtRejected):
        await check.verify(sign(claims(), kid="rotated"), CONFIG, ())  # fetched less than a minute ago
    await clock.advance(60)
    await check.verify(sign(claims(exp=NOW + 600), kid="rotated"), CONFIG, ())
    assert len(fetcher.fetched) == 4


async def test_unreachable_issuer_is_rejected() -> None:
    check, _ = verifier(Fetcher({}))
    with pytest.raises(JwtRejected, match="could not be retrieved"):
        await check.verify(sign(claims()), CONFIG, ())


async def test_file_issuer(tmp_path: Path) -> None:
    (tmp_path / ".well-known").mkdir()
    (tmp_path / "jwks.json").write_text(json.dumps(jwks_document()))
    discovery = {"issuer": tmp_path.as_uri(), "jwks_uri": (tmp_path / "jwks.json").as_uri()}
    (tmp_path / ".well-known" / "openid-configuration").write_text(json.dumps(discovery))
    clock = VirtualClock(NOW)
    check = JwtVerifier(JwksCache(clock), clock)
    config = JwtConfigurationView(issuer=tmp_path.as_uri(), audience=("client-a",))
    result = await check.verify(sign(claims(iss=tmp_path.as_uri())), config, ())
    assert result["claims"]["iss"] == tmp_path.as_uri()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("s", "s"),
        (5, "5"),
        (1.5, "1.5"),
        (2.0, "2"),
        (True, "true"),
        (["a", 1], "[a 1]"),
        ({"b": 1, "a": [2]}, "map[a:[2] b:1]"),
    ],
)
def test_claims_are_rendered_as_strings(value: object, text: str) -> None:
    assert render_claim(value) == text


def test_base64url_without_padding() -> None:
    assert b64url_decode(b64url(b"\xff\xfe\xfd\x00")) == b"\xff\xfe\xfd\x00"
