"""Message signatures and the signing certificate's URL.

SNS signs the canonical string of a message ("Verifying the signatures of Amazon SNS messages"): each
signed field's name and value, one per line, in a fixed order; ``SignatureVersion`` 1 hashes it with
SHA1, 2 with SHA256, and signs the hash with the RSA-2048 key of the certificate at
``SigningCertURL``. We ship no certificate, so our signatures cannot be verified: ``Signature`` is the
base64 of 256 bytes (the size of an RSA-2048 signature) expanded from the hash by HMAC under a key
kept in memory. It is the same for the same message while the process runs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Mapping

#: the fields a signature covers, in signing order (the message's ``Type`` decides which set)
NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")

_SIGNATURE_BYTES = 256


def canonical_string(message: Mapping[str, object]) -> str:
    """``Name\\nvalue\\n`` for each signed field the message carries (``Subject`` only when given)."""
    fields = NOTIFICATION_FIELDS if message.get("Type") == "Notification" else CONFIRMATION_FIELDS
    return "".join(f"{name}\n{message[name]}\n" for name in fields if message.get(name) is not None)


class Signer:
    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else os.urandom(32)

    def sign(self, message: Mapping[str, object], version: str = "1") -> str:
        algorithm = hashlib.sha256 if version == "2" else hashlib.sha1
        digest = algorithm(canonical_string(message).encode("utf-8")).digest()
        blocks = bytearray()
        counter = 0
        while len(blocks) < _SIGNATURE_BYTES:
            blocks += hmac.new(self._key, digest + counter.to_bytes(4, "big"), hashlib.sha256).digest()
            counter += 1
        return base64.b64encode(bytes(blocks[:_SIGNATURE_BYTES])).decode("ascii")


def signing_cert_url(region: str) -> str:
    """``https://sns.<region>.amazonaws.com/SimpleNotificationService-<32 hex>.pem``, as SNS writes it;
    the name is fixed per region, like AWS's current certificate."""
    name = hashlib.sha256(f"triggerfish-sns-certificate:{region}".encode()).hexdigest()[:32]
    return f"https://sns.{region}.amazonaws.com/SimpleNotificationService-{name}.pem"
