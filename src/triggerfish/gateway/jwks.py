"""The signing keys of a JWT issuer, found as API Gateway finds them: the OpenID discovery document at
``<issuer>/.well-known/openid-configuration`` names the ``jwks_uri``, which lists the keys.

``file://`` issuers are read from disk, ``http(s)://`` ones fetched off the event loop. Keys are kept per
issuer; a token signed by a key id not seen yet triggers one refetch (at most every ``refetch_after``
seconds of the clock), which is how a rotated key is picked up.
"""

from __future__ import annotations

import asyncio
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import orjson

from triggerfish.core.clock import Clock
from triggerfish.gateway.rsa_pkcs1 import InvalidKey, RsaPublicKey, key_from_jwk

Fetch = Callable[[str], Awaitable[bytes]]
DISCOVERY = "/.well-known/openid-configuration"
_MAX_DOCUMENT = 1024 * 1024


class JwksError(Exception):
    """The issuer's keys could not be read."""


async def fetch(url: str) -> bytes:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return await asyncio.to_thread(Path(unquote(parsed.path)).read_bytes)
    if parsed.scheme in ("http", "https"):
        return await asyncio.to_thread(_get, url)
    raise JwksError(f"cannot fetch {url!r}: only file, http and https URLs are supported")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:
        data: bytes = response.read(_MAX_DOCUMENT + 1)
    if len(data) > _MAX_DOCUMENT:
        raise JwksError(f"{url} is larger than 1 MB")
    return data


@dataclass
class _IssuerKeys:
    keys: dict[str, RsaPublicKey] = field(default_factory=dict)
    fetched_at: float = float("-inf")


class JwksCache:
    def __init__(self, clock: Clock, fetcher: Fetch = fetch, *, refetch_after: float = 60.0) -> None:
        self._clock = clock
        self._fetch = fetcher
        self._refetch_after = refetch_after
        self._issuers: dict[str, _IssuerKeys] = {}
        self._loading: dict[str, asyncio.Future[None]] = {}

    async def key(self, issuer: str, kid: str) -> RsaPublicKey | None:
        """The issuer's key ``kid``; raises :class:`JwksError` when the keys cannot be read at all."""
        known = self._issuers.get(issuer)
        if known is not None and kid in known.keys:
            return known.keys[kid]
        if known is None or self._clock.now() - known.fetched_at >= self._refetch_after:
            await self._load(issuer)
            known = self._issuers[issuer]
        return known.keys.get(kid)

    async def _load(self, issuer: str) -> None:
        pending = self._loading.get(issuer)
        if pending is None:
            pending = asyncio.ensure_future(self._read(issuer))
            self._loading[issuer] = pending
            pending.add_done_callback(lambda _: self._loading.pop(issuer, None))
        await asyncio.shield(pending)

    async def _read(self, issuer: str) -> None:
        discovery = await self._document(issuer.rstrip("/") + DISCOVERY)
        jwks_uri = discovery.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise JwksError(f"the discovery document of {issuer} has no jwks_uri")
        listed = (await self._document(jwks_uri)).get("keys")
        if not isinstance(listed, list):
            raise JwksError(f"{jwks_uri} has no keys")
        keys: dict[str, RsaPublicKey] = {}
        for jwk in listed:
            if isinstance(jwk, dict) and isinstance(jwk.get("kid"), str) and jwk.get("use", "sig") == "sig":
                try:
                    keys[jwk["kid"]] = key_from_jwk(jwk)
                except InvalidKey:
                    continue  # not an RSA signing key: API Gateway only uses RSA keys
        self._issuers[issuer] = _IssuerKeys(keys, self._clock.now())

    async def _document(self, url: str) -> dict[str, object]:
        try:
            document = orjson.loads(await self._fetch(url))
        except (OSError, ValueError) as error:
            raise JwksError(f"cannot read {url}: {error}") from None
        if not isinstance(document, dict):
            raise JwksError(f"{url} is not a JSON object")
        return document
