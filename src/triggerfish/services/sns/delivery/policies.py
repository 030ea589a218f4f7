"""Delivery retry policies: when SNS tries a failed delivery again, and what an HTTP/S POST carries.

spec §5.5 ("Amazon SNS message delivery retries"): a policy has four phases after the first attempt:
retries with no delay, retries ``minDelayTarget`` apart, a backoff phase whose delays grow from
``minDelayTarget`` to ``maxDelayTarget`` along ``backoffFunction``, and retries ``maxDelayTarget``
apart; ``numRetries`` counts them all. Lambda and SQS endpoints get the fixed AWS-managed policy;
only HTTP/S endpoints take a ``DeliveryPolicy`` (the subscription's ``healthyRetryPolicy``, else
the topic's ``http.defaultHealthyRetryPolicy``, else AWS's default of 3 retries 20 s apart).
AWS jitters its delays; ours are exact, so tests can name each due time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from triggerfish.services.sns.models import Endpoint, Subscription, Topic

DEFAULT_CONTENT_TYPE = "text/plain; charset=UTF-8"


class Backoff(StrEnum):
    LINEAR = "linear"
    ARITHMETIC = "arithmetic"
    GEOMETRIC = "geometric"
    EXPONENTIAL = "exponential"


@dataclass(frozen=True)
class RetryPolicy:
    """A ``healthyRetryPolicy``, in seconds."""

    min_delay: float
    max_delay: float
    num_retries: int
    num_no_delay: int = 0
    num_min_delay: int = 0
    num_max_delay: int = 0
    backoff: Backoff = Backoff.LINEAR

    @property
    def num_backoff(self) -> int:
        return max(0, self.num_retries - self.num_no_delay - self.num_min_delay - self.num_max_delay)

    def delay_before(self, retry: int) -> float | None:
        """Seconds to wait before retry number ``retry`` (1 for the first), or ``None`` when the policy
        allows no such retry."""
        if retry < 1 or retry > self.num_retries:
            return None
        if retry <= self.num_no_delay:
            return 0.0
        retry -= self.num_no_delay
        if retry <= self.num_min_delay:
            return self.min_delay
        retry -= self.num_min_delay
        steps = self.num_backoff
        if retry <= steps:
            return self._backoff_delay(retry, steps)
        return self.max_delay

    def _backoff_delay(self, step: int, steps: int) -> float:
        # AWS publishes the four curves only as a graph ("backoff-graph.png"): each rises from the
        # minimum to the maximum delay over the backoff phase. Ours: linear is a straight line,
        # arithmetic a parabola (slow start), geometric a square root (fast start), exponential a
        # constant ratio between consecutive delays.
        low, high = self.min_delay, self.max_delay
        progress = step / steps
        if self.backoff is Backoff.EXPONENTIAL and low > 0:
            return float(low * (high / low) ** progress)
        if self.backoff is Backoff.ARITHMETIC:
            progress = progress * progress
        elif self.backoff is Backoff.GEOMETRIC:
            progress = math.sqrt(progress)
        return low + (high - low) * progress


#: Lambda, SQS, Firehose: 3 immediate, 2 at 1 s, 10 exponential 1 → 20 s, 100,000 at 20 s (spec §5.5)
AWS_MANAGED = RetryPolicy(1.0, 20.0, 100_015, 3, 2, 100_000, Backoff.EXPONENTIAL)
#: SMTP, SMS, mobile push: 0 immediate, 2 at 10 s, 10 exponential 10 → 600 s, 38 at 600 s (spec §5.5)
CUSTOMER_MANAGED = RetryPolicy(10.0, 600.0, 50, 0, 2, 38, Backoff.EXPONENTIAL)
#: HTTP/S without a DeliveryPolicy: "up to three retries ... 20 seconds" (SNS guide, HTTP/S step 4), as
#: the recorded EffectiveDeliveryPolicy shows it
HTTP_DEFAULT = RetryPolicy(20.0, 20.0, 3, 0, 0, 0, Backoff.LINEAR)


def retry_policy(topic: Topic, subscription: Subscription) -> RetryPolicy:
    """The policy that applies to deliveries to ``subscription``."""
    if subscription.protocol in (Endpoint.HTTP, Endpoint.HTTPS):
        return parse_healthy_policy(
            _http_section(topic, subscription, "healthyRetryPolicy", "defaultHealthyRetryPolicy")
        )
    if subscription.protocol.aws_managed:
        return AWS_MANAGED
    return CUSTOMER_MANAGED


def content_type(topic: Topic, subscription: Subscription) -> str:
    """The ``Content-Type`` of notifications POSTed to an HTTP/S subscriber (``requestPolicy``)."""
    section = _http_section(topic, subscription, "requestPolicy", "defaultRequestPolicy")
    value = section.get("headerContentType") if section else None
    return value if isinstance(value, str) and value else DEFAULT_CONTENT_TYPE


def parse_healthy_policy(policy: Mapping[str, Any] | None) -> RetryPolicy:
    """A ``healthyRetryPolicy`` object; absent or unreadable fields take AWS's defaults."""
    if not policy:
        return HTTP_DEFAULT
    base = HTTP_DEFAULT
    min_delay = _number(policy.get("minDelayTarget"), base.min_delay)
    max_delay = max(min_delay, _number(policy.get("maxDelayTarget"), base.max_delay))
    try:
        backoff = Backoff(str(policy.get("backoffFunction", base.backoff.value)).lower())
    except ValueError:
        backoff = base.backoff
    return RetryPolicy(
        min_delay=min_delay,
        max_delay=max_delay,
        num_retries=int(_number(policy.get("numRetries"), base.num_retries)),
        num_no_delay=int(_number(policy.get("numNoDelayRetries"), 0)),
        num_min_delay=int(_number(policy.get("numMinDelayRetries"), 0)),
        num_max_delay=int(_number(policy.get("numMaxDelayRetries"), 0)),
        backoff=backoff,
    )


def _http_section(topic: Topic, subscription: Subscription, own: str, default: str) -> Mapping[str, Any] | None:
    """The subscription's ``own`` section of its DeliveryPolicy, unless absent or overridden by the
    topic's ``http.disableSubscriptionOverrides``; then the topic's ``http.<default>``."""
    topic_http = _object(_json(topic.attributes.get("DeliveryPolicy")).get("http"))
    if not topic_http.get("disableSubscriptionOverrides"):
        section = _object(_json(subscription.attributes.get("DeliveryPolicy")).get(own))
        if section:
            return section
    return _object(topic_http.get(default)) or None


def _json(text: str | None) -> Mapping[str, Any]:
    if not text:
        return {}
    try:
        return _object(json.loads(text))
    except ValueError:
        return {}


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return max(0.0, float(value))
