"""Receipt handles: which message, and which receive of it, a handle stands for.

A handle names the message id and its receive count at the time of that receive, so a handle stays
meaningful across a restart (receive counts are stored) and an older receive's handle is recognised
as stale. The tail (a random prefix per process and a counter) makes every handle unique, as AWS's are,
without a system call per handle.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import os
from dataclasses import dataclass

from triggerfish.services.sqs.errors import ReceiptHandleIsInvalid


@dataclass(frozen=True)
class Receipt:
    message_id: str
    receive_count: int


_PREFIX = os.urandom(8).hex()
_SERIAL = itertools.count()


def receipt_handle(message_id: str, receive_count: int) -> str:
    raw = f"{message_id}:{receive_count}:{_PREFIX}{next(_SERIAL):x}".encode()
    return base64.b64encode(raw).decode()


def parse_receipt_handle(handle: str) -> Receipt:
    """The receipt ``handle`` stands for; raises ``ReceiptHandleIsInvalid`` for anything we did not issue."""
    try:
        message_id, count, _ = base64.b64decode(handle.encode(), validate=True).decode().split(":")
        return Receipt(message_id, int(count))
    except (binascii.Error, UnicodeError, ValueError):
        # SQS API reference, DeleteMessage: ReceiptHandleIsInvalid
        raise ReceiptHandleIsInvalid(f'The input receipt handle "{handle}" is not a valid receipt handle.') from None
