"""A topic's attributes: which may be set, how their values are checked, and the whole set
GetTopicAttributes answers with (the computed ones included), as recorded from SNS."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from triggerfish.services.sns.errors import invalid
from triggerfish.services.sns.models import Topic

_FEEDBACK = tuple(
    f"{protocol}{kind}"
    for protocol in ("Application", "HTTP", "Firehose", "Lambda", "SQS")
    for kind in ("SuccessFeedbackRoleArn", "SuccessFeedbackSampleRate", "FailureFeedbackRoleArn")
)
#: the names SetTopicAttributes takes (SNS API reference, SetTopicAttributes); FifoTopic is not one
SETTABLE = frozenset(
    {
        "DeliveryPolicy",
        "DisplayName",
        "Policy",
        "TracingConfig",
        "KmsMasterKeyId",
        "SignatureVersion",
        "ContentBasedDeduplication",
        "FifoThroughputScope",
        "ArchivePolicy",
        "DataProtectionPolicy",
        *_FEEDBACK,
    }
)
#: CreateTopic also takes FifoTopic, fixed for the topic's life
CREATABLE = SETTABLE | {"FifoTopic"}
#: attributes an empty value removes rather than sets (recorded DeliveryPolicy "" removes it)
_REMOVED_WHEN_EMPTY = frozenset({"DeliveryPolicy", "Policy", "KmsMasterKeyId", "ArchivePolicy", "DataProtectionPolicy"})
_JSON_VALUED = frozenset({"DeliveryPolicy", "Policy", "ArchivePolicy", "DataProtectionPolicy"})
_BOOLEAN = frozenset({"FifoTopic", "ContentBasedDeduplication"})

# The default HTTP delivery policy every topic reports as EffectiveDeliveryPolicy (recorded)
DEFAULT_HEALTHY_RETRY_POLICY: dict[str, Any] = {
    "minDelayTarget": 20,
    "maxDelayTarget": 20,
    "numRetries": 3,
    "numMaxDelayRetries": 0,
    "numNoDelayRetries": 0,
    "numMinDelayRetries": 0,
    "backoffFunction": "linear",
}
DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8"


def compact(document: object) -> str:
    return json.dumps(document, separators=(",", ":"))


def default_policy(topic_arn: str, account: str) -> str:
    """The access policy SNS gives a new topic: its owner account may do everything (recorded)."""
    return compact(
        {
            "Version": "2008-10-17",
            "Id": "__default_policy_ID",
            "Statement": [
                {
                    "Sid": "__default_statement_ID",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "SNS:GetTopicAttributes",
                        "SNS:SetTopicAttributes",
                        "SNS:AddPermission",
                        "SNS:RemovePermission",
                        "SNS:DeleteTopic",
                        "SNS:Subscribe",
                        "SNS:ListSubscriptionsByTopic",
                        "SNS:Publish",
                    ],
                    "Resource": topic_arn,
                    "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
                }
            ],
        }
    )


def effective_delivery_policy(delivery_policy: str | None) -> dict[str, Any]:
    """The topic's HTTP delivery policy with SNS's defaults filled in (recorded after SetTopicAttributes)."""
    given: dict[str, Any] = {}
    if delivery_policy:
        parsed = json.loads(delivery_policy)
        http = parsed.get("http") if isinstance(parsed, dict) else None
        given = http if isinstance(http, dict) else {}
    healthy = given.get("defaultHealthyRetryPolicy")
    effective: dict[str, Any] = {
        "defaultHealthyRetryPolicy": {**DEFAULT_HEALTHY_RETRY_POLICY, **(healthy if isinstance(healthy, dict) else {})},
        "disableSubscriptionOverrides": bool(given.get("disableSubscriptionOverrides", False)),
        "defaultRequestPolicy": given.get("defaultRequestPolicy") or {"headerContentType": DEFAULT_CONTENT_TYPE},
    }
    for key in ("defaultSicklyRetryPolicy", "defaultThrottlePolicy"):
        if key in given:
            effective[key] = given[key]
    return {"http": effective}


def checked(attributes: Mapping[str, str], allowed: frozenset[str], *, fifo: bool) -> dict[str, str | None]:
    """``attributes`` checked; a value of ``None`` means "remove this attribute"."""
    result: dict[str, str | None] = {}
    for name, value in attributes.items():
        if name not in allowed:
            raise invalid("AttributeName")
        result[name] = _value(name, value, fifo)
    return result


def _value(name: str, value: str, fifo: bool) -> str | None:
    if name in _BOOLEAN:
        if value.lower() not in ("true", "false"):
            raise invalid(name, f"Invalid value [{value}]. Must be true or false.")
        if name == "ContentBasedDeduplication" and not fifo and value.lower() == "true":
            # content-based deduplication exists only for FIFO topics (SNS API reference, CreateTopic)
            raise invalid(name, "Content based deduplication can only be set for FIFO topics")
        return value.lower()
    if name in _REMOVED_WHEN_EMPTY and value == "":
        return None
    if name in _JSON_VALUED:
        try:
            document = json.loads(value)
        except ValueError:
            raise invalid(name, "failed to parse JSON.") from None
        if not isinstance(document, dict):
            raise invalid(name, "failed to parse JSON.")
    elif name == "SignatureVersion" and value not in ("1", "2"):
        raise invalid("SignatureVersion", "Invalid value. Must be 1 or 2.")
    elif name == "FifoThroughputScope":
        if not fifo:
            raise invalid("AttributeName")
        if value not in ("Topic", "MessageGroup"):
            raise invalid("FifoThroughputScope", "Value must be Topic or MessageGroup.")
    elif name == "TracingConfig" and value not in ("PassThrough", "Active"):
        raise invalid("TracingConfig", "Value must be PassThrough or Active.")
    return value


def report(topic: Topic, confirmed: int, pending: int, deleted: int) -> dict[str, str]:
    """Everything GetTopicAttributes answers for ``topic``."""
    stored = dict(topic.attributes)
    stored.pop("FifoTopic", None)
    values: dict[str, str] = {
        "TopicArn": topic.arn,
        "Owner": topic.account,
        "Policy": stored.pop("Policy", "") or default_policy(topic.arn, topic.account),
        "DisplayName": stored.pop("DisplayName", ""),
        "SubscriptionsConfirmed": str(confirmed),
        "SubscriptionsPending": str(pending),
        "SubscriptionsDeleted": str(deleted),
        "EffectiveDeliveryPolicy": compact(effective_delivery_policy(stored.get("DeliveryPolicy"))),
    }
    if topic.fifo:
        values["FifoTopic"] = "true"
        values["ContentBasedDeduplication"] = stored.pop("ContentBasedDeduplication", "false")
    values.update(stored)
    return values
