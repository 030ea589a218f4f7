"""What a batch's invocation means for its messages: which are deleted, which come back (spec §2.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from triggerfish.core.queue_port import ReceivedMessage


@dataclass(frozen=True)
class Verdict:
    """``done`` are deleted; ``failed`` stay in flight and return after their visibility timeout."""

    done: tuple[ReceivedMessage, ...]
    failed: tuple[ReceivedMessage, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


def judge(
    batch: Sequence[ReceivedMessage],
    payload: bytes,
    function_error: str | None,
    *,
    report_item_failures: bool,
    fifo: bool,
) -> Verdict:
    # Any function error (or timeout) fails the whole batch, item failures or not (spec §2.2).
    if function_error is not None:
        return Verdict((), tuple(batch))
    if not report_item_failures:
        return Verdict(tuple(batch), ())
    failed_ids = _reported_failures(payload, {m.message_id for m in batch})
    if failed_ids is None:
        return Verdict((), tuple(batch))
    if not failed_ids:
        return Verdict(tuple(batch), ())
    if fifo:
        # FIFO: the first failure and every message after it return, so order holds (spec §2.2).
        first = next(i for i, m in enumerate(batch) if m.message_id in failed_ids)
        return Verdict(tuple(batch[:first]), tuple(batch[first:]))
    done = tuple(m for m in batch if m.message_id not in failed_ids)
    failed = tuple(m for m in batch if m.message_id in failed_ids)
    return Verdict(done, failed)


def _reported_failures(payload: bytes, ids: set[str]) -> set[str] | None:
    """The ids the response lists; an empty set for complete success, ``None`` for complete failure.

    ReportBatchItemFailures (spec §2.2): null, ``{}``, a null or empty list are success; invalid JSON,
    an entry without a non-empty ``itemIdentifier``, or an id not in the batch fail the whole batch.
    """
    try:
        response: Any = orjson.loads(payload) if payload.strip() else None
    except orjson.JSONDecodeError:
        return None
    if response is None:
        return set()
    if not isinstance(response, dict):
        return None
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return None
    found: set[str] = set()
    for entry in failures:
        identifier = entry.get("itemIdentifier") if isinstance(entry, dict) else None
        if not isinstance(identifier, str) or not identifier or identifier not in ids:
            return None
        found.add(identifier)
    return found
