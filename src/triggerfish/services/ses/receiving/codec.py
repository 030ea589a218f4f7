"""Receipt rules to and from botocore's ``ReceiptRule`` wire shape, validating as SES does.

The same shape is what the rule set documents store, so a stored rule reads back exactly as
DescribeReceiptRule answered it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from triggerfish.core.arns import parse_arn
from triggerfish.services.ses.receiving.errors import (
    InvalidLambdaFunction,
    InvalidParameterValue,
    InvalidS3Configuration,
    InvalidSnsTopic,
)
from triggerfish.services.ses.receiving.models import (
    AddHeaderAction,
    BounceAction,
    ConnectAction,
    InvocationType,
    LambdaAction,
    ReceiptAction,
    ReceiptRule,
    S3Action,
    SnsAction,
    SnsEncoding,
    StopAction,
    TlsPolicy,
    WorkmailAction,
)

# SES API reference, ReceiptRule.Name / ReceiptRuleSetName: ASCII letters, digits, "_", "-", ".";
# starts and ends with a letter or digit; 64 characters or fewer.
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9])?")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_HEADER_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 field name: printable ASCII except ":"
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")

Wire = dict[str, Any]
E = TypeVar("E", TlsPolicy, InvocationType, SnsEncoding)


def check_name(field: str, name: object) -> str:
    """``field`` is the name SES uses in the message (``ruleSetName`` or ``ruleName``)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidParameterValue(f"Not a valid {field}: {name}")
    return name


def rule_from_wire(shape: Mapping[str, Any]) -> ReceiptRule:
    name = check_name("ruleName", shape.get("Name"))
    recipients = shape.get("Recipients")
    return ReceiptRule(
        name=name,
        enabled=bool(shape.get("Enabled", False)),
        scan_enabled=bool(shape.get("ScanEnabled", False)),
        tls_policy=_enum(TlsPolicy, shape.get("TlsPolicy") or "Optional", "tlsPolicy"),
        recipients=None if recipients is None else _recipients(recipients),
        actions=_actions(shape.get("Actions") or []),
    )


def rule_to_wire(rule: ReceiptRule) -> Wire:
    shape: Wire = {
        "Name": rule.name,
        "Enabled": rule.enabled,
        "ScanEnabled": rule.scan_enabled,
        "TlsPolicy": rule.tls_policy.value,
        "Actions": [action_to_wire(action) for action in rule.actions],
    }
    if rule.recipients is not None:
        shape["Recipients"] = list(rule.recipients)
    return shape


def action_to_wire(action: ReceiptAction) -> Wire:
    kind, members = _write(action)
    return {kind: {key: value for key, value in members.items() if value is not None}}


def _recipients(values: object) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise InvalidParameterValue(f"Invalid recipient: {values}")
    # Observed: SES stores recipients lower-cased, without duplicates, sorted.
    return tuple(sorted({_recipient(value) for value in values}))


def _recipient(value: object) -> str:
    """An address (``user@example.com``), a domain (``example.com``) or its subdomains (``.example.com``)."""
    text = value.lower() if isinstance(value, str) else ""
    local, at, domain = text.rpartition("@")
    if at and not local:
        raise InvalidParameterValue(f"Invalid recipient: {value}")
    if not at and domain.startswith("."):
        domain = domain[1:]
    labels = domain.split(".")
    if not domain or not all(_LABEL.fullmatch(label) for label in labels) or " " in local:
        raise InvalidParameterValue(f"Invalid recipient: {value}")
    return text


def _actions(values: object) -> tuple[ReceiptAction, ...]:
    if not isinstance(values, list):
        raise InvalidParameterValue("Invalid actions")
    actions: list[ReceiptAction] = []
    for value in values:
        given = {kind: members for kind, members in (value or {}).items() if members}
        if not given:
            continue  # observed: an action with no members set is dropped
        if len(given) != 1:
            raise InvalidParameterValue("Exactly one action type must be specified for each ReceiptAction")
        ((kind, members),) = given.items()
        reader = _ACTION_READERS.get(kind)
        if reader is None:
            raise InvalidParameterValue(f"Unknown action type: {kind}")
        actions.append(reader(members))
    if any(isinstance(action, StopAction) for action in actions[:-1]):
        raise InvalidParameterValue("Stop action, if any, must be placed at the end of the actions list")
    return tuple(actions)


def _required(members: Mapping[str, Any], key: str, field: str) -> Any:
    value = members.get(key)
    if value is None:
        raise InvalidParameterValue(f"Missing required parameter: {field}")
    return value


def _topic(members: Mapping[str, Any]) -> str | None:
    arn = members.get("TopicArn")
    if arn is not None:
        _check_arn(arn, "sns", InvalidSnsTopic)
    return arn


def _check_arn(arn: str, service: str, error: Callable[[str], Exception]) -> None:
    try:
        parsed = parse_arn(arn)
    except ValueError:
        raise error(arn) from None
    if parsed.service != service or not parsed.resource:
        raise error(arn)


def _enum(kind: type[E], value: object, field: str) -> E:
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidParameterValue(f"Value {value} at '{field}' must be one of: [{allowed}]") from None


def _s3(members: Mapping[str, Any]) -> S3Action:
    bucket = _required(members, "BucketName", "bucketName")
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise InvalidS3Configuration(bucket)
    return S3Action(
        bucket_name=bucket,
        object_key_prefix=members.get("ObjectKeyPrefix"),
        topic_arn=_topic(members),
        kms_key_arn=members.get("KmsKeyArn"),
        iam_role_arn=members.get("IamRoleArn"),
    )


def _sns(members: Mapping[str, Any]) -> SnsAction:
    arn = _required(members, "TopicArn", "topicArn")
    _check_arn(arn, "sns", InvalidSnsTopic)
    encoding = members.get("Encoding")
    return SnsAction(arn, None if encoding is None else _enum(SnsEncoding, encoding, "encoding"))


def _lambda(members: Mapping[str, Any]) -> LambdaAction:
    arn = _required(members, "FunctionArn", "functionArn")
    _check_arn(arn, "lambda", InvalidLambdaFunction)
    kind = members.get("InvocationType")
    return LambdaAction(
        function_arn=arn,
        invocation_type=None if kind is None else _enum(InvocationType, kind, "invocationType"),
        topic_arn=_topic(members),
    )


def _stop(members: Mapping[str, Any]) -> StopAction:
    scope = _required(members, "Scope", "scope")
    if scope != "RuleSet":
        raise InvalidParameterValue(f"Value {scope} at 'scope' must be one of: [RuleSet]")
    return StopAction(scope, _topic(members))


def _add_header(members: Mapping[str, Any]) -> AddHeaderAction:
    name = _required(members, "HeaderName", "headerName")
    value = _required(members, "HeaderValue", "headerValue")
    if not _HEADER_NAME.fullmatch(name) or len(name) > 50:
        raise InvalidParameterValue(f"Invalid header name: {name}")
    if "\r" in value or "\n" in value or len(value) > 2048:
        raise InvalidParameterValue(f"Invalid header value: {value}")
    return AddHeaderAction(name, value)


def _bounce(members: Mapping[str, Any]) -> BounceAction:
    return BounceAction(
        smtp_reply_code=_required(members, "SmtpReplyCode", "smtpReplyCode"),
        message=_required(members, "Message", "message"),
        sender=_required(members, "Sender", "sender"),
        status_code=members.get("StatusCode"),
        topic_arn=_topic(members),
    )


def _workmail(members: Mapping[str, Any]) -> WorkmailAction:
    return WorkmailAction(_required(members, "OrganizationArn", "organizationArn"), _topic(members))


def _connect(members: Mapping[str, Any]) -> ConnectAction:
    return ConnectAction(
        _required(members, "InstanceARN", "instanceARN"), _required(members, "IAMRoleARN", "iAMRoleARN")
    )


_ACTION_READERS: dict[str, Callable[[Mapping[str, Any]], ReceiptAction]] = {
    "S3Action": _s3,
    "SNSAction": _sns,
    "LambdaAction": _lambda,
    "StopAction": _stop,
    "AddHeaderAction": _add_header,
    "BounceAction": _bounce,
    "WorkmailAction": _workmail,
    "ConnectAction": _connect,
}


def _write(action: ReceiptAction) -> tuple[str, dict[str, Any]]:
    match action:
        case S3Action():
            return "S3Action", {
                "BucketName": action.bucket_name,
                "ObjectKeyPrefix": action.object_key_prefix,
                "TopicArn": action.topic_arn,
                "KmsKeyArn": action.kms_key_arn,
                "IamRoleArn": action.iam_role_arn,
            }
        case SnsAction():
            return "SNSAction", {"TopicArn": action.topic_arn, "Encoding": action.encoding and action.encoding.value}
        case LambdaAction():
            kind = action.invocation_type and action.invocation_type.value
            return "LambdaAction", {
                "FunctionArn": action.function_arn,
                "InvocationType": kind,
                "TopicArn": action.topic_arn,
            }
        case StopAction():
            return "StopAction", {"Scope": action.scope, "TopicArn": action.topic_arn}
        case AddHeaderAction():
            return "AddHeaderAction", {"HeaderName": action.header_name, "HeaderValue": action.header_value}
        case BounceAction():
            return "BounceAction", {
                "SmtpReplyCode": action.smtp_reply_code,
                "StatusCode": action.status_code,
                "Message": action.message,
                "Sender": action.sender,
                "TopicArn": action.topic_arn,
            }
        case WorkmailAction():
            return "WorkmailAction", {"OrganizationArn": action.organization_arn, "TopicArn": action.topic_arn}
        case ConnectAction():
            return "ConnectAction", {"InstanceARN": action.instance_arn, "IAMRoleARN": action.iam_role_arn}
