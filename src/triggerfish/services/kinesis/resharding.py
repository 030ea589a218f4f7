"""UpdateShardCount with uniform scaling: every open shard closes, and new shards split the hash key
space evenly. Each new shard names the closed shard holding its first hash key as its parent (and a
second one its range overlaps as its adjacent parent), so consumers finish parents first."""

from __future__ import annotations

from dataclasses import replace

from triggerfish.services.kinesis.errors import LimitExceeded
from triggerfish.services.kinesis.live import LiveStream
from triggerfish.services.kinesis.models import Shard, StreamConfig
from triggerfish.services.kinesis.shards import even_ranges, time_position


def check_target(config: StreamConfig, target: int) -> None:
    # at most double, at least half the open shards per call (Kinesis API reference, UpdateShardCount)
    current = len(config.open_shards)
    if target > current * 2:
        raise LimitExceeded(
            "UpdateShardCount cannot scale up over double your current open shard count. "
            f"Current open shard count: {current}, Target shard count: {target}"
        )
    if target * 2 < current:
        raise LimitExceeded(
            "UpdateShardCount cannot scale down below half your current open shard count. "
            f"Current open shard count: {current}, Target shard count: {target}"
        )


def resharded(live: LiveStream, target: int, now: float) -> StreamConfig:
    """The configuration after closing every open shard and opening ``target`` new ones."""
    config = live.config
    parents = sorted(config.open_shards, key=lambda s: s.start_hash)
    # a closed shard ends at its last record; one that never held a record ends where it started
    closed = {s.shard_id: replace(s, ending_position=max(live.counter(s), s.starting_position)) for s in parents}
    start = max([time_position(now), *(end.ending_position or 0 for end in closed.values())]) + 1
    next_index = max(s.index for s in config.shards) + 1
    children: list[Shard] = []
    for offset, (low, high) in enumerate(even_ranges(target)):
        overlapping = [p.shard_id for p in parents if p.start_hash <= high and p.end_hash >= low]
        children.append(
            Shard(
                index=next_index + offset,
                start_hash=low,
                end_hash=high,
                starting_position=start,
                parent=overlapping[0] if overlapping else None,
                adjacent_parent=overlapping[1] if len(overlapping) > 1 else None,
            )
        )
    shards = tuple(closed.get(s.shard_id, s) for s in config.shards) + tuple(children)
    return replace(config, shards=shards)
