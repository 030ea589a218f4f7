"""Receipt rule sets, rules and actions: the values behind SES's v1 receipt rule operations.

They mirror botocore's ``ReceiptRule`` / ``ReceiptAction`` shapes field for field; :mod:`.codec`
turns them into and out of those wire shapes (the stored documents use the same shape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class TlsPolicy(StrEnum):
    OPTIONAL = "Optional"
    REQUIRE = "Require"


class InvocationType(StrEnum):
    EVENT = "Event"
    REQUEST_RESPONSE = "RequestResponse"


class SnsEncoding(StrEnum):
    UTF8 = "UTF-8"
    BASE64 = "Base64"


@dataclass(frozen=True)
class S3Action:
    bucket_name: str
    object_key_prefix: str | None = None
    topic_arn: str | None = None
    kms_key_arn: str | None = None
    iam_role_arn: str | None = None


@dataclass(frozen=True)
class SnsAction:
    topic_arn: str
    encoding: SnsEncoding | None = None


@dataclass(frozen=True)
class LambdaAction:
    function_arn: str
    invocation_type: InvocationType | None = None
    topic_arn: str | None = None


@dataclass(frozen=True)
class StopAction:
    scope: str = "RuleSet"
    topic_arn: str | None = None


@dataclass(frozen=True)
class AddHeaderAction:
    header_name: str
    header_value: str


@dataclass(frozen=True)
class BounceAction:
    smtp_reply_code: str
    message: str
    sender: str
    status_code: str | None = None
    topic_arn: str | None = None


@dataclass(frozen=True)
class WorkmailAction:
    organization_arn: str
    topic_arn: str | None = None


@dataclass(frozen=True)
class ConnectAction:
    instance_arn: str
    iam_role_arn: str


ReceiptAction = (
    S3Action | SnsAction | LambdaAction | StopAction | AddHeaderAction | BounceAction | WorkmailAction | ConnectAction
)


@dataclass(frozen=True)
class ReceiptRule:
    """One rule; ``recipients`` is ``None`` when not given (matches every verified recipient)."""

    name: str
    enabled: bool = False  # SES API reference, ReceiptRule.Enabled: "The default value is false"
    scan_enabled: bool = False
    tls_policy: TlsPolicy = TlsPolicy.OPTIONAL
    recipients: tuple[str, ...] | None = None
    actions: tuple[ReceiptAction, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    name: str
    created: float
    rules: tuple[ReceiptRule, ...] = field(default_factory=tuple)

    def rule(self, name: str) -> ReceiptRule | None:
        return next((rule for rule in self.rules if rule.name == name), None)

    def names(self) -> Sequence[str]:
        return [rule.name for rule in self.rules]
