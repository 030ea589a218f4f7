"""Performing one receipt action on a received message (SES developer guide, "Action options")."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.ses.receiving import event
from triggerfish.services.ses.receiving.models import (
    AddHeaderAction,
    BounceAction,
    ConnectAction,
    InvocationType,
    LambdaAction,
    ReceiptAction,
    S3Action,
    SnsAction,
    SnsEncoding,
    StopAction,
    WorkmailAction,
)
from triggerfish.services.ses.receiving.ports import SyncInvoker

log = logging.getLogger(__name__)

# SNS action: SES bounces messages larger than 150 KB instead of publishing them.
SNS_CONTENT_LIMIT = 150 * 1024
NOTIFICATION_SUBJECT = "Amazon SES Email Receipt Notification"


class Disposition(StrEnum):
    """What happens after an action (Lambda action, RequestResponse: the function's ``disposition``)."""

    CONTINUE = "CONTINUE"
    STOP_RULE = "STOP_RULE"
    STOP_RULE_SET = "STOP_RULE_SET"


@dataclass(frozen=True)
class Mailpiece:
    """A received message as the actions see it; ``raw`` changes when a header is added."""

    id: str
    region: str
    source: str
    destination: tuple[str, ...]
    received: float
    raw: bytes


@dataclass(frozen=True)
class ActionOutcome:
    rule: str
    action: str
    disposition: Disposition = Disposition.CONTINUE
    error: str | None = None


class ActionRunner:
    def __init__(self, deliveries: DeliveryRegistry, invoker: SyncInvoker, clock: Clock) -> None:
        self._deliveries = deliveries
        self._invoker = invoker
        self._clock = clock

    async def run(
        self, piece: Mailpiece, rule: str, recipients: Sequence[str], action: ReceiptAction
    ) -> tuple[ActionOutcome, Mailpiece]:
        kind = type(action).__name__.removesuffix("Action")
        try:
            if isinstance(action, AddHeaderAction):
                header = f"{action.header_name}: {action.header_value}\r\n".encode()
                return ActionOutcome(rule, kind), _with_raw(piece, header + piece.raw)
            disposition = await self._perform(piece, recipients, action)
        except (TriggerfishError, DeliveryFailed) as exc:
            reason = exc.message if isinstance(exc, TriggerfishError) else str(exc)
            log.warning("SES receipt rule %s: %s action for message %s failed: %s", rule, kind, piece.id, reason)
            return ActionOutcome(rule, kind, error=reason), piece
        return ActionOutcome(rule, kind, disposition), piece

    async def _perform(self, piece: Mailpiece, recipients: Sequence[str], action: ReceiptAction) -> Disposition:
        match action:
            case S3Action():
                key = (action.object_key_prefix or "") + piece.id
                # the raw message, byte for byte (mail need not be UTF-8)
                stored = Delivery("", object_key=key, data=piece.raw)
                await self._deliveries.deliver(f"arn:aws:s3:::{action.bucket_name}", stored)
                shape = {"type": "S3", "topicArn": action.topic_arn, "bucketName": action.bucket_name, "objectKey": key}
                await self._notify(piece, recipients, action.topic_arn, shape)
            case SnsAction():
                if len(piece.raw) > SNS_CONTENT_LIMIT:
                    raise DeliveryFailed(
                        f"the message is larger than {SNS_CONTENT_LIMIT} bytes, the SNS action's limit"
                    )
                encoding = "BASE64" if action.encoding is SnsEncoding.BASE64 else "UTF8"
                shape = {"type": "SNS", "topicArn": action.topic_arn, "encoding": encoding}
                await self._notify(
                    piece, recipients, action.topic_arn, shape, content=action.encoding or SnsEncoding.UTF8
                )
            case LambdaAction():
                return await self._invoke(piece, recipients, action)
            case StopAction():
                await self._notify(piece, recipients, action.topic_arn, {"type": "Stop", "topicArn": action.topic_arn})
                return Disposition.STOP_RULE_SET
            case BounceAction():
                # No mail leaves triggerfish: the bounce is logged (and notified), not sent to the sender.
                log.info(
                    "SES bounce for message %s from %s: %s %s %s",
                    piece.id,
                    piece.source,
                    action.smtp_reply_code,
                    action.status_code or "",
                    action.message,
                )
                shape = {
                    "type": "Bounce",
                    "topicArn": action.topic_arn,
                    "smtpReplyCode": action.smtp_reply_code,
                    "statusCode": action.status_code,
                    "message": action.message,
                    "sender": action.sender,
                }
                await self._notify(piece, recipients, action.topic_arn, shape)
            case WorkmailAction() | ConnectAction():
                log.info("SES message %s: the %s is not supported locally; skipped", piece.id, type(action).__name__)
        return Disposition.CONTINUE

    async def _invoke(self, piece: Mailpiece, recipients: Sequence[str], action: LambdaAction) -> Disposition:
        kind = action.invocation_type or InvocationType.EVENT
        shape = {"type": "Lambda", "functionArn": action.function_arn, "invocationType": kind.value}
        mail, receipt = self._objects(piece, recipients, shape)
        payload = json.dumps(event.lambda_event(mail, receipt))
        await self._notify(piece, recipients, action.topic_arn, {**shape, "topicArn": action.topic_arn})
        if kind is InvocationType.EVENT:
            await self._deliveries.deliver(action.function_arn, Delivery(payload))
            return Disposition.CONTINUE
        result = await self._invoker.invoke(action.function_arn, payload.encode(), invocation_type=kind.value)
        if result.function_error:
            raise DeliveryFailed(f"the function {action.function_arn} failed ({result.function_error})")
        return _disposition(result.payload)

    async def _notify(
        self,
        piece: Mailpiece,
        recipients: Sequence[str],
        topic: str | None,
        shape: Mapping[str, str | None],
        *,
        content: SnsEncoding | None = None,
    ) -> None:
        if topic is None:
            return
        mail, receipt = self._objects(piece, recipients, shape)
        raw = piece.raw if content is not None else None
        body = json.dumps(event.notification(mail, receipt, content=raw, encoding=content))
        await self._deliveries.deliver(topic, Delivery(body, subject=NOTIFICATION_SUBJECT))

    def _objects(
        self, piece: Mailpiece, recipients: Sequence[str], shape: Mapping[str, str | None]
    ) -> tuple[event.Mail, event.Receipt]:
        action = {key: value for key, value in shape.items() if value is not None}
        mail = event.mail_object(
            piece.raw, mid=piece.id, source=piece.source, destination=piece.destination, received=piece.received
        )
        receipt = event.receipt_object(
            recipients=recipients, received=piece.received, now=self._clock.now(), action=action
        )
        return mail, receipt


def _disposition(payload: bytes) -> Disposition:
    """SES developer guide, "Invoking Lambda functions": anything but STOP_RULE / STOP_RULE_SET continues."""
    try:
        answer = json.loads(payload) if payload else None
    except ValueError:
        return Disposition.CONTINUE
    value = answer.get("disposition") if isinstance(answer, dict) else None
    try:
        return Disposition(str(value))
    except ValueError:
        return Disposition.CONTINUE


def _with_raw(piece: Mailpiece, raw: bytes) -> Mailpiece:
    return Mailpiece(piece.id, piece.region, piece.source, piece.destination, piece.received, raw)
