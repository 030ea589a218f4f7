"""EventBridge replays as values, and how one is written down (spec §4.5).

A replay's document is its journal: it is rewritten after every event replayed, with ``cursor`` the
key of that event in the archive, so that after a restart a running replay carries on after it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from triggerfish.core.scope import scope_key
from triggerfish.services.events.archive_models import REPLAY_NAME

#: DocumentStore kind
REPLAY_KIND = "events.replay"


class ReplayState(StrEnum):
    STARTING = "STARTING"
    RUNNING = "RUNNING"
    CANCELLING = "CANCELLING"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"

    @property
    def cancellable(self) -> bool:
        # IllegalStatusException: "a replay can be canceled only when the state is Running or Starting"
        return self in (ReplayState.STARTING, ReplayState.RUNNING)

    @property
    def finished(self) -> bool:
        return self in (ReplayState.COMPLETED, ReplayState.CANCELLED, ReplayState.FAILED)


def replay_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:events:{region}:{account}:replay/{name}"


@dataclass(frozen=True)
class Replay:
    name: str
    account: str
    region: str
    archive_name: str
    archive_arn: str
    #: the destination bus ARN (always the archive's own bus)
    destination: str
    #: rule ARNs the replayed events go to, or () for every rule of the bus
    filter_arns: tuple[str, ...]
    event_start: float
    event_end: float
    started_at: float
    description: str | None = None
    state: ReplayState = ReplayState.STARTING
    state_reason: str | None = None
    #: the time of the last event replayed
    last_replayed: float | None = None
    ended_at: float | None = None
    #: the archive key of the last event replayed
    cursor: str | None = None

    @property
    def arn(self) -> str:
        return replay_arn(self.region, self.account, self.name)

    @property
    def scope(self) -> str:
        return scope_key(self)

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "state": self.state.value, "filter_arns": list(self.filter_arns)})

    @classmethod
    def from_json(cls, text: str) -> Replay:
        body = json.loads(text)
        return cls(**{**body, "state": ReplayState(body["state"]), "filter_arns": tuple(body["filter_arns"])})


def with_replay_name(event: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The event as a replay sends it: ``replay-name`` inserted just before ``resources`` (spec §4.1)."""
    replayed: dict[str, Any] = {}
    for key, value in event.items():
        if key == "resources":
            replayed[REPLAY_NAME] = name
        if key != REPLAY_NAME:
            replayed[key] = value
    replayed.setdefault(REPLAY_NAME, name)
    return replayed
