"""FilterCriteria on an SQS mapping: matching messages are delivered, the others deleted (spec §2.2)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from esm_fakes import Harness, ok

from triggerfish.core.delivery import MessageAttribute


@pytest.fixture
async def esm() -> AsyncIterator[Harness]:
    harness = await Harness().start()
    yield harness
    await harness.close()


async def _deliver(esm: Harness, patterns: list[object], bodies: list[str], **extra: object) -> list[str]:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, filter_patterns=[json.dumps(p) for p in patterns])
    for body in bodies:
        esm.queue.send(queue, body, **extra)  # type: ignore[arg-type]
    await esm.settle()
    assert esm.queue.bodies(queue) == [], "every message is either delivered or deleted"
    return [b for call in esm.functions.calls for b in call.bodies]


async def test_json_bodies_are_filtered_on_their_fields(esm: Harness) -> None:
    delivered = await _deliver(
        esm, [{"body": {"testItem": ["test24"]}}], ['{"testItem": "test24"}', '{"testItem": "other"}']
    )
    assert delivered == ['{"testItem": "test24"}']


async def test_a_message_passes_when_any_filter_matches(esm: Harness) -> None:
    patterns: list[object] = [{"body": {"kind": ["a"]}}, {"body": {"kind": ["b"]}}]
    delivered = await _deliver(esm, patterns, ['{"kind": "a"}', '{"kind": "b"}', '{"kind": "c"}'])
    assert delivered == ['{"kind": "a"}', '{"kind": "b"}']


async def test_a_plain_text_pattern_matches_plain_text_bodies_only(esm: Harness) -> None:
    delivered = await _deliver(esm, [{"body": ["hello"]}], ["hello", "bye", '{"hello": 1}'])
    assert delivered == ["hello"]


async def test_a_json_pattern_drops_plain_text_bodies(esm: Harness) -> None:
    delivered = await _deliver(esm, [{"body": {"a": [{"exists": True}]}}], ["a plain body", '{"a": 1}'])
    assert delivered == ['{"a": 1}']


async def test_metadata_filters_apply_to_every_body(esm: Harness) -> None:
    pattern = {"messageAttributes": {"tier": {"stringValue": ["gold"]}}}
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    await esm.map("f", queue, filter_patterns=[json.dumps(pattern)])
    esm.queue.send(queue, "a", attributes={"tier": MessageAttribute("String", string_value="gold")})
    esm.queue.send(queue, "b", attributes={"tier": MessageAttribute("String", string_value="tin")})
    esm.queue.send(queue, "c")
    await esm.settle()
    assert [b for call in esm.functions.calls for b in call.bodies] == ["a"]
    assert esm.queue.bodies(queue) == []


async def test_numeric_filters(esm: Harness) -> None:
    delivered = await _deliver(
        esm, [{"body": {"price": [{"numeric": [">", 10]}]}}], ['{"price": 5}', '{"price": 50}', '{"price": "50"}']
    )
    assert delivered == ['{"price": 50}']


async def test_filtered_out_messages_are_deleted_without_an_invocation(esm: Harness) -> None:
    delivered = await _deliver(esm, [{"body": {"keep": [True]}}], ['{"keep": false}', '{"keep": false}'])
    assert delivered == []
    assert esm.functions.calls == []


async def test_removing_the_filters_delivers_everything(esm: Harness) -> None:
    esm.functions.add("f", ok)
    queue = esm.queue.create("q")
    mapping = await esm.map("f", queue, filter_patterns=['{"body": {"keep": [true]}}'])
    await esm.mappings.update(mapping.uuid, filter_patterns=None)
    esm.queue.send(queue, '{"keep": false}')
    await esm.settle()
    assert [b for call in esm.functions.calls for b in call.bodies] == ['{"keep": false}']
    assert esm.mappings.get(mapping.uuid).filter_patterns is None
