"""RSA signature verification with PKCS #1 v1.5 padding (RFC 8017 §8.2.2), as JWT's RS256/384/512 use it.

Pure Python: the signature is raised to the public exponent and compared, in constant time, with the
padded DigestInfo of the message's hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

# DER of DigestInfo's AlgorithmIdentifier and the OCTET STRING header, per hash (RFC 8017 §9.2 note 1)
_DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
#: JWS "alg" values of RSASSA-PKCS1-v1_5 (RFC 7518 §3.3) and their hashes
JWS_HASHES = {"RS256": "sha256", "RS384": "sha384", "RS512": "sha512"}


class InvalidKey(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class RsaPublicKey:
    n: int
    e: int

    @property
    def size(self) -> int:
        """The modulus length in bytes."""
        return (self.n.bit_length() + 7) // 8


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_from_jwk(jwk: Mapping[str, object]) -> RsaPublicKey:
    """The public key of an RSA JSON Web Key (RFC 7518 §6.3.1: ``n`` and ``e``, base64url)."""
    n, e = jwk.get("n"), jwk.get("e")
    if jwk.get("kty") != "RSA" or not isinstance(n, str) or not isinstance(e, str):
        raise InvalidKey("not an RSA public key")
    try:
        key = RsaPublicKey(int.from_bytes(b64url_decode(n), "big"), int.from_bytes(b64url_decode(e), "big"))
    except ValueError:
        raise InvalidKey("n or e is not base64url") from None
    if key.n < 2**511 or key.e < 3:
        raise InvalidKey("the key is too small")
    return key


def padded_digest(message: bytes, hash_name: str, size: int) -> bytes:
    """EMSA-PKCS1-v1_5 (RFC 8017 §9.2): ``00 01 ff..ff 00 DigestInfo``, ``size`` bytes long."""
    digest_info = _DIGEST_INFO[hash_name] + hashlib.new(hash_name, message).digest()
    padding = size - len(digest_info) - 3
    if padding < 8:
        raise InvalidKey("the key is too small for this hash")
    return b"\x00\x01" + b"\xff" * padding + b"\x00" + digest_info


def verify(key: RsaPublicKey, message: bytes, signature: bytes, hash_name: str) -> bool:
    size = key.size
    if len(signature) != size:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    encoded = pow(s, key.e, key.n).to_bytes(size, "big")
    try:
        expected = padded_digest(message, hash_name, size)
    except InvalidKey:
        return False
    return hmac.compare_digest(encoded, expected)
