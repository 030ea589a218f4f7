"""Asynchronous retries on the virtual clock: 1 minute, then 2 more, then give up (spec §1.3)."""

from __future__ import annotations

from pathlib import Path

from invocation_harness import BASICS, RecordingDeliverer, queue_arn, unique

from triggerfish.cloud import Cloud


def _failing(cloud: Cloud, **config: object) -> tuple[str, str]:
    name = unique("retry")
    failures = queue_arn(f"{name}-failures")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS)
    cloud.set_async_config(name, on_failure=failures, **config)
    return name, failures


def _attempts(cloud: Cloud, name: str) -> int:
    return len(cloud.invocations_of(name))


def _advance(cloud: Cloud, seconds: float) -> None:
    cloud.advance(seconds)
    cloud.settle()


def test_failing_event_is_retried_after_one_then_two_minutes(
    virtual_cloud: Cloud, recorder: RecordingDeliverer
) -> None:
    cloud = virtual_cloud
    name, failures = _failing(cloud)
    result = cloud.invoke(name, {"message": "always"}, invocation_type="Event")
    cloud.settle()
    assert _attempts(cloud, name) == 1

    _advance(cloud, 59.9)
    assert _attempts(cloud, name) == 1
    _advance(cloud, 0.2)
    assert _attempts(cloud, name) == 2

    _advance(cloud, 119.8)
    assert _attempts(cloud, name) == 2
    assert recorder.to(failures) == []
    _advance(cloud, 0.2)
    assert _attempts(cloud, name) == 3

    _advance(cloud, 3600)
    attempts = cloud.invocations_of(name)
    assert len(attempts) == 3  # two retries by default, then the event is done
    assert {a.request_id for a in attempts} == {result.request_id}  # every attempt keeps the request id
    assert all(a.invocation_type == "Event" and a.error_type == "ValueError" for a in attempts)
    [record] = recorder.records_to(failures)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3


def test_no_retries(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name, failures = _failing(cloud, maximum_retry_attempts=0)
    cloud.invoke(name, {}, invocation_type="Event")
    cloud.settle()
    [record] = recorder.records_to(failures)
    assert record["requestContext"]["approximateInvokeCount"] == 1
    _advance(cloud, 3600)
    assert _attempts(cloud, name) == 1


def test_one_retry(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name, failures = _failing(cloud, maximum_retry_attempts=1)
    cloud.invoke(name, {}, invocation_type="Event")
    cloud.settle()
    _advance(cloud, 59.9)
    assert (_attempts(cloud, name), recorder.to(failures)) == (1, [])
    _advance(cloud, 0.2)
    assert _attempts(cloud, name) == 2
    [record] = recorder.records_to(failures)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    _advance(cloud, 3600)
    assert _attempts(cloud, name) == 2


def test_retry_that_succeeds(virtual_cloud: Cloud, recorder: RecordingDeliverer, tmp_path: Path) -> None:
    cloud = virtual_cloud
    name = unique("retry")
    successes, failures = queue_arn(f"{name}-ok"), queue_arn(f"{name}-failed")
    cloud.create_function(name, handler="app.fail_unless", code_dir=BASICS)
    cloud.set_async_config(name, on_success=successes, on_failure=failures)
    ok_file = tmp_path / "ok"
    event = {"ok_file": str(ok_file)}
    cloud.invoke(name, event, invocation_type="Event")
    cloud.settle()
    assert [a.ok for a in cloud.invocations_of(name)] == [False]
    ok_file.touch()
    _advance(cloud, 60)
    assert [a.ok for a in cloud.invocations_of(name)] == [False, True]
    [record] = recorder.records_to(successes)
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["responsePayload"] == event
    assert recorder.to(failures) == []


def test_event_older_than_the_maximum_age_is_not_retried(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name, failures = _failing(cloud, maximum_event_age=100)
    result = cloud.invoke(name, {"message": "aging"}, invocation_type="Event")
    cloud.settle()
    _advance(cloud, 60)  # second attempt: the event is 60 s old
    assert _attempts(cloud, name) == 2
    _advance(cloud, 120)  # the third would be at 180 s, past the 100 s maximum
    assert _attempts(cloud, name) == 2
    [record] = recorder.records_to(failures)
    assert record["requestContext"]["requestId"] == result.request_id
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "aging"


def test_event_that_ages_out_while_throttled(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("aged")
    failures, dead_letters = queue_arn(f"{name}-failures"), queue_arn(f"{name}-dlq")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS, dead_letter_target=dead_letters)
    cloud.set_async_config(name, maximum_event_age=60, on_failure=failures)
    cloud.set_concurrency(name, 1)
    governor = cloud.app.lambda_.governor
    slot = governor.try_acquire(cloud.get_function(name).arn)
    assert not isinstance(slot, str)
    try:
        result = cloud.invoke(name, {"late": True}, invocation_type="Event")
        cloud.settle()
        for _ in range(10):
            _advance(cloud, 30)
    finally:
        governor.release(slot)
    _advance(cloud, 600)
    assert cloud.invocations_of(name) == []
    [record] = recorder.records_to(failures)
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["requestPayload"] == {"late": True}
    [dead] = recorder.to(dead_letters)
    assert dead.attributes["RequestID"].string_value == result.request_id


def test_success_completes_the_event(virtual_cloud: Cloud, recorder: RecordingDeliverer) -> None:
    cloud = virtual_cloud
    name = unique("once")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    cloud.invoke(name, {"once": True}, invocation_type="Event")
    cloud.settle()
    _advance(cloud, 3600)
    assert [a.event_json() for a in cloud.invocations_of(name)] == [{"once": True}]
    assert cloud.run(cloud.app.lambda_.queue.count()) == 0
