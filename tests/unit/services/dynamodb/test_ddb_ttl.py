"""Time to Live: which items expire, the REMOVE records TTL writes, and the background sweep on the virtual
clock (prompt, without holding the work tracker)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.payloads.dynamodb import StreamViewType, stream_label
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.engine import ItemChange, TableEngine
from triggerfish.services.dynamodb.models import AttributeValue, KeySchema, ScalarType, TableConfig
from triggerfish.services.dynamodb.table_data import TableData
from triggerfish.services.dynamodb.ttl import MAX_PAST_SECONDS, expiry_of, has_expired
from triggerfish.store.factory import open_store

NOW = 1_700_000_000.0


@pytest.fixture
async def engine() -> AsyncIterator[tuple[TableEngine, VirtualClock, WorkTracker, Any]]:
    store = open_store(None)
    await store.open()
    clock, tracker = VirtualClock(NOW), WorkTracker()
    engine = TableEngine(store.table_items, store.streams, clock, tracker, ttl_interval=1.0)
    yield engine, clock, tracker, store
    await engine.close()
    await store.close()


def ttl_config(view: StreamViewType | None = StreamViewType.OLD_IMAGE) -> TableConfig:
    return TableConfig(
        name="t",
        account="000000000000",
        region="us-east-1",
        table_id="t-1",
        created_at=NOW,
        key=KeySchema("pk"),
        attribute_types=(("pk", ScalarType.S),),
        stream_view_type=view,
        stream_label=None if view is None else stream_label(NOW),
        ttl_attribute="exp",
        ttl_enabled=True,
    )


async def put(engine: TableEngine, data: TableData, pk: str, exp: AttributeValue | None) -> None:
    item = {"pk": {"S": pk}} if exp is None else {"pk": {"S": pk}, "exp": exp}
    await engine.commit([ItemChange(data, {"pk": {"S": pk}}, None, item)])


def test_expiry_rules() -> None:
    assert expiry_of({"exp": {"N": "12.5"}}, "exp") == 12.5
    assert expiry_of({"exp": {"S": "12"}}, "exp") is None
    assert expiry_of({}, "exp") is None
    assert has_expired(NOW - 1, NOW)
    assert not has_expired(NOW, NOW)
    assert not has_expired(NOW - MAX_PAST_SECONDS - 1, NOW)


async def test_sweep_deletes_expired_items_with_ttl_remove_records(engine: Any) -> None:
    eng, _, _, _ = engine
    config = ttl_config()
    data = await eng.open(config, load=False)
    await put(eng, data, "past", {"N": str(int(NOW) - 10)})
    await put(eng, data, "future", {"N": str(int(NOW) + 100)})
    await put(eng, data, "text", {"S": str(int(NOW) - 10)})
    await put(eng, data, "none", None)
    await put(eng, data, "ancient", {"N": str(int(NOW - MAX_PAST_SECONDS - 100))})
    assert await eng.sweep_ttl(NOW) == 1
    assert data.get({"pk": {"S": "past"}}) is None
    assert data.item_count == 4
    stream = eng.stream(config.stream_arn)
    records = await eng.read(stream, after=None, limit=10)
    removal = json.loads(records[-1].data)
    assert removal["eventName"] == "REMOVE"
    assert removal["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert removal["dynamodb"]["OldImage"]["pk"] == {"S": "past"}
    assert "userIdentity" not in json.loads(records[0].data)


async def test_rewritten_expiry_is_honoured(engine: Any) -> None:
    eng, _, _, _ = engine
    data = await eng.open(ttl_config(None), load=False)
    await put(eng, data, "a", {"N": str(int(NOW) - 10)})
    await put(eng, data, "a", {"N": str(int(NOW) + 10)})
    assert await eng.sweep_ttl(NOW) == 0
    assert await eng.sweep_ttl(NOW + 11) == 1


async def test_background_sweep_expires_promptly_without_holding_work(engine: Any) -> None:
    eng, clock, tracker, _ = engine
    data = await eng.open(ttl_config(None), load=False)
    eng.start_ttl()
    await put(eng, data, "a", {"N": str(int(NOW) + 5)})
    await put(eng, data, "b", {"N": str(int(NOW) + 3600)})
    await clock.advance(0)
    assert tracker.in_flight == 0
    await clock.advance(6)
    assert data.get({"pk": {"S": "a"}}) is None
    assert data.get({"pk": {"S": "b"}}) is not None
    await clock.advance(3600)
    assert data.item_count == 0


async def test_enabling_ttl_later_finds_existing_items(engine: Any) -> None:
    eng, _, _, _ = engine
    config = ttl_config(None).evolve(ttl_enabled=False)
    data = await eng.open(config, load=False)
    await put(eng, data, "a", {"N": str(int(NOW) - 10)})
    assert await eng.sweep_ttl(NOW) == 0
    eng.reconfigure(data, config.evolve(ttl_enabled=True))
    assert await eng.sweep_ttl(NOW) == 1


async def test_expiries_are_known_after_a_restart(engine: Any) -> None:
    eng, clock, tracker, store = engine
    data = await eng.open(ttl_config(None), load=False)
    await put(eng, data, "a", {"N": str(int(NOW) + 10)})
    again = TableEngine(store.table_items, store.streams, clock, tracker)
    reloaded = await again.open(ttl_config(None), load=True)
    assert await again.sweep_ttl(NOW + 11) == 1
    assert reloaded.item_count == 0
