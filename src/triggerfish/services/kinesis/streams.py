"""Stream management: create and delete streams, change retention, mode, encryption and tags, and
page through streams and shards."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from triggerfish.core.clock import Clock
from triggerfish.core.payloads.kinesis import stream_arn_for
from triggerfish.services.kinesis.errors import InvalidArgument, LimitExceeded
from triggerfish.services.kinesis.live import LiveStream
from triggerfish.services.kinesis.models import (
    MAX_RETENTION_HOURS,
    MIN_RETENTION_HOURS,
    ON_DEMAND_SHARDS,
    Shard,
    StreamConfig,
    StreamMode,
)
from triggerfish.services.kinesis.registry import StreamRegistry
from triggerfish.services.kinesis.shards import even_ranges, time_position
from triggerfish.store.streams import StreamLogStore

#: Tags per stream (Kinesis developer guide, "Tag your Amazon Kinesis Data Streams resources")
MAX_TAGS = 50


class StreamAdmin:
    def __init__(
        self, registry: StreamRegistry, log: StreamLogStore, clock: Clock, changed: Callable[[str], None]
    ) -> None:
        self._registry = registry
        self._log = log
        self._clock = clock
        #: told a stream's ARN whenever its shards changed or it was deleted
        self._changed = changed
        #: per deleted stream ARN, the position a stream re-created under it starts above, so a consumer's
        #: checkpoint in the old stream never hides the new stream's first records
        self._floors: dict[str, int] = {}

    async def create(
        self,
        scope: str,
        name: str,
        *,
        shard_count: int | None,
        mode: StreamMode,
        retention_hours: int | None,
        tags: Mapping[str, str] | None,
    ) -> StreamConfig:
        if shard_count is not None and shard_count < 1:
            # ShardCount has a minimum of 1 (botocore model, PositiveIntegerObject)
            raise InvalidArgument(f"ShardCount {shard_count} must be at least 1.")
        if retention_hours is not None:
            check_retention_bounds(retention_hours)
        if tags is not None and len(tags) > MAX_TAGS:
            raise _too_many_tags(name, scope)
        now = self._clock.now()
        count = shard_count or (ON_DEMAND_SHARDS if mode is StreamMode.ON_DEMAND else 1)
        account, _, region = scope.partition("/")
        arn = stream_arn_for(region=region, account=account, stream=name)
        start = max(time_position(now), self._floors.get(arn, 0))
        shards = tuple(
            Shard(index=i, start_hash=low, end_hash=high, starting_position=start)
            for i, (low, high) in enumerate(even_ranges(count))
        )
        config = StreamConfig(
            account=account,
            region=region,
            name=name,
            created_at=now,
            shards=shards,
            mode=mode,
            retention_hours=retention_hours or MIN_RETENTION_HOURS,
            tags=dict(tags or {}),
        )
        await self._registry.add(config, now)
        self._floors.pop(arn, None)
        self._changed(arn)
        return config

    async def delete(self, live: LiveStream) -> None:
        await self._registry.remove(live)
        last = max(live.counter(shard) for shard in live.config.shards)
        self._floors[live.arn] = max(self._floors.get(live.arn, 0), last + 1)
        self._changed(live.arn)
        await self._log.drop(live.arn)

    async def change_retention(self, live: LiveStream, hours: int, *, direction: str | None) -> None:
        """``direction`` is ``increase`` or ``decrease`` for the two API actions, ``None`` for a deploy."""
        check_retention_bounds(hours)
        current, name = live.config.retention_hours, live.config.name
        # each action moves the period one way only (Kinesis API reference, Increase/DecreaseStreamRetentionPeriod)
        if direction == "increase" and hours < current:
            raise InvalidArgument(
                f"Requested retention period ({hours} hours) for stream {name} can not be shorter than "
                f"existing retention period ({current} hours). Use DecreaseRetentionPeriod API."
            )
        if direction == "decrease" and hours > current:
            raise InvalidArgument(
                f"Requested retention period ({hours} hours) for stream {name} can not be longer than "
                f"existing retention period ({current} hours). Use IncreaseRetentionPeriod API."
            )
        await self._update(live, replace(live.config, retention_hours=hours))

    async def set_mode(self, live: LiveStream, mode: StreamMode) -> None:
        await self._update(live, replace(live.config, mode=mode))

    async def set_encryption(self, live: LiveStream, encryption: str | None, key_id: str | None) -> None:
        if encryption not in (None, "KMS"):
            # EncryptionType KMS is the one server-side encryption (Kinesis API reference, StartStreamEncryption)
            raise InvalidArgument(f"Encryption type {encryption} is not supported.")
        await self._update(live, replace(live.config, encryption=encryption, key_id=key_id))

    async def tag(self, live: LiveStream, tags: Mapping[str, str]) -> None:
        merged = {**live.config.tags, **tags}
        if len(merged) > MAX_TAGS:
            raise _too_many_tags(live.config.name, live.config.scope)
        await self._update(live, replace(live.config, tags=merged))

    async def untag(self, live: LiveStream, keys: Sequence[str]) -> None:
        remaining = {key: value for key, value in live.config.tags.items() if key not in set(keys)}
        await self._update(live, replace(live.config, tags=remaining))

    async def _update(self, live: LiveStream, config: StreamConfig) -> None:
        await self._registry.save(live, config, self._clock.now())


def check_retention_bounds(hours: int) -> None:
    # 24 hours to 365 days (Kinesis API reference, IncreaseStreamRetentionPeriod); AWS's wording
    if hours < MIN_RETENTION_HOURS:
        raise InvalidArgument(
            f"Minimum allowed retention period is {MIN_RETENTION_HOURS} hours. "
            f"Requested retention period ({hours} hours) is too short."
        )
    if hours > MAX_RETENTION_HOURS:
        raise InvalidArgument(
            f"Maximum allowed retention period is {MAX_RETENTION_HOURS} hours. "
            f"Requested retention period ({hours} hours) is too long."
        )


def _too_many_tags(name: str, scope: str) -> LimitExceeded:
    account = scope.partition("/")[0]
    return LimitExceeded(
        f"Failed to add tags to stream {name} under account {account} because a given stream cannot have "
        f"more than {MAX_TAGS} tags."
    )


# --- paging ---------------------------------------------------------------------------------------


def encode_token(payload: Mapping[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode("ascii")


def decode_token(token: str, what: str = "NextToken") -> dict[str, object]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        raise InvalidArgument(f"Invalid {what}.") from None
    if not isinstance(payload, dict):
        raise InvalidArgument(f"Invalid {what}.")
    return payload


def page_after(items: Sequence[str], after: str | None, limit: int) -> tuple[list[str], bool]:
    """Up to ``limit`` of the ordered ``items`` that sort after ``after``, and whether more follow."""
    rest = [item for item in items if after is None or item > after]
    return rest[:limit], len(rest) > limit
