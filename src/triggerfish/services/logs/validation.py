"""The rules CloudWatch Logs checks names, retention values and PutLogEvents batches against."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from triggerfish.services.logs.errors import InvalidParameter
from triggerfish.services.logs.models import RejectedInfo

# LogGroupName: 1-512 of [.-_/#A-Za-z0-9]; LogStreamName and FilterName: 1-512, no ':' or '*' (botocore model)
_GROUP_NAME = re.compile(r"[\.\-_/#A-Za-z0-9]{1,512}")
_CHILD_NAME = re.compile(r"[^:*]{1,512}")

# the values PutRetentionPolicy takes (Days shape, Logs API reference)
RETENTION_DAYS = (
    *(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545),
    *(731, 1096, 1827, 2192, 2557, 2922, 3288, 3653),
)
LOG_GROUP_CLASSES = ("STANDARD", "INFREQUENT_ACCESS", "DELIVERY")
DISTRIBUTIONS = ("Random", "ByLogStream")

# PutLogEvents batch constraints (Logs API reference, PutLogEvents)
MAX_BATCH_EVENTS = 10_000
MAX_BATCH_BYTES = 1_048_576
EVENT_OVERHEAD = 26
MAX_EVENT_BYTES = 1_048_576
MAX_PAST_MS = 14 * 24 * 3600 * 1000
MAX_FUTURE_MS = 2 * 3600 * 1000
MAX_SPAN_MS = 24 * 3600 * 1000
DAY_MS = 24 * 3600 * 1000


def check_group_name(name: str, member: str = "logGroupName") -> None:
    if not _GROUP_NAME.fullmatch(name):
        raise InvalidParameter(_constraint(name, member, r"[\.\-_/#A-Za-z0-9]+"))


def check_child_name(name: str, member: str) -> None:
    if not _CHILD_NAME.fullmatch(name):
        raise InvalidParameter(_constraint(name, member, "[^:*]*"))


def check_retention(days: int) -> None:
    if days not in RETENTION_DAYS:
        values = ", ".join(str(value) for value in RETENTION_DAYS)
        # worded as Logs' model validation answers an unknown retention value
        raise InvalidParameter(
            f"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{values}]"
        )


def check_group_class(value: str) -> None:
    if value not in LOG_GROUP_CLASSES:
        raise InvalidParameter(
            f"1 validation error detected: Value '{value}' at 'logGroupClass' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(LOG_GROUP_CLASSES)}]"
        )


def check_distribution(value: str) -> None:
    if value not in DISTRIBUTIONS:
        raise InvalidParameter(
            f"1 validation error detected: Value '{value}' at 'distribution' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(DISTRIBUTIONS)}]"
        )


def check_batch(events: Sequence[tuple[int, str]]) -> None:
    """The constraints that fail the whole PutLogEvents request."""
    if not events:
        raise InvalidParameter(
            "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1"
        )
    if len(events) > MAX_BATCH_EVENTS:
        raise InvalidParameter(
            f"1 validation error detected: Value at 'logEvents' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_BATCH_EVENTS}"
        )
    total = 0
    for _, message in events:
        size = len(message.encode("utf-8"))
        if size > MAX_EVENT_BYTES:
            # "Log event too large: <n> bytes exceeds limit of <limit>" (Logs' answer, SDK issue reports)
            raise InvalidParameter(f"Log event too large: {size} bytes exceeds limit of {MAX_EVENT_BYTES}")
        if size == 0:
            raise InvalidParameter(
                "1 validation error detected: Value '' at 'logEvents.member.message' failed to satisfy constraint: "
                "Member must have length greater than or equal to 1"
            )
        total += size + EVENT_OVERHEAD
    if total > MAX_BATCH_BYTES:
        # batch size = UTF-8 message bytes + 26 per event; "Upload too large: ..." (SDK issue reports)
        raise InvalidParameter(f"Upload too large: {total} bytes exceeds limit of {MAX_BATCH_BYTES}")
    timestamps = [timestamp for timestamp, _ in events]
    if any(later < earlier for earlier, later in itertools.pairwise(timestamps)):
        # the batch must be in chronological order, otherwise the operation fails (PutLogEvents)
        raise InvalidParameter("Log events in a single PutLogEvents request must be in chronological order.")


def rejected(events: Sequence[tuple[int, str]], now_ms: int, retention_days: int | None) -> RejectedInfo | None:
    """Which events (a prefix and a suffix of the chronological batch) are rejected while the rest is
    stored: more than 2 hours ahead, more than 14 days old, older than the group's retention (PutLogEvents)."""
    timestamps = [timestamp for timestamp, _ in events]
    too_old_end = _count_while(timestamps, lambda ts: ts < now_ms - MAX_PAST_MS)
    expired_end = too_old_end
    if retention_days is not None:
        expired_end = max(too_old_end, _count_while(timestamps, lambda ts: ts <= now_ms - retention_days * DAY_MS))
    too_new = [index for index, ts in enumerate(timestamps) if ts > now_ms + MAX_FUTURE_MS]
    too_new_start = too_new[0] if too_new else None
    valid = timestamps[expired_end : too_new_start if too_new_start is not None else len(timestamps)]
    if valid and valid[-1] - valid[0] > MAX_SPAN_MS:
        # for valid events, the batch may not span more than 24 hours (PutLogEvents; Logs' wording from issue reports)
        raise InvalidParameter(
            "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."
        )
    if too_old_end == 0 and expired_end == 0 and too_new_start is None:
        return None
    return RejectedInfo(
        too_new_start=too_new_start,
        too_old_end=too_old_end or None,
        expired_end=expired_end if expired_end > too_old_end else None,
    )


def _count_while(values: Sequence[int], predicate: Callable[[int], bool]) -> int:
    count = 0
    for value in values:
        if not predicate(value):
            break
        count += 1
    return count


def _constraint(value: str, member: str, pattern: str) -> str:
    # the model-validation wording Logs answers with ("1 validation error detected: ...")
    return (
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}"
    )
