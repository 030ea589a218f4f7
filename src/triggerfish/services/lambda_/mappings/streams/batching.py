"""Forming a batch from one lane's records (spec §7.1): up to BatchSize records of one shard, at most
6 MB of payload, never two tumbling windows in one batch, sent when full or when the batching window
(opened by the first record read) closes."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from triggerfish.services.lambda_.mappings.streams.records import Entry, fits
from triggerfish.services.lambda_.mappings.streams.windows import window_start


@dataclass(frozen=True)
class Plan:
    """What a lane should do now: ``take`` records at once, or wait until ``wait_until``."""

    take: int = 0
    wait_until: float | None = None


def plan(queue: deque[Entry], *, batch_size: int, batching_window: int, tumbling_window: int, now: float) -> Plan:
    if not queue:
        return Plan()
    count = 0
    size = 0
    window = window_start(queue[0].record.arrival, tumbling_window) if tumbling_window else None
    full = False
    for entry in queue:
        if count >= batch_size or not fits(entry.size, count, size):
            full = True
            break
        if window is not None and window_start(entry.record.arrival, tumbling_window) != window:
            # the rest belongs to the next window: no more records can join this batch
            full = True
            break
        count += 1
        size += entry.size
    if full or count >= batch_size or batching_window == 0:
        return Plan(take=count)
    closes = queue[0].read_at + batching_window
    if now >= closes:
        return Plan(take=count)
    return Plan(wait_until=closes)


def take(queue: deque[Entry], count: int) -> tuple[Entry, ...]:
    return tuple(queue.popleft() for _ in range(count))
