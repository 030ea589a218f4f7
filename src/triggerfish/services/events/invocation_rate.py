"""``InvocationRateLimitPerSecond``: a token bucket per API destination, on the injected clock.

A call over the rate waits for its turn instead of failing: EventBridge holds back events beyond the
rate and delivers them later (user guide, "How invocation rate affects event delivery"). The bucket
holds up to one second of calls; a call that finds it empty reserves the next token and sleeps until
that token is due, so waiting callers go in arrival order.
"""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.core.clock import Clock


@dataclass(frozen=True)
class _Bucket:
    tokens: float
    at: float


class InvocationRate:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def reserve(self, key: str, rate: int) -> float:
        """Take a token for ``key``; returns when the call may go (now, or later when over the rate)."""
        now = self._clock.now()
        bucket = self._buckets.get(key, _Bucket(float(rate), now))
        tokens = min(float(rate), bucket.tokens + (now - bucket.at) * rate) - 1.0
        self._buckets[key] = _Bucket(tokens, now)
        return now if tokens >= 0 else now - tokens / rate

    async def acquire(self, key: str, rate: int) -> None:
        due = self.reserve(key, rate)
        if due > self._clock.now():
            await self._clock.sleep_until(due)

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)
