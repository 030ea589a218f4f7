"""EventBridge events as rule targets receive them: custom events and scheduled events (spec §4.1, §4.6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NotRequired, TypedDict

from triggerfish.core.payloads.timestamps import iso_seconds

_ReplayName = TypedDict("_ReplayName", {"replay-name": str}, total=False)

EventBridgeEvent = TypedDict(
    "EventBridgeEvent",
    {
        "version": str,
        "id": str,
        "detail-type": str,
        "source": str,
        "account": str,
        "time": str,
        "region": str,
        "replay-name": NotRequired[str],
        "resources": list[str],
        "detail": dict[str, Any],
    },
)

SCHEDULED_EVENT_DETAIL_TYPE = "Scheduled Event"
SCHEDULED_EVENT_SOURCE = "aws.events"


def rule_arn_for(*, region: str, account: str, rule: str, bus: str = "default") -> str:
    """A rule's ARN: rules on a custom bus carry the bus name in the resource (``rule/<bus>/<rule>``)."""
    resource = f"rule/{rule}" if bus == "default" else f"rule/{bus}/{rule}"
    return f"arn:aws:events:{region}:{account}:{resource}"


def eventbridge_event(
    *,
    event_id: str,
    source: str,
    detail_type: str,
    detail: Mapping[str, Any],
    account: str,
    region: str,
    time: float,
    resources: Iterable[str] = (),
    replay_name: str | None = None,
) -> EventBridgeEvent:
    """The envelope in AWS's key order; ``time`` is written to the second (§4.1)."""
    # a replayed event carries "replay-name", placed before "resources" (§4.1)
    replay: _ReplayName = {} if replay_name is None else {"replay-name": replay_name}
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": iso_seconds(time),
        "region": region,
        **replay,
        "resources": list(resources),
        "detail": dict(detail),
    }


def scheduled_event(*, event_id: str, rule_arn: str, account: str, region: str, time: float) -> EventBridgeEvent:
    """What a schedule rule hands its targets: ``time`` is the scheduled time, ``detail`` is empty (§4.6)."""
    return eventbridge_event(
        event_id=event_id,
        source=SCHEDULED_EVENT_SOURCE,
        detail_type=SCHEDULED_EVENT_DETAIL_TYPE,
        detail={},
        account=account,
        region=region,
        time=time,
        resources=[rule_arn],
    )
