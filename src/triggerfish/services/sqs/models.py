"""SQS values: queue configurations, what is sent, and what sending and batches answer."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from triggerfish.core.delivery import MessageAttribute
from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION
from triggerfish.services.sqs.naming import QueueKey
from triggerfish.services.sqs.settings import QueueSettings, from_document

#: The DocumentStore kind queue configurations are stored under.
QUEUE_KIND = "sqs.queue"


class Scope(Protocol):
    """Where a request runs: the caller's account and region."""

    @property
    def account(self) -> str: ...

    @property
    def region(self) -> str: ...


@dataclass(frozen=True)
class Location:
    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION


@dataclass(frozen=True)
class QueueConfig:
    key: QueueKey
    settings: QueueSettings
    tags: Mapping[str, str] = field(default_factory=dict)
    created_at: float = 0.0
    modified_at: float = 0.0

    @property
    def arn(self) -> str:
        return self.key.arn

    @property
    def name(self) -> str:
        return self.key.name

    @property
    def fifo(self) -> bool:
        return self.settings.fifo

    def to_document(self) -> dict[str, Any]:
        return {
            "settings": self.settings.to_document(),
            "tags": dict(self.tags),
            "created_at": self.created_at,
            "modified_at": self.modified_at,
        }


def config_from_document(key: QueueKey, document: Mapping[str, Any]) -> QueueConfig:
    return QueueConfig(
        key,
        from_document(document["settings"]),
        dict(document.get("tags", {})),
        float(document["created_at"]),
        float(document["modified_at"]),
    )


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to send, as SendMessage or a batch entry gives it."""

    body: str
    delay_seconds: int | None = None
    attributes: Mapping[str, MessageAttribute] = field(default_factory=dict)
    #: MessageSystemAttributes: only ``AWSTraceHeader`` exists
    system_attributes: Mapping[str, MessageAttribute] = field(default_factory=dict)
    group_id: str | None = None
    deduplication_id: str | None = None


@dataclass(frozen=True)
class SendResult:
    message_id: str
    md5_of_body: str
    md5_of_attributes: str | None = None
    md5_of_system_attributes: str | None = None
    sequence_number: str | None = None


@dataclass(frozen=True)
class BatchFailure:
    """A batch entry that failed, as ``BatchResultErrorEntry``."""

    id: str
    code: str
    message: str
    sender_fault: bool = True


@dataclass(frozen=True)
class BatchOutcome:
    successful: list[tuple[str, SendResult | None]] = field(default_factory=list)
    failed: list[BatchFailure] = field(default_factory=list)


class MoveTaskStatus(enum.Enum):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    CANCELLING = "CANCELLING"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class MoveTaskView:
    """A message move task as ListMessageMoveTasks reports it."""

    task_handle: str
    status: MoveTaskStatus
    source_arn: str
    destination_arn: str | None
    max_per_second: int | None
    moved: int
    to_move: int
    started_at: float
    failure_reason: str | None = None
