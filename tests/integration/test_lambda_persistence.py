"""Functions, their settings and pending asynchronous work live in the store of the data directory."""

from __future__ import annotations

from pathlib import Path

from invocation_harness import BASICS, RecordingDeliverer, queue_arn, topic_arn

import triggerfish


def test_function_and_its_settings_survive_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with triggerfish.local(data_dir=data_dir, port=None) as cloud:
        cloud.create_function(
            "kept",
            handler="app.echo",
            code_dir=BASICS,
            timeout=42,
            memory_size=1024,
            environment={"STAGE": "test"},
            dead_letter_target=queue_arn("kept-dlq"),
        )
        cloud.set_async_config("kept", maximum_retry_attempts=1, maximum_event_age=600, on_failure=topic_arn("t"))
        cloud.set_concurrency("kept", 5)
        cloud.create_function("dropped", handler="app.echo", code_dir=BASICS)
        cloud.delete_function("dropped")
        before = cloud.get_function("kept")
    assert (data_dir / "triggerfish.db").exists()

    with triggerfish.local(data_dir=data_dir, port=None) as cloud:
        assert [f.name for f in cloud.app.lambda_.list_functions()] == ["kept"]
        after = cloud.get_function("kept")
        assert after == before
        assert after.async_config.maximum_retry_attempts == 1
        assert after.async_config.on_failure == topic_arn("t")
        # the reservation is enforced again, not just remembered
        assert cloud.app.lambda_.governor.unreserved_capacity == 1000 - 5
        assert cloud.invoke("kept", {"back": True}).json() == {"back": True}


def test_memory_cloud_keeps_nothing() -> None:
    with triggerfish.local(port=None) as cloud:
        cloud.create_function("ephemeral", handler="app.echo", code_dir=BASICS)
    with triggerfish.local(port=None) as cloud:
        assert cloud.app.lambda_.list_functions() == []


def test_pending_retry_resumes_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    failures = queue_arn("resumed-failures")
    with triggerfish.local(data_dir=data_dir, port=None, virtual_clock=True, retry_base_delay=60) as cloud:
        cloud.create_function("resumed", handler="app.fail", code_dir=BASICS)
        cloud.set_async_config("resumed", maximum_retry_attempts=1, on_failure=failures)
        result = cloud.invoke("resumed", {"message": "again"}, invocation_type="Event")
        cloud.settle()
        assert len(cloud.invocations_of("resumed")) == 1  # the retry waits 60 s

    recorder = RecordingDeliverer()
    with triggerfish.local(data_dir=data_dir, port=None, virtual_clock=True, retry_base_delay=60) as cloud:
        cloud.app.deliveries.register("sqs", recorder)
        cloud.settle()
        assert cloud.invocations_of("resumed") == []
        cloud.advance(60)
        cloud.settle()
        [retry] = cloud.invocations_of("resumed")
        assert retry.request_id == result.request_id
        [record] = recorder.records_to(failures)
        assert record["requestContext"]["requestId"] == result.request_id
        assert record["requestContext"]["approximateInvokeCount"] == 2  # counted across the restart
        assert cloud.run(cloud.app.lambda_.queue.count()) == 0
