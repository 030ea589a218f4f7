"""A Kinesis data stream's configuration: its shards, retention, mode, encryption and tags.

Stored as a document (kind ``kinesis.stream``, scope ``<account>/<region>``, name the stream name).
Positions are the service's per-shard counters; the sequence numbers clients see are built from
them by :mod:`.shards`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from triggerfish.core.payloads.kinesis import stream_arn_for

STREAM_KIND = "kinesis.stream"
#: Retention bounds in hours (Kinesis API reference, IncreaseStreamRetentionPeriod)
MIN_RETENTION_HOURS = 24
MAX_RETENTION_HOURS = 8760
#: An on-demand stream starts with four shards (Kinesis developer guide, "On-demand mode")
ON_DEMAND_SHARDS = 4


class StreamMode(StrEnum):
    PROVISIONED = "PROVISIONED"
    ON_DEMAND = "ON_DEMAND"


class StreamStatus(StrEnum):
    CREATING = "CREATING"
    DELETING = "DELETING"
    ACTIVE = "ACTIVE"
    UPDATING = "UPDATING"


@dataclass(frozen=True)
class Shard:
    """One shard: its hash key range (inclusive), and the positions its sequence numbers start and
    (once closed by a reshard) end at."""

    index: int
    start_hash: int
    end_hash: int
    starting_position: int
    ending_position: int | None = None
    parent: str | None = None
    adjacent_parent: str | None = None

    @property
    def shard_id(self) -> str:
        return f"shardId-{self.index:012d}"

    @property
    def is_open(self) -> bool:
        return self.ending_position is None


@dataclass(frozen=True)
class StreamConfig:
    account: str
    region: str
    name: str
    created_at: float
    shards: tuple[Shard, ...]
    mode: StreamMode = StreamMode.PROVISIONED
    retention_hours: int = MIN_RETENTION_HOURS
    #: ``KMS`` while server-side encryption is on, else ``None``
    encryption: str | None = None
    key_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return stream_arn_for(region=self.region, account=self.account, stream=self.name)

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"

    @property
    def open_shards(self) -> tuple[Shard, ...]:
        return tuple(shard for shard in self.shards if shard.is_open)

    @property
    def encryption_type(self) -> str:
        return self.encryption or "NONE"

    def shard(self, shard_id: str) -> Shard | None:
        return next((shard for shard in self.shards if shard.shard_id == shard_id), None)

    def to_document(self) -> dict[str, Any]:
        return {
            "created_at": self.created_at,
            "mode": self.mode.value,
            "retention_hours": self.retention_hours,
            "encryption": self.encryption,
            "key_id": self.key_id,
            "tags": dict(self.tags),
            # hash keys are 128-bit: JSON readers elsewhere may not keep such integers exact
            "shards": [
                {
                    "index": s.index,
                    "start_hash": str(s.start_hash),
                    "end_hash": str(s.end_hash),
                    "starting_position": s.starting_position,
                    "ending_position": s.ending_position,
                    "parent": s.parent,
                    "adjacent_parent": s.adjacent_parent,
                }
                for s in self.shards
            ],
        }


def config_from_document(scope: str, name: str, body: Mapping[str, Any]) -> StreamConfig:
    account, _, region = scope.partition("/")
    shards = tuple(
        Shard(
            index=int(s["index"]),
            start_hash=int(s["start_hash"]),
            end_hash=int(s["end_hash"]),
            starting_position=int(s["starting_position"]),
            ending_position=None if s.get("ending_position") is None else int(s["ending_position"]),
            parent=s.get("parent"),
            adjacent_parent=s.get("adjacent_parent"),
        )
        for s in body["shards"]
    )
    return StreamConfig(
        account=account,
        region=region,
        name=name,
        created_at=float(body["created_at"]),
        shards=shards,
        mode=StreamMode(body.get("mode", StreamMode.PROVISIONED.value)),
        retention_hours=int(body.get("retention_hours", MIN_RETENTION_HOURS)),
        encryption=body.get("encryption"),
        key_id=body.get("key_id"),
        tags=dict(body.get("tags") or {}),
    )
