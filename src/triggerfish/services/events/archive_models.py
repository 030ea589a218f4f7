"""EventBridge archives and the events they keep, as values (spec §4.5).

An archived event is one document of kind ``events.archived`` named ``<archive>/<time>/<id>``, where
``<time>`` is the event's own ``time`` in milliseconds, 15 digits: names sort by event time inside an
archive, so a replay window or a retention sweep reads one contiguous run of names.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from triggerfish.core.scope import scope_key

#: DocumentStore kinds
ARCHIVE_KIND = "events.archive"
ARCHIVED_KIND = "events.archived"

#: The member a replayed event carries (spec §4.1); such events are never archived again.
REPLAY_NAME = "replay-name"

_TIME_DIGITS = 15


class ArchiveState(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"
    CREATING = "CREATING"
    UPDATING = "UPDATING"
    CREATE_FAILED = "CREATE_FAILED"
    UPDATE_FAILED = "UPDATE_FAILED"


def archive_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:events:{region}:{account}:archive/{name}"


@dataclass(frozen=True)
class Archive:
    name: str
    account: str
    region: str
    event_source_arn: str
    description: str | None = None
    #: the pattern's text as CreateArchive/UpdateArchive gave it, or None (archive everything)
    event_pattern: str | None = None
    #: 0 keeps events for ever
    retention_days: int = 0
    kms_key: str | None = None
    event_count: int = 0
    size_bytes: int = 0
    created_at: float = 0.0
    state: ArchiveState = ArchiveState.ENABLED

    @property
    def arn(self) -> str:
        return archive_arn(self.region, self.account, self.name)

    @property
    def scope(self) -> str:
        return scope_key(self)

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "state": self.state.value})

    @classmethod
    def from_json(cls, text: str) -> Archive:
        body = json.loads(text)
        return cls(**{**body, "state": ArchiveState(body["state"])})


@dataclass(frozen=True)
class ArchivedEvent:
    """One event as an archive keeps it."""

    #: its document name, ``<archive>/<time>/<id>``
    key: str
    event: dict[str, Any]
    #: the event's own ``time``, epoch seconds
    time: float
    ingested_at: float
    size: int


def event_key(archive: str, time: float, event_id: str) -> str:
    return f"{archive}/{time_part(time)}/{event_id}"


def time_part(time: float) -> str:
    """A time as the 15-digit milliseconds of an event key (times before 1970 clamp to 0)."""
    return f"{max(0, round(time * 1000)):0{_TIME_DIGITS}d}"


def key_prefix(archive: str) -> str:
    return f"{archive}/"


def event_time(event: Mapping[str, Any], default: float) -> float:
    """The event's ``time`` member (``2017-12-22T18:43:48Z``) in epoch seconds, or ``default``."""
    text = event.get("time")
    if not isinstance(text, str):
        return default
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return default
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def timestamp(epoch: float) -> datetime:
    """A stored time as the wire layer's timestamp value."""
    return datetime.fromtimestamp(epoch, UTC)
