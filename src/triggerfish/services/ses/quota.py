"""Sending quota and statistics, counted from the stored messages.

SES counts every recipient of a message against the quota (developer guide, "Managing your Amazon
SES sending quotas"); statistics are "data points representing the last two weeks of sending
activity", each covering 15 minutes (GetSendStatistics).
"""

from __future__ import annotations

from collections.abc import Sequence

from triggerfish.services.ses.addresses import bare
from triggerfish.services.ses.models import DataPoint, Quota, SentMessage

#: a new account's sandbox limits: 200 messages per 24 hours, one per second (developer guide, "Sandbox")
SANDBOX_QUOTA = (200.0, 1.0)
#: what a production account starts with (developer guide, "Service quotas")
PRODUCTION_QUOTA = (50_000.0, 14.0)
DAY = 86_400.0
INTERVAL = 900.0
HISTORY = 14 * DAY

_BOUNCES = frozenset({"bounce@simulator.amazonses.com", "suppressionlist@simulator.amazonses.com"})
_COMPLAINTS = frozenset({"complaint@simulator.amazonses.com"})


def quota(messages: Sequence[SentMessage], now: float, *, sandbox: bool) -> Quota:
    max_24_hours, max_rate = SANDBOX_QUOTA if sandbox else PRODUCTION_QUOTA
    sent = sum(len(m.destination.all()) for m in messages if now - DAY < m.timestamp <= now)
    return Quota(max_24_hours, max_rate, float(sent))


def statistics(messages: Sequence[SentMessage], now: float) -> list[DataPoint]:
    buckets: dict[float, list[int]] = {}
    for message in messages:
        if not now - HISTORY < message.timestamp <= now:
            continue
        counts = buckets.setdefault(message.timestamp - message.timestamp % INTERVAL, [0, 0, 0])
        recipients = [bare(r).lower() for r in message.destination.all()]
        counts[0] += len(recipients)
        counts[1] += sum(1 for r in recipients if r in _BOUNCES)
        counts[2] += sum(1 for r in recipients if r in _COMPLAINTS)
    return [
        DataPoint(start, delivery_attempts=attempts, bounces=bounces, complaints=complaints)
        for start, (attempts, bounces, complaints) in sorted(buckets.items())
    ]
