"""Retention deletes a group's expired events on the clock, from the index and the stream log."""

from __future__ import annotations

from triggerfish.core.clock import VirtualClock
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.models import store_stream
from triggerfish.store.interfaces import Store

REGION = "us-east-1"
DAY = 24 * 3600


async def _messages(logs: LogsService) -> list[str]:
    return [e.message for e in logs.filter_log_events(REGION, ["g"]).events]


async def test_events_expire_when_their_retention_runs_out(
    logs: LogsService, clock: VirtualClock, store: Store
) -> None:
    now = round(clock.now() * 1000)
    await logs.create_log_group(REGION, "g")
    await logs.create_log_stream(REGION, "g", "s")
    await logs.put_retention_policy(REGION, "g", 1)
    await logs.put_log_events(REGION, "g", "s", [(now - 3600_000, "older"), (now, "newer")])
    assert logs.retention.next_expiry() == (now - 3600_000) / 1000 + DAY
    await clock.advance(DAY - 3601)
    assert await _messages(logs) == ["older", "newer"]
    await clock.advance(2)
    assert await _messages(logs) == ["newer"]
    assert [r.data for r in await store.streams.read(store_stream(REGION, "g"), "s", after=None, limit=10)] == [
        b"newer"
    ]
    await clock.advance(3600)
    assert await _messages(logs) == []
    assert logs.log_group(REGION, "g").stored_bytes == 0
    assert logs.retention.next_expiry() is None


async def test_a_new_policy_expires_old_events_at_once(logs: LogsService, clock: VirtualClock) -> None:
    now = round(clock.now() * 1000)
    await logs.create_log_group(REGION, "g")
    await logs.create_log_stream(REGION, "g", "s")
    await logs.put_log_events(REGION, "g", "s", [(now - 2 * DAY * 1000, "two days old")])
    await logs.put_log_events(REGION, "g", "s", [(now, "fresh")])
    await clock.advance(10 * DAY)
    assert await _messages(logs) == ["two days old", "fresh"]
    await logs.put_retention_policy(REGION, "g", 5)
    await clock.advance(0)
    assert await _messages(logs) == []


async def test_groups_without_retention_keep_everything(logs: LogsService, clock: VirtualClock) -> None:
    now = round(clock.now() * 1000)
    await logs.create_log_group(REGION, "g")
    await logs.create_log_stream(REGION, "g", "s")
    await logs.put_log_events(REGION, "g", "s", [(now, "kept")])
    await clock.advance(4000 * DAY)
    assert await _messages(logs) == ["kept"]
