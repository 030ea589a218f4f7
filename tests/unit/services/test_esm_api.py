"""Creating, reading, changing and deleting SQS mappings: AWS's checks, messages and states (spec §2.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from esm_fakes import Harness, MemoryDocuments, ok

from triggerfish.core.errors import InvalidParameterValue, ResourceConflict, ResourceNotFound, ValidationError
from triggerfish.services.lambda_.mappings import MappingState
from triggerfish.services.lambda_.mappings.registry import KIND


@pytest.fixture
async def esm() -> AsyncIterator[Harness]:
    harness = await Harness().start()
    harness.functions.add("f", ok)
    yield harness
    await harness.close()


async def test_create_answers_creating_then_the_mapping_is_enabled(esm: Harness) -> None:
    queue = esm.queue.create("q")
    created = await esm.map("f", queue)
    assert created.state is MappingState.CREATING
    assert created.state_transition_reason == "USER_INITIATED"
    assert (created.batch_size, created.maximum_batching_window) == (10, 0)
    assert created.function_arn == "arn:aws:lambda:us-east-1:000000000000:function:f"
    assert created.arn == f"arn:aws:lambda:us-east-1:000000000000:event-source-mapping:{created.uuid}"
    assert esm.mappings.get(created.uuid).state is MappingState.ENABLED


async def test_a_disabled_create_answers_disabled(esm: Harness) -> None:
    created = await esm.map("f", esm.queue.create("q"), enabled=False)
    assert created.state is MappingState.DISABLED
    assert esm.mappings.get(created.uuid).state is MappingState.DISABLED


async def test_updates_answer_enabling_disabling_or_updating(esm: Harness) -> None:
    created = await esm.map("f", esm.queue.create("q"), enabled=False)
    assert (await esm.mappings.update(created.uuid, enabled=True)).state is MappingState.ENABLING
    assert esm.mappings.get(created.uuid).state is MappingState.ENABLED
    assert (await esm.mappings.update(created.uuid, batch_size=5)).state is MappingState.UPDATING
    assert (await esm.mappings.update(created.uuid, enabled=False)).state is MappingState.DISABLING
    assert esm.mappings.get(created.uuid).state is MappingState.DISABLED
    assert esm.mappings.get(created.uuid).batch_size == 5


async def test_delete_answers_deleting_and_the_mapping_is_gone(esm: Harness) -> None:
    created = await esm.map("f", esm.queue.create("q"))
    assert (await esm.mappings.delete(created.uuid)).state is MappingState.DELETING
    with pytest.raises(ResourceNotFound) as raised:
        esm.mappings.get(created.uuid)
    assert raised.value.message == "The resource you requested does not exist."
    assert esm.documents.documents == {}


async def test_a_second_mapping_of_the_same_queue_and_function_conflicts(esm: Harness) -> None:
    queue = esm.queue.create("q")
    first = await esm.map("f", queue)
    with pytest.raises(ResourceConflict) as raised:
        await esm.map("f", queue)
    assert raised.value.status == 409
    assert raised.value.message == (
        f'An event source mapping with SQS arn (" {queue} ") and function (" f ") already exists. '
        f"Please update or delete the existing mapping with UUID {first.uuid}"
    )


async def test_batches_over_ten_need_a_window(esm: Harness) -> None:
    queue = esm.queue.create("q")
    with pytest.raises(InvalidParameterValue) as raised:
        await esm.map("f", queue, batch_size=11)
    assert raised.value.message == (
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"
    )
    created = await esm.map("f", queue, batch_size=10)
    with pytest.raises(InvalidParameterValue):
        await esm.mappings.update(created.uuid, batch_size=100)
    updated = await esm.mappings.update(created.uuid, batch_size=10_000, maximum_batching_window=1)
    assert updated.batch_size == 10_000


@pytest.mark.parametrize(
    ("settings", "member"),
    [
        ({"batch_size": 0}, "batchSize"),
        ({"batch_size": 10_001, "maximum_batching_window": 1}, "batchSize"),
        ({"maximum_batching_window": 301}, "maximumBatchingWindowInSeconds"),
        ({"maximum_concurrency": 1}, "scalingConfig.maximumConcurrency"),
        ({"maximum_concurrency": 1001}, "scalingConfig.maximumConcurrency"),
        ({"function_response_types": ["Nope"]}, "functionResponseTypes"),
    ],
)
async def test_out_of_range_settings_are_validation_errors(
    esm: Harness, settings: dict[str, object], member: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        await esm.map("f", esm.queue.create("q"), **settings)
    assert f"at '{member}' failed to satisfy constraint" in raised.value.message


async def test_fifo_queues_take_at_most_ten_and_no_window(esm: Harness) -> None:
    queue = esm.queue.create("q.fifo")
    with pytest.raises(InvalidParameterValue) as window:
        await esm.map("f", queue, maximum_batching_window=1)
    assert window.value.message == "Batching window is not supported for FIFO queues"
    with pytest.raises(InvalidParameterValue) as size:
        await esm.map("f", queue, batch_size=11)
    assert size.value.message == "Maximum batch size must be between 1 and 10 inclusive"


@pytest.mark.parametrize("pattern", ["simple string", "{", '{"body": "not a list"}', "[1]"])
async def test_an_invalid_filter_is_refused_with_lambdas_message(esm: Harness, pattern: str) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        await esm.map("f", esm.queue.create("q"), filter_patterns=[pattern])
    assert raised.value.message == "Invalid filter pattern definition."
    assert esm.mappings.list() == []


async def test_an_unknown_queue_is_refused_as_aws_does(esm: Harness) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        await esm.map("f", "arn:aws:sqs:us-east-1:000000000000:missing")
    assert raised.value.message.startswith(
        "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue."
    )


async def test_an_unknown_function_is_not_found(esm: Harness) -> None:
    with pytest.raises(ResourceNotFound) as raised:
        await esm.map("nope", esm.queue.create("q"))
    assert raised.value.message == "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"


async def test_a_queue_visibility_shorter_than_the_function_timeout_is_refused(esm: Harness) -> None:
    esm.functions.add("slow", ok, timeout=60)
    with pytest.raises(InvalidParameterValue) as raised:
        await esm.map("slow", esm.queue.create("q", visibility_timeout=30))
    assert raised.value.message == "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"


async def test_list_filters_by_function_and_source(esm: Harness) -> None:
    esm.functions.add("g", ok)
    q1, q2 = esm.queue.create("q1"), esm.queue.create("q2")
    a = await esm.map("f", q1)
    b = await esm.map("g", q1)
    c = await esm.map("f", q2)
    assert {m.uuid for m in esm.mappings.list()} == {a.uuid, b.uuid, c.uuid}
    assert {m.uuid for m in esm.mappings.list(function_name="f")} == {a.uuid, c.uuid}
    assert {m.uuid for m in esm.mappings.list(event_source_arn=q1)} == {a.uuid, b.uuid}
    assert [m.uuid for m in esm.mappings.list(function_name="g", event_source_arn=q1)] == [b.uuid]


async def test_update_moves_the_mapping_to_another_function(esm: Harness) -> None:
    esm.functions.add("g", ok)
    queue = esm.queue.create("q")
    created = await esm.map("f", queue)
    updated = await esm.mappings.update(created.uuid, function_name="g")
    assert updated.function_arn.endswith(":function:g")
    esm.queue.send(queue, "to g")
    await esm.settle()
    assert [call.function for call in esm.functions.calls] == ["g"]


async def test_maximum_concurrency_can_be_removed(esm: Harness) -> None:
    created = await esm.map("f", esm.queue.create("q"), maximum_concurrency=2)
    assert created.maximum_concurrency == 2
    assert (await esm.mappings.update(created.uuid, maximum_concurrency=None)).maximum_concurrency is None


async def test_mappings_are_stored_and_resume_after_a_restart() -> None:
    documents = MemoryDocuments()
    first = await Harness(documents).start()
    first.functions.add("f", ok)
    queue = first.queue.create("q")
    created = await first.map("f", queue, batch_size=5, filter_patterns=['{"body": ["keep"]}'])
    await first.close()
    assert [key[0] for key in documents.documents] == [KIND]

    second = Harness(documents)
    second.functions.add("f", ok)
    second.queue.create("q")
    await second.start()
    try:
        reloaded = second.mappings.get(created.uuid)
        assert reloaded.batch_size == 5 and reloaded.filter_patterns == ('{"body": ["keep"]}',)
        assert reloaded.state is MappingState.ENABLED
        second.queue.send(queue, "keep")
        second.queue.send(queue, "drop")
        await second.settle()
        assert [b for call in second.functions.calls for b in call.bodies] == ["keep"]
    finally:
        await second.close()
