"""CloudWatch Logs values: log groups, log streams, stored events, subscription filters.

Events of one log group are ordered by (timestamp, position); ``position`` is the group's arrival
counter. Both fit in one integer, the event's *key*, which is also its ``eventId`` (56 decimal digits,
as AWS event ids are) and what paging tokens carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: document kinds in the DocumentStore (scope ``<account>/<region>``)
GROUP_KIND = "logs.group"
STREAM_KIND = "logs.stream"
FILTER_KIND = "logs.subscription"

#: a position takes the low 36 decimal digits of an event key; the timestamp (ms) the rest
_POSITION_DIGITS = 36
_POSITION_SCALE: int = 10**_POSITION_DIGITS
#: AWS event ids are 56-digit decimal strings
EVENT_ID_DIGITS = 56


@dataclass(frozen=True)
class LogGroup:
    region: str
    name: str
    #: the ``logGroupArn`` form, without the trailing ``:*`` (see :attr:`wildcard_arn`)
    arn: str
    created: int
    retention_days: int | None
    stored_bytes: int
    log_group_class: str = "STANDARD"
    kms_key_id: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def wildcard_arn(self) -> str:
        # DescribeLogGroups' ``arn`` ends with ``:*``; ``logGroupArn`` does not (LogGroup shape, Logs API reference)
        return f"{self.arn}:*"


@dataclass(frozen=True)
class LogStream:
    group: str
    name: str
    arn: str
    created: int
    first_event: int | None
    last_event: int | None
    last_ingestion: int | None
    stored_bytes: int


@dataclass(frozen=True, slots=True)
class OutputEvent:
    group: str
    stream: str
    timestamp: int
    ingestion: int
    message: str
    position: int

    @property
    def key(self) -> int:
        return event_key(self.timestamp, self.position)

    @property
    def event_id(self) -> str:
        # made when asked for: most function output is stored and never read back
        return event_id(self.timestamp, self.position)


@dataclass(frozen=True)
class SubscriptionFilter:
    group: str
    name: str
    pattern: str
    destination_arn: str
    role_arn: str | None
    distribution: str
    created: int


@dataclass(frozen=True)
class EventPage:
    events: list[OutputEvent]
    next_token: str | None
    searched_streams: list[str]


@dataclass(frozen=True)
class RejectedInfo:
    """PutLogEvents' ``rejectedLogEventsInfo``: start index inclusive, end indexes exclusive
    (RejectedLogEventsInfo shape, Logs API reference)."""

    too_new_start: int | None = None
    too_old_end: int | None = None
    expired_end: int | None = None


def event_key(timestamp: int, position: int) -> int:
    return timestamp * _POSITION_SCALE + position


def event_id(timestamp: int, position: int) -> str:
    return str(event_key(timestamp, position)).zfill(EVENT_ID_DIGITS)


def group_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:logs:{region}:{account}:log-group:{name}"


def stream_arn(region: str, account: str, group: str, name: str) -> str:
    return f"{group_arn(region, account, group)}:log-stream:{name}"


def store_stream(region: str, group: str) -> str:
    """The StreamLogStore stream holding a group's events (shard = log stream name)."""
    return f"logs:{region}:{group}"


def child_name(group: str, name: str) -> str:
    """Document name of a group's stream or filter; neither group names nor these names hold ``:``."""
    return f"{group}:{name}"
