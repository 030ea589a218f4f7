"""Delivery retry policies (spec §5.5): the delay before each retry, for every phase and curve, and
which DeliveryPolicy applies."""

from __future__ import annotations

import itertools
import json

import pytest

from triggerfish.services.sns.delivery.policies import (
    AWS_MANAGED,
    CUSTOMER_MANAGED,
    DEFAULT_CONTENT_TYPE,
    HTTP_DEFAULT,
    Backoff,
    RetryPolicy,
    content_type,
    parse_healthy_policy,
    retry_policy,
)
from triggerfish.services.sns.models import Endpoint, Subscription, Topic

TOPIC_ARN = "arn:aws:sns:us-east-1:000000000000:orders"


def _topic(**attributes: str) -> Topic:
    return Topic(TOPIC_ARN, "orders", "000000000000", "us-east-1", attributes=attributes)


def _subscription(protocol: Endpoint, **attributes: str) -> Subscription:
    return Subscription(f"{TOPIC_ARN}:sub", TOPIC_ARN, protocol, "http://127.0.0.1/x", "000000000000", attributes)


def _delays(policy: RetryPolicy) -> list[float]:
    return [round(d, 6) for n in range(1, policy.num_retries + 1) if (d := policy.delay_before(n)) is not None]


def test_the_aws_managed_policy_has_its_four_phases() -> None:
    delays = [AWS_MANAGED.delay_before(n) for n in range(1, 21)]
    assert delays[:3] == [0.0, 0.0, 0.0]
    assert delays[3:5] == [1.0, 1.0]
    backoff = delays[5:15]
    assert backoff == sorted(backoff) and backoff[-1] == pytest.approx(20.0) and backoff[0] > 1.0
    # exponential: a constant ratio between consecutive delays
    ratios = {round(b / a, 9) for a, b in itertools.pairwise(backoff) if a is not None and b is not None}
    assert len(ratios) == 1
    assert delays[15:] == [20.0] * 5
    assert AWS_MANAGED.delay_before(100_015) == 20.0
    assert AWS_MANAGED.delay_before(100_016) is None


def test_the_customer_managed_policy_retries_50_times_over_about_six_hours() -> None:
    delays = _delays(CUSTOMER_MANAGED)
    assert len(delays) == 50
    assert delays[:2] == [10.0, 10.0]
    assert delays[11] == pytest.approx(600.0) and delays[12:] == [600.0] * 38
    assert 6 * 3600 <= sum(delays) <= 7 * 3600


def test_http_endpoints_default_to_three_retries_20_seconds_apart() -> None:
    assert _delays(HTTP_DEFAULT) == [20.0, 20.0, 20.0]
    assert HTTP_DEFAULT.delay_before(4) is None
    assert retry_policy(_topic(), _subscription(Endpoint.HTTPS)) == HTTP_DEFAULT
    assert retry_policy(_topic(), _subscription(Endpoint.SQS)) is AWS_MANAGED
    assert retry_policy(_topic(), _subscription(Endpoint.LAMBDA)) is AWS_MANAGED
    assert retry_policy(_topic(), _subscription(Endpoint.EMAIL)) is CUSTOMER_MANAGED


@pytest.mark.parametrize("backoff", list(Backoff))
def test_each_backoff_curve_rises_from_the_minimum_to_the_maximum(backoff: Backoff) -> None:
    policy = RetryPolicy(10.0, 110.0, num_retries=7, num_no_delay=1, num_min_delay=1, num_max_delay=1, backoff=backoff)
    delays = _delays(policy)
    assert delays[0] == 0.0 and delays[1] == 10.0 and delays[-1] == 110.0
    backoff_phase = delays[2:6]
    assert backoff_phase == sorted(backoff_phase) and backoff_phase[-1] == 110.0
    if backoff is Backoff.LINEAR:
        assert backoff_phase == [35.0, 60.0, 85.0, 110.0]
    elif backoff is Backoff.ARITHMETIC:
        assert backoff_phase == [16.25, 35.0, 66.25, 110.0]
    elif backoff is Backoff.GEOMETRIC:
        assert backoff_phase == pytest.approx([60.0, 80.710678, 96.602540, 110.0])
    else:
        assert backoff_phase == pytest.approx([10.0 * 11 ** (k / 4) for k in range(1, 5)])


def test_the_curves_order_as_aws_draws_them() -> None:
    # geometric rises fastest at first, exponential slowest
    def first(backoff: Backoff) -> float:
        delay = RetryPolicy(1.0, 100.0, 10, backoff=backoff).delay_before(2)
        assert delay is not None
        return delay

    assert first(Backoff.GEOMETRIC) > first(Backoff.LINEAR) > first(Backoff.ARITHMETIC) > first(Backoff.EXPONENTIAL)


def test_a_healthy_retry_policy_is_read_with_defaults_for_what_it_leaves_out() -> None:
    assert parse_healthy_policy({"numRetries": 5}) == RetryPolicy(20.0, 20.0, 5)
    parsed = parse_healthy_policy(
        {
            "minDelayTarget": 1,
            "maxDelayTarget": 60,
            "numRetries": 10,
            "numNoDelayRetries": 2,
            "numMinDelayRetries": 3,
            "numMaxDelayRetries": 1,
            "backoffFunction": "exponential",
        }
    )
    assert parsed == RetryPolicy(1.0, 60.0, 10, 2, 3, 1, Backoff.EXPONENTIAL)
    assert parse_healthy_policy({"backoffFunction": "sideways", "numRetries": "x"}) == HTTP_DEFAULT
    assert parse_healthy_policy(None) == HTTP_DEFAULT


def test_the_subscription_policy_wins_unless_the_topic_disables_overrides() -> None:
    own = json.dumps({"healthyRetryPolicy": {"numRetries": 1, "minDelayTarget": 5, "maxDelayTarget": 5}})
    topic_policy = {"http": {"defaultHealthyRetryPolicy": {"numRetries": 7}}}
    subscription = _subscription(Endpoint.HTTP, DeliveryPolicy=own)
    assert retry_policy(_topic(DeliveryPolicy=json.dumps(topic_policy)), subscription) == RetryPolicy(5.0, 5.0, 1)
    assert retry_policy(_topic(DeliveryPolicy=json.dumps(topic_policy)), _subscription(Endpoint.HTTP)) == RetryPolicy(
        20.0, 20.0, 7
    )
    locked = {"http": {**topic_policy["http"], "disableSubscriptionOverrides": True}}
    assert retry_policy(_topic(DeliveryPolicy=json.dumps(locked)), subscription) == RetryPolicy(20.0, 20.0, 7)
    # a recorded subscription policy with "healthyRetryPolicy": null falls back to the topic's
    nulled = _subscription(Endpoint.HTTP, DeliveryPolicy=json.dumps({"healthyRetryPolicy": None}))
    assert retry_policy(_topic(), nulled) == HTTP_DEFAULT


def test_the_content_type_comes_from_the_request_policy() -> None:
    assert content_type(_topic(), _subscription(Endpoint.HTTP)) == DEFAULT_CONTENT_TYPE
    topic = _topic(
        DeliveryPolicy=json.dumps({"http": {"defaultRequestPolicy": {"headerContentType": "application/json"}}})
    )
    assert content_type(topic, _subscription(Endpoint.HTTP)) == "application/json"
    own = json.dumps({"requestPolicy": {"headerContentType": "text/csv"}})
    assert content_type(topic, _subscription(Endpoint.HTTP, DeliveryPolicy=own)) == "text/csv"
    assert content_type(_topic(DeliveryPolicy="not json"), _subscription(Endpoint.HTTP)) == DEFAULT_CONTENT_TYPE
