"""SES's values: identities, templates, messages to send and messages sent, quota and statistics."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

IdentityKind = Literal["EmailAddress", "Domain"]

IDENTITY_KIND = "ses.identity"
TEMPLATE_KIND = "ses.template"
MESSAGE_KIND = "ses.message"


@dataclass(frozen=True)
class Identity:
    """A verified (or pending) email address or domain, in one region."""

    name: str
    kind: IdentityKind
    verified: bool
    token: str | None
    created: float
    dkim_tokens: tuple[str, ...] = ()
    dkim_enabled: bool = False
    mail_from_domain: str | None = None
    #: "UseDefaultValue" or "RejectMessage" (SetIdentityMailFromDomain's BehaviorOnMXFailure)
    mail_from_behavior: str = "UseDefaultValue"
    #: notification type ("Bounce", "Complaint", "Delivery") -> SNS topic ARN
    notification_topics: Mapping[str, str] = field(default_factory=dict)
    forwarding_enabled: bool = True
    #: notification types whose notifications include the original headers
    headers_in_notifications: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Template:
    """A stored email template; the parts are Handlebars text (see :mod:`.templates`)."""

    name: str
    subject: str | None
    text: str | None
    html: str | None
    created: float


@dataclass(frozen=True)
class Destination:
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        return self.to + self.cc + self.bcc


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to send, as the v1 and v2 APIs describe it.

    A formatted message has ``subject``/``text``/``html``; a raw one has ``raw`` (the full MIME
    message; ``to``/``cc``/``bcc`` then come from its headers unless given); a templated one names
    ``template`` (or carries ``inline_template``) and its ``template_data`` (a JSON object as text).
    """

    source: str | None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    reply_to: tuple[str, ...] = ()
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    raw: bytes | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    configuration_set: str | None = None
    template: str | None = None
    template_data: str | None = None
    inline_template: Template | None = None
    return_path: str | None = None
    charset: str | None = None


@dataclass(frozen=True)
class SentMessage:
    """A message SES accepted, with the full MIME message as it would have been sent."""

    id: str
    region: str
    timestamp: float
    source: str
    destination: Destination
    subject: str | None
    text: str | None
    html: str | None
    raw: bytes
    tags: Mapping[str, str] = field(default_factory=dict)
    template: str | None = None
    configuration_set: str | None = None
    account: str = "000000000000"


@dataclass(frozen=True)
class Quota:
    max_24_hour_send: float
    max_send_rate: float
    sent_last_24_hours: float


@dataclass(frozen=True)
class DataPoint:
    """One 15-minute interval of sending activity (GetSendStatistics)."""

    timestamp: float
    delivery_attempts: int
    bounces: int = 0
    complaints: int = 0
    rejects: int = 0


@dataclass(frozen=True)
class BulkEntry:
    """One destination of a bulk templated send, with its own data (merged over the default) and tags."""

    destination: Destination
    template_data: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BulkResult:
    """A bulk entry's outcome: ``status`` is "Success" or SES's BulkEmailStatus for the refusal."""

    status: str
    message_id: str | None = None
    error: str | None = None
