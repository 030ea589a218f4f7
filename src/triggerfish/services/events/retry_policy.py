"""A target's retry policy and the backoff between its attempts (spec §4.4 "Retry & DLQ per target").

AWS documents the limits (``MaximumRetryAttempts`` 0–185, default 185; ``MaximumEventAgeInSeconds``
60–86,400, default 24 h) and "exponential back off and jitter", not the delays themselves. We double
the delay from ``base`` up to a ceiling of ten minutes' worth, with "equal jitter" (a random point in
the upper half), so that the default 185 retries span about the default 24 hours, as AWS's two
defaults suggest they do. ``base`` is the first retry's delay; tests and local users shrink it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from triggerfish.core.backoff import backoff_ceiling
from triggerfish.services.events.errors import RetryReason
from triggerfish.services.events.models import TargetSpec

DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185
DEFAULT_MAXIMUM_EVENT_AGE = 86_400

Jitter = Callable[[], float]


@dataclass(frozen=True)
class RetryPolicy:
    maximum_retry_attempts: int = DEFAULT_MAXIMUM_RETRY_ATTEMPTS
    maximum_event_age: float = DEFAULT_MAXIMUM_EVENT_AGE

    @classmethod
    def of(cls, spec: TargetSpec) -> RetryPolicy:
        """The target's ``RetryPolicy``; a member left out takes AWS's default."""
        policy = spec.get("RetryPolicy") or {}
        attempts = policy.get("MaximumRetryAttempts")
        age = policy.get("MaximumEventAgeInSeconds")
        return cls(
            DEFAULT_MAXIMUM_RETRY_ATTEMPTS if attempts is None else int(attempts),
            DEFAULT_MAXIMUM_EVENT_AGE if age is None else float(age),
        )

    def aged_out(self, ingestion_time: float, when: float) -> bool:
        """Whether an attempt at ``when`` would come after the event's maximum age."""
        return when - ingestion_time > self.maximum_event_age

    def give_up(self, attempts: int, ingestion_time: float, next_attempt: float) -> str | None:
        """Why to stop after ``attempts`` failed attempts rather than retry at ``next_attempt``,
        as the ``EXHAUSTED_RETRY_CONDITION`` names it, or ``None`` to retry."""
        # the first attempt is not a retry: MaximumRetryAttempts=0 means one attempt in all
        if attempts - 1 >= self.maximum_retry_attempts:
            return RetryReason.MAXIMUM_RETRY_ATTEMPTS
        if self.aged_out(ingestion_time, next_attempt):
            return RetryReason.MAXIMUM_EVENT_AGE
        return None


def retry_delay(retry: int, base: float, jitter: Jitter = random.random) -> float:
    """Seconds to wait before retry number ``retry`` (1 for the first retry).

    The ceiling doubles with every retry up to ``MAX_DELAY_FACTOR * base``; the delay is drawn from
    the ceiling's upper half, so until the ceiling is reached each retry waits at least as long as the
    one before.
    """
    return backoff_ceiling(retry, base) * (0.5 + 0.5 * jitter())
