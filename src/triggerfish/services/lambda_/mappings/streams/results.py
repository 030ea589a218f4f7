"""What an invocation's response means for a stream batch (spec §7.1 ReportBatchItemFailures, tumbling windows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True)
class Outcome:
    """``failed_from``: ``None`` when the whole batch succeeded; otherwise the index of the first record to
    retry (0 for the whole batch). ``state`` is the tumbling-window state the function returned."""

    failed_from: int | None
    state: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.failed_from is None


WHOLE_BATCH = Outcome(0)


def judge(
    sequence_numbers: Sequence[str],
    payload: bytes,
    function_error: str | None,
    *,
    report_item_failures: bool,
    windowed: bool = False,
) -> Outcome:
    # A function error fails the whole batch, item failures or not (spec §7.1).
    if function_error is not None:
        return WHOLE_BATCH
    response = _parse(payload)
    if response is _INVALID:
        return WHOLE_BATCH if report_item_failures or windowed else Outcome(None)
    state: dict[str, Any] | None = None
    if windowed:
        # Tumbling windows: the response must carry the window's new state; without it the batch fails (§7.1).
        state = response.get("state") if isinstance(response, dict) else None
        if not isinstance(state, dict):
            return WHOLE_BATCH
    if not report_item_failures:
        return Outcome(None, state)
    failed = _lowest_failure(response, sequence_numbers)
    return Outcome(failed, state)


_INVALID = object()


def _parse(payload: bytes) -> Any:
    try:
        return orjson.loads(payload) if payload.strip() else None
    except orjson.JSONDecodeError:
        return _INVALID


def _lowest_failure(response: Any, sequence_numbers: Sequence[str]) -> int | None:
    """The index of the lowest reported record; ``None`` for success, 0 when the whole batch failed.

    ReportBatchItemFailures for streams (spec §7.1, recorded AWS answers): null, ``""``, ``[]``, ``{}``,
    a null or empty list are success; an entry whose ``itemIdentifier`` is missing, null, empty, not a
    string or not a sequence number of the batch fails the whole batch.
    """
    if response is None or response == "" or response == [] or response == {}:
        return None
    if not isinstance(response, dict):
        return 0
    failures = response.get("batchItemFailures")
    if failures is None:
        return None
    if not isinstance(failures, list):
        return 0
    if not failures:
        return None
    index = {sequence: i for i, sequence in enumerate(sequence_numbers)}
    lowest: int | None = None
    for entry in failures:
        identifier = entry.get("itemIdentifier") if isinstance(entry, dict) else None
        if not isinstance(identifier, str) or identifier not in index:
            return 0
        at = index[identifier]
        lowest = at if lowest is None else min(lowest, at)
    return lowest
