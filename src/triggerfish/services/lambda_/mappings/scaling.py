"""How many batches of one SQS mapping may be in flight at once (spec §2.2 scaling, §8).

AWS starts a standard-queue mapping at 5 concurrent batches and, while messages keep waiting, adds
up to 300 concurrent invokes per minute, to at most 1,000 per mapping; it never goes beyond
``ScalingConfig.MaximumConcurrency``, the function's reserved concurrency or the account's limit.
When the queue drains it scales back down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INITIAL_CONCURRENCY = 5
SCALE_UP_PER_MINUTE = 300
MAPPING_CEILING = 1000


@dataclass(frozen=True)
class ScalingPolicy:
    initial: int = INITIAL_CONCURRENCY
    per_minute: float = SCALE_UP_PER_MINUTE
    ceiling: int = MAPPING_CEILING


class Scaling:
    """The ramp of one running mapping: it grows while a backlog lasts and resets once drained."""

    def __init__(self, policy: ScalingPolicy) -> None:
        self._policy = policy
        self._backlog_since: float | None = None

    def backlogged(self, now: float) -> None:
        if self._backlog_since is None:
            self._backlog_since = now

    def drained(self) -> None:
        self._backlog_since = None

    def limit(self, now: float, maximum_concurrency: int | None, reserved: int | None) -> int:
        ramp = self._policy.initial
        if self._backlog_since is not None:
            ramp += math.floor(self._policy.per_minute * (now - self._backlog_since) / 60)
        return min(ramp, self.ceiling(maximum_concurrency, reserved))

    def ceiling(self, maximum_concurrency: int | None, reserved: int | None) -> int:
        """The most the ramp may ever reach for these bounds."""
        bounds = [self._policy.ceiling]
        if maximum_concurrency is not None:
            bounds.append(maximum_concurrency)
        if reserved is not None:
            bounds.append(reserved)
        return min(bounds)

    def next_step(self, now: float) -> float | None:
        """When the ramp next grows by one batch, or ``None`` while there is no backlog."""
        if self._backlog_since is None or self._policy.per_minute <= 0:
            return None
        grown = math.floor(self._policy.per_minute * (now - self._backlog_since) / 60)
        return self._backlog_since + (grown + 1) * 60 / self._policy.per_minute
