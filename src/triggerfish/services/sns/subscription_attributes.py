"""A subscription's attributes: which may be set, how each value is checked, and what
GetSubscriptionAttributes answers (recorded SNS answers give names, values and messages).

A refusal's reason reads ``<Name>: <why>``; SetSubscriptionAttributes words it
``Invalid parameter: <reason>`` and Subscribe ``Invalid parameter: Attributes Reason: <reason>``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from triggerfish.core.patterns import InvalidFilterPolicy, compile_filter_policy
from triggerfish.core.patterns.syntax_errors import describe_syntax_error
from triggerfish.services.sns.errors import InvalidParameter, invalid
from triggerfish.services.sns.models import Endpoint, FilterScope, Subscription, Topic
from triggerfish.services.sns.topic_attributes import DEFAULT_CONTENT_TYPE, compact, effective_delivery_policy

#: the names SetSubscriptionAttributes takes (SNS API reference, SetSubscriptionAttributes)
SETTABLE = frozenset(
    {
        "DeliveryPolicy",
        "FilterPolicy",
        "FilterPolicyScope",
        "RawMessageDelivery",
        "RedrivePolicy",
        "SubscriptionRoleArn",
        "ReplayPolicy",
    }
)
# "RawMessageDelivery ... for Amazon SQS, HTTP/S and Firehose endpoints" (SNS developer guide, raw delivery)
_RAW_CAPABLE = frozenset({Endpoint.SQS, Endpoint.HTTP, Endpoint.HTTPS, Endpoint.FIREHOSE})
_HIDDEN_SOURCE = "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)"


class AttributeProblem(Exception):
    """One attribute's value is refused; ``reason`` is the text after the call's own prefix."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def on_subscribe(problem: AttributeProblem) -> InvalidParameter:
    return invalid("Attributes", problem.reason)


def on_set(problem: AttributeProblem) -> InvalidParameter:
    return InvalidParameter(f"Invalid parameter: {problem.reason}")


def checked(
    attributes: Mapping[str, str], protocol: Endpoint, topic: Topic, current: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The attributes of a subscription after applying ``attributes`` over ``current``.

    Raises :class:`AttributeProblem` for a bad value; an unknown name is ``InvalidParameter``
    ``AttributeName`` at once (recorded). An empty FilterPolicy, DeliveryPolicy or RedrivePolicy
    removes that attribute.
    """
    for name in attributes:
        if name not in SETTABLE:
            raise invalid("AttributeName")
    result = dict(current or {})
    for name, value in attributes.items():
        if name == "RawMessageDelivery":
            result[name] = _raw_delivery(value, protocol)
        elif name == "FilterPolicyScope":
            result[name] = _filter_scope(value)
        elif name in ("FilterPolicy", "DeliveryPolicy", "RedrivePolicy", "ReplayPolicy") and value == "":
            result.pop(name, None)
        elif name == "RedrivePolicy":
            result[name] = _redrive_policy(value, topic)
        elif name == "DeliveryPolicy":
            result[name] = _delivery_policy(value)
        else:
            result[name] = value
    if "FilterPolicy" in result:
        # the policy is judged against the scope it will be used in, whichever of the two changed
        scope = result.get("FilterPolicyScope") or FilterScope.MESSAGE_ATTRIBUTES.value
        try:
            compile_filter_policy(result["FilterPolicy"], scope)
        except InvalidFilterPolicy as exc:
            raise AttributeProblem(exc.message) from None
        result.setdefault("FilterPolicyScope", scope)
    elif "FilterPolicy" in attributes and "FilterPolicyScope" not in attributes:
        result.pop("FilterPolicyScope", None)
    return result


def _raw_delivery(value: str, protocol: Endpoint) -> str:
    if value.lower() not in ("true", "false"):
        raise AttributeProblem(f"RawMessageDelivery: Invalid value [{value}]. Must be true or false.")
    if value.lower() == "true" and protocol not in _RAW_CAPABLE:
        raise AttributeProblem(f"Delivery protocol [{protocol.value}] does not support raw message delivery.")
    return value.lower()


def _filter_scope(value: str) -> str:
    if value not in (FilterScope.MESSAGE_ATTRIBUTES.value, FilterScope.MESSAGE_BODY.value):
        raise AttributeProblem(
            f"FilterPolicyScope: Invalid value [{value}]. Please use either MessageBody or MessageAttributes"
        )
    return value


def _json_object(name: str, value: str) -> dict[str, Any]:
    try:
        document = json.loads(value)
    except ValueError:
        message, _, location = describe_syntax_error(value).partition("\n at [Source: ")
        position = location.rpartition("; line: ")[2]
        # SNS hides the source text in the location it reports (recorded RedrivePolicy answer)
        where = f"\n at [Source: {_HIDDEN_SOURCE}; line: {position}" if position else ""
        raise AttributeProblem(f"{name}: failed to parse JSON. {message}{where}") from None
    if not isinstance(document, dict):
        raise AttributeProblem(f"{name}: failed to parse JSON.")
    return document


def _redrive_policy(value: str, topic: Topic) -> str:
    document = _json_object("RedrivePolicy", value)
    target = document.get("deadLetterTargetArn")
    parts = target.split(":") if isinstance(target, str) else []
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "sqs" or not parts[5]:
        raise AttributeProblem("RedrivePolicy: deadLetterTargetArn is an invalid arn")
    if topic.fifo and not parts[5].endswith(".fifo"):
        # "the dead-letter queue of a FIFO topic's subscription must be a FIFO queue" (recorded)
        raise AttributeProblem("RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.")
    return value


def _delivery_policy(value: str) -> str:
    document = _json_object("DeliveryPolicy", value)
    # SNS keeps a subscription's delivery policy in its full form, unset parts null (recorded)
    return compact(
        {
            "healthyRetryPolicy": document.get("healthyRetryPolicy"),
            "sicklyRetryPolicy": document.get("sicklyRetryPolicy"),
            "throttlePolicy": document.get("throttlePolicy"),
            "requestPolicy": document.get("requestPolicy"),
            "guaranteed": bool(document.get("guaranteed", False)),
        }
    )


def report(subscription: Subscription, topic: Topic | None) -> dict[str, str]:
    """Everything GetSubscriptionAttributes answers for ``subscription``."""
    values: dict[str, str] = {
        "SubscriptionArn": subscription.arn,
        "TopicArn": subscription.topic_arn,
        "Owner": subscription.owner,
        "Protocol": subscription.protocol.value,
        "Endpoint": subscription.endpoint,
        "ConfirmationWasAuthenticated": "true" if subscription.confirmed else "false",
        "PendingConfirmation": "false" if subscription.confirmed else "true",
        "RawMessageDelivery": "false",
        "SubscriptionPrincipal": f"arn:aws:iam::{subscription.owner}:root",
        **subscription.attributes,
    }
    if subscription.protocol in (Endpoint.HTTP, Endpoint.HTTPS):
        values["EffectiveDeliveryPolicy"] = compact(_effective(subscription, topic))
    return values


def _effective(subscription: Subscription, topic: Topic | None) -> dict[str, Any]:
    """The subscription's delivery policy over its topic's (recorded for an HTTP subscription)."""
    http = effective_delivery_policy(topic.attributes.get("DeliveryPolicy") if topic else None)["http"]
    own: dict[str, Any] = json.loads(subscription.attributes.get("DeliveryPolicy") or "{}")
    return {
        "healthyRetryPolicy": own.get("healthyRetryPolicy") or http["defaultHealthyRetryPolicy"],
        "sicklyRetryPolicy": own.get("sicklyRetryPolicy"),
        "throttlePolicy": own.get("throttlePolicy"),
        "requestPolicy": own.get("requestPolicy") or {"headerContentType": DEFAULT_CONTENT_TYPE},
        "guaranteed": bool(own.get("guaranteed", False)),
    }
