"""Shard iterators: opaque strings naming a stream, a shard and the position a read continues after,
stamped with when they were handed out. They expire five minutes later (Kinesis API reference,
GetShardIterator)."""

from __future__ import annotations

import base64
import binascii
import time
from dataclasses import dataclass

from triggerfish.services.kinesis.errors import ExpiredIterator, InvalidArgument

#: A shard iterator expires 5 minutes after it is returned (Kinesis API reference, GetShardIterator)
ITERATOR_LIFETIME = 300.0
_VERSION = "1"


@dataclass(frozen=True)
class ShardIterator:
    arn: str
    shard_id: str
    #: the position the next read starts after (``starting_position - 1`` for the shard's first record)
    after: int
    issued_at: float

    def encode(self) -> str:
        text = f"{_VERSION}|{int(self.issued_at * 1000)}|{self.shard_id}|{self.after}|{self.arn}"
        return base64.urlsafe_b64encode(text.encode()).decode("ascii")


def decode_iterator(token: str, now: float) -> ShardIterator:
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode()
        version, issued, shard_id, after, arn = text.split("|", 4)
        if version != _VERSION:
            raise ValueError(version)
        iterator = ShardIterator(arn, shard_id, int(after), int(issued) / 1000)
    except (binascii.Error, ValueError, UnicodeError):
        raise InvalidArgument("Invalid ShardIterator.") from None
    if now - iterator.issued_at > ITERATOR_LIFETIME:
        # AWS's wording, with times as Java's Date prints them
        raise ExpiredIterator(
            f"Iterator expired. The iterator was created at time {_java_date(iterator.issued_at)} while right now "
            f"it is {_java_date(now)} which is further in the future than the tolerated delay of "
            f"{int(ITERATOR_LIFETIME * 1000)} milliseconds."
        )
    return iterator


def _java_date(epoch: float) -> str:
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(epoch))
