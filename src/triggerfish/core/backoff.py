"""The backoff of target retries: EventBridge and Scheduler both retry with exponential backoff
(spec §4.4, §4.7) without publishing their delays. Ours doubles from a base delay and levels off at
600 times it (ten minutes at the local one second), so the default 185 retries reach the default
24-hour event age, as AWS's two defaults suggest."""

from __future__ import annotations

#: the ceiling, as a multiple of the base delay
MAX_DELAY_FACTOR = 600


def backoff_ceiling(retry: int, base: float) -> float:
    """The longest wait before retry number ``retry`` (1 for the first): ``base`` doubled ``retry - 1``
    times, at most ``MAX_DELAY_FACTOR * base``."""
    return base * min(2.0 ** min(max(0, retry - 1), 64), MAX_DELAY_FACTOR)
