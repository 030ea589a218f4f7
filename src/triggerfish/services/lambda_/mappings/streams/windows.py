"""Tumbling windows (spec §7.1): windows aligned on record arrival, state carried from invoke to invoke."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from triggerfish.core.payloads.timestamps import iso_seconds
from triggerfish.services.lambda_.mappings.streams.checkpoints import WindowState
from triggerfish.services.lambda_.mappings.streams.records import Entry


def window_start(arrival: float, seconds: int) -> float:
    """The start of the window a record belongs to: ``floor(arrival / W) * W``."""
    return float(math.floor(arrival / seconds) * seconds)


def window_event(
    entries: Sequence[Entry],
    window: WindowState,
    seconds: int,
    *,
    shard_id: str,
    stream_arn: str,
    final: bool,
) -> dict[str, Any]:
    """The event of one windowed invoke, fields in the order AWS sends them (corpus time-window samples)."""
    return {
        "Records": [entry.body for entry in entries],
        "window": {"start": iso_seconds(window.start), "end": iso_seconds(window.start + seconds)},
        "state": window.state,
        "shardId": shard_id,
        "eventSourceARN": stream_arn,
        "isFinalInvokeForWindow": final,
        "isWindowTerminatedEarly": False,
    }
