"""CloudWatch Logs state survives a restart on a real SQLite file: groups, streams, events (in order,
with their ids), retention, tags, subscription filters, function output stored in the background,
and positions that keep growing."""

from __future__ import annotations

from pathlib import Path

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.runtime.logs import LogEvent
from triggerfish.services.logs import LogsService
from triggerfish.store.factory import open_store

REGION = "us-east-1"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:shipper"


class _Lambda:
    async def deliver(self, arn: str, delivery: Delivery) -> None:
        pass

    def exists(self, arn: str) -> bool:
        return arn == FUNCTION_ARN


def _deliveries() -> DeliveryRegistry:
    registry = DeliveryRegistry()
    registry.register("lambda", _Lambda())
    return registry


async def test_everything_comes_back_after_a_restart(tmp_path: Path) -> None:
    clock = VirtualClock()
    now = round(clock.now() * 1000)
    store = open_store(tmp_path)
    await store.open()
    logs = LogsService(store, clock, _deliveries(), WorkTracker())
    await logs.start()
    await logs.ready()
    await logs.create_log_group(REGION, "app", tags={"team": "a"})
    await logs.put_retention_policy(REGION, "app", 30)
    await logs.create_log_stream(REGION, "app", "s1")
    await logs.create_log_stream(REGION, "app", "s2")
    await logs.put_log_events(REGION, "app", "s1", [(now - 5, "one"), (now - 1, "three")])
    await logs.put_log_events(REGION, "app", "s2", [(now - 3, "two")])
    await logs.put_subscription_filter(REGION, "app", "errors", "ERROR", FUNCTION_ARN)
    # a stream deleted and re-created under the same name starts empty, also after the restart
    await logs.create_log_stream(REGION, "app", "gone")
    await logs.put_log_events(REGION, "app", "gone", [(now, "deleted")])
    await logs.delete_log_stream(REGION, "app", "gone")
    await logs.create_log_stream(REGION, "app", "gone")
    logs.sink.emit(LogEvent("fn", "/aws/lambda/fn", "2024/05/01/[$LATEST]ab", now / 1000, "START\nEND\n"))
    before = logs.filter_log_events(REGION, ["app"]).events
    await logs.close()
    await store.close()

    store = open_store(tmp_path)
    await store.open()
    logs = LogsService(store, clock, _deliveries(), WorkTracker())
    await logs.start()
    await logs.ready()
    try:
        group = logs.log_group(REGION, "app")
        assert (group.retention_days, dict(group.tags), group.stored_bytes) == (30, {"team": "a"}, 11)
        assert [s.name for s in logs.describe_log_streams(REGION, "app")] == ["gone", "s1", "s2"]
        after = logs.filter_log_events(REGION, ["app"]).events
        assert after == before
        assert [e.message for e in after] == ["one", "two", "three"]
        assert logs.get_log_events(REGION, "app", "gone")[0] == []
        [item] = logs.describe_subscription_filters(REGION, "app")
        assert (item.name, item.pattern, item.destination_arn) == ("errors", "ERROR", FUNCTION_ARN)
        function_events = logs.get_log_events(REGION, "/aws/lambda/fn", "2024/05/01/[$LATEST]ab")[0]
        assert [e.message for e in function_events] == ["START\n", "END\n"]
        # positions continue after the highest stored one
        assert logs.latest_position(REGION, "app") == 4
        await logs.put_log_events(REGION, "app", "s1", [(now, "four")])
        assert logs.latest_position(REGION, "app") == 5
    finally:
        await logs.close()
        await store.close()


async def test_a_deleted_group_stays_deleted(tmp_path: Path) -> None:
    clock = VirtualClock()
    store = open_store(tmp_path)
    await store.open()
    logs = LogsService(store, clock, _deliveries(), WorkTracker())
    await logs.start()
    await logs.ready()
    await logs.create_log_group(REGION, "app")
    await logs.create_log_stream(REGION, "app", "s")
    await logs.put_log_events(REGION, "app", "s", [(round(clock.now() * 1000), "x")])
    await logs.delete_log_group(REGION, "app")
    await logs.close()
    await store.close()

    store = open_store(tmp_path)
    await store.open()
    logs = LogsService(store, clock, _deliveries(), WorkTracker())
    await logs.start()
    await logs.ready()
    try:
        assert logs.describe_log_groups(REGION) == []
    finally:
        await logs.close()
        await store.close()


async def test_stored_events_load_after_start_and_new_output_is_kept_beside_them(tmp_path: Path) -> None:
    clock = VirtualClock()
    now = round(clock.now() * 1000)
    store = open_store(tmp_path / "data")
    await store.open()
    logs = LogsService(store, clock, DeliveryRegistry(), WorkTracker())
    await logs.start()
    await logs.create_log_group(REGION, "/busy")
    await logs.create_log_stream(REGION, "/busy", "s")
    await logs.put_log_events(REGION, "/busy", "s", [(now - 10_000 + n, f"old {n}") for n in range(500)])
    await logs.close()
    await store.close()

    store = open_store(tmp_path / "data")
    await store.open()
    logs = LogsService(store, clock, DeliveryRegistry(), WorkTracker())
    await logs.start()
    # start returns with the groups known: an event written before the stored ones are read is kept too
    assert [group.name for group in logs.describe_log_groups(REGION)] == ["/busy"]
    await logs.put_log_events(REGION, "/busy", "s", [(now - 20_000, "older than all")])
    await logs.ready()
    page = logs.filter_log_events(REGION, ["/busy"], limit=10_000)
    assert [event.message for event in page.events] == ["older than all", *(f"old {n}" for n in range(500))]
    await logs.close()
    await store.close()
