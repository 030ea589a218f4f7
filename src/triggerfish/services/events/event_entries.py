"""One PutEvents entry, checked (§4.2): accepted with its parsed detail, or failed with AWS's code.

Entry faults never fail the call: each becomes ``{"ErrorCode", "ErrorMessage"}`` at its own index.
Only the total size of the entries, and their number, fail the whole call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.models import Scope
from triggerfish.services.events.naming import BusRef, bus_ref

MAX_ENTRIES = 10
# "The total entry size must be less than 256KB" (Calculating PutEvents event entry size)
MAX_REQUEST_SIZE = 256 * 1024
TOO_LARGE = "Total size of the entries in the request is over the limit."
# nested JSON depth limit of the model's Detail documentation (spec §4.2)
MAX_DETAIL_DEPTH = 1000
_INT64 = range(-(2**63), 2**63)
_AWS_SOURCE = "aws."


@dataclass(frozen=True)
class EntryFailure:
    code: str
    message: str


@dataclass(frozen=True)
class Entry:
    """An accepted entry: where it goes and what its event says. ``time`` is ``None`` for "now"."""

    bus: BusRef
    source: str
    detail_type: str
    detail: dict[str, Any]
    resources: tuple[str, ...]
    time: float | None


def check_entries(entries: Sequence[Mapping[str, Any]], max_size: int = MAX_REQUEST_SIZE) -> None:
    """The checks that fail the whole call: how many entries, and their total size."""
    if not 1 <= len(entries) <= MAX_ENTRIES:
        bound = "greater than or equal to 1" if not entries else f"less than or equal to {MAX_ENTRIES}"
        raise ValidationException(
            "1 validation error detected: Value at 'entries' failed to satisfy constraint: "
            f"Member must have length {bound}"
        )
    if sum(entry_size(entry) for entry in entries) >= max_size:
        # recorded PutEvents answer for an oversized request (§4.2)
        raise ValidationException(TOO_LARGE)


def entry_size(entry: Mapping[str, Any]) -> int:
    """AWS's size of an entry: 14 bytes for a ``Time``, plus the UTF-8 of Source, DetailType, Detail
    and every resource (Calculating PutEvents event entry size)."""
    size = 14 if entry.get("Time") is not None else 0
    for member in ("Source", "DetailType", "Detail"):
        value = entry.get(member)
        if isinstance(value, str):
            size += len(value.encode("utf-8", "surrogatepass"))
    for resource in entry.get("Resources") or ():
        if isinstance(resource, str):
            size += len(resource.encode("utf-8", "surrogatepass"))
    return size


def read_entry(entry: Mapping[str, Any], scope: Scope) -> Entry | EntryFailure:
    for member in ("Source", "DetailType", "Detail"):
        if not entry.get(member):
            # observed: "Parameter Source is not valid. Reason: Source is a required argument." (§4.2)
            return EntryFailure(
                "InvalidArgument", f"Parameter {member} is not valid. Reason: {member} is a required argument."
            )
    detail = parse_detail(entry["Detail"])
    if detail is None:
        return EntryFailure("MalformedDetail", "Detail is malformed.")
    source: str = entry["Source"]
    if source.startswith(_AWS_SOURCE):
        # custom events may not claim an AWS service's source (observed PutEvents answer)
        return EntryFailure("NotAuthorizedForSourceException", "Not authorized for the source.")
    return Entry(
        bus=bus_ref(entry.get("EventBusName"), scope),
        source=source,
        detail_type=entry["DetailType"],
        detail=detail,
        resources=tuple(entry.get("Resources") or ()),
        time=_epoch(entry.get("Time")),
    )


def parse_detail(text: Any) -> dict[str, Any] | None:
    """The detail as an object, or ``None`` when it is not a JSON object EventBridge accepts."""
    if not isinstance(text, str):
        return None
    try:
        detail = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(detail, dict) or not _within_limits(detail):
        return None
    return detail


def _within_limits(document: dict[str, Any]) -> bool:
    """Nesting within the depth limit and every integer within int64 (spec §4.2)."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DETAIL_DEPTH:
                return False
            items = value.values() if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in items)
        elif isinstance(value, int) and not isinstance(value, bool) and value not in _INT64:
            return False
    return True


def _epoch(value: Any) -> float | None:
    """``Time`` as epoch seconds: the wire gives a datetime; Python callers may give a number or ISO text."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationException("Parameter Time is not valid.") from None
    if not isinstance(value, datetime):
        raise ValidationException("Parameter Time is not valid.")
    # a time without a zone is UTC, as every AWS timestamp is
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).timestamp()
