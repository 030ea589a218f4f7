"""SES v1 wire shapes: destinations and tags in, identity attributes out."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, NotRequired, TypedDict

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.ses.errors import InvalidParameterValue
from triggerfish.services.ses.models import Destination, Identity

Operation = Callable[[Call], Awaitable[Reply]]


class VerificationAttributes(TypedDict):
    VerificationStatus: str
    VerificationToken: NotRequired[str]


class DkimAttributes(TypedDict):
    DkimEnabled: bool
    DkimVerificationStatus: str
    DkimTokens: NotRequired[list[str]]


class NotificationAttributes(TypedDict):
    ForwardingEnabled: bool
    BounceTopic: NotRequired[str]
    ComplaintTopic: NotRequired[str]
    DeliveryTopic: NotRequired[str]
    HeadersInBounceNotificationsEnabled: bool
    HeadersInComplaintNotificationsEnabled: bool
    HeadersInDeliveryNotificationsEnabled: bool


class MailFromAttributes(TypedDict):
    MailFromDomain: str
    MailFromDomainStatus: str
    BehaviorOnMXFailure: str


def destination(raw: Mapping[str, Any] | None) -> Destination:
    raw = raw or {}
    return Destination(
        tuple(raw.get("ToAddresses") or ()), tuple(raw.get("CcAddresses") or ()), tuple(raw.get("BccAddresses") or ())
    )


def tags(raw: Sequence[Mapping[str, str]] | None) -> dict[str, str]:
    return {tag["Name"]: tag["Value"] for tag in raw or ()}


def verification(identity: Identity) -> VerificationAttributes:
    # verification succeeds at once locally: there is no mailbox to click in and no DNS to look up
    shape: VerificationAttributes = {"VerificationStatus": "Success" if identity.verified else "Pending"}
    if identity.token is not None:
        shape["VerificationToken"] = identity.token
    return shape


def dkim(identity: Identity) -> DkimAttributes:
    if not identity.dkim_tokens:
        return {"DkimEnabled": False, "DkimVerificationStatus": "NotStarted"}
    return {
        "DkimEnabled": identity.dkim_enabled,
        "DkimVerificationStatus": "Success",
        "DkimTokens": list(identity.dkim_tokens),
    }


def notifications(identity: Identity) -> NotificationAttributes:
    shape: NotificationAttributes = {
        "ForwardingEnabled": identity.forwarding_enabled,
        "HeadersInBounceNotificationsEnabled": "Bounce" in identity.headers_in_notifications,
        "HeadersInComplaintNotificationsEnabled": "Complaint" in identity.headers_in_notifications,
        "HeadersInDeliveryNotificationsEnabled": "Delivery" in identity.headers_in_notifications,
    }
    for kind, arn in identity.notification_topics.items():
        if kind == "Bounce":
            shape["BounceTopic"] = arn
        elif kind == "Complaint":
            shape["ComplaintTopic"] = arn
        elif kind == "Delivery":
            shape["DeliveryTopic"] = arn
    return shape


def mail_from(identity: Identity) -> MailFromAttributes:
    return {
        "MailFromDomain": identity.mail_from_domain or "",
        "MailFromDomainStatus": "Success",
        "BehaviorOnMXFailure": identity.mail_from_behavior,
    }


def raw_data(value: object) -> bytes:
    """RawMessage.Data: the codec decodes the blob; text that is not base64 is the message itself."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return value.encode()
    raise InvalidParameterValue("RawMessage.Data must be the message's bytes.")


def page(names: Sequence[str], token: str | None, size: int) -> tuple[list[str], str | None]:
    """One page of ``names`` from an opaque ``token`` (the start offset)."""
    start = 0
    if token:
        try:
            start = int(base64.urlsafe_b64decode(token.encode()).decode())
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise InvalidParameterValue("Invalid NextToken.") from None
    end = start + size
    following = base64.urlsafe_b64encode(str(end).encode()).decode() if end < len(names) else None
    return list(names[start:end]), following
