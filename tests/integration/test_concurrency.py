"""Reserved and account concurrency, and throttling (spec §1.3, §8)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from invocation_harness import BASICS, GATES, Gate, RecordingDeliverer, queue_arn, unique

import triggerfish
from triggerfish.cloud import Cloud
from triggerfish.core.errors import InvalidParameterValue, TooManyRequests, ValidationError
from triggerfish.services.lambda_.records import InvokeResult


class _Held:
    """Invocations of the gate handler running in background threads until released."""

    def __init__(self, cloud: Cloud, directory: Path) -> None:
        self._cloud = cloud
        self._directory = directory
        self._pool = ThreadPoolExecutor(8)
        self._running: list[tuple[Gate, Future[InvokeResult]]] = []
        self._tags = itertools.count()

    def start(self, name: str) -> None:
        gate = Gate(self._directory, f"gate{next(self._tags)}")
        future = self._pool.submit(self._cloud.invoke, name, gate.event())
        gate.wait_started()
        self._running.append((gate, future))

    def release_all(self) -> list[InvokeResult]:
        for gate, _ in self._running:
            gate.release()
        results = [future.result(60) for _, future in self._running]
        self._running.clear()
        return results

    def close(self) -> None:
        if self._running:
            self.release_all()
        self._pool.shutdown()


@pytest.fixture
def held(cloud: Cloud, tmp_path: Path) -> Iterator[_Held]:
    holder = _Held(cloud, tmp_path)
    yield holder
    holder.close()


def _gated(cloud: Cloud, reserved: int | None = None) -> str:
    name = unique("gated")
    cloud.create_function(name, handler="gate.handler", code_dir=GATES, timeout=60)
    if reserved is not None:
        cloud.set_concurrency(name, reserved)
    return name


def test_reserved_concurrency_caps_parallel_invocations(cloud: Cloud, held: _Held) -> None:
    name = _gated(cloud, reserved=2)
    held.start(name)
    held.start(name)
    with pytest.raises(TooManyRequests) as raised:
        cloud.invoke(name, {"tag": "third"})
    error = raised.value
    assert error.code == "TooManyRequestsException"
    assert error.status == 429
    assert error.message == "Rate Exceeded."
    assert error.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert error.fields["Type"] == "User"
    # other functions still run: the reservation caps only its own function
    other = unique("free")
    cloud.create_function(other, handler="app.echo", code_dir=BASICS)
    assert cloud.invoke(other, {"free": True}).json() == {"free": True}

    results = held.release_all()
    assert [r.function_error for r in results] == [None, None]
    assert len(cloud.invocations_of(name)) == 2  # the throttled call never ran
    # once they finish, the slots are free again
    assert cloud.app.lambda_.governor.in_flight(cloud.get_function(name).arn) == 0


def test_released_slots_are_reused(cloud: Cloud, held: _Held) -> None:
    name = _gated(cloud, reserved=1)
    held.start(name)
    with pytest.raises(TooManyRequests):
        cloud.invoke(name, {})
    held.release_all()
    held.start(name)
    [result] = held.release_all()
    assert result.json()["released"] == "gate1"  # type: ignore[index]


def test_each_environment_runs_one_invocation_at_a_time(cloud: Cloud, held: _Held) -> None:
    name = _gated(cloud)
    held.start(name)
    held.start(name)  # the first environment is busy: a second one starts
    first, second = (r.json() for r in held.release_all())
    assert isinstance(first, dict) and isinstance(second, dict)
    assert first["pid"] != second["pid"]
    assert [r.cold for r in cloud.invocations_of(name)] == [True, True]
    # both are idle now and serve the next invocations warm
    held.start(name)
    held.start(name)
    third, fourth = (r.json() for r in held.release_all())
    assert isinstance(third, dict) and isinstance(fourth, dict)
    assert {third["pid"], fourth["pid"]} == {first["pid"], second["pid"]}
    assert [r.cold for r in cloud.invocations_of(name)] == [True, True, False, False]


def test_zero_reserved_concurrency_throttles_every_sync_call(cloud: Cloud) -> None:
    name = unique("zero")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    cloud.set_concurrency(name, 0)
    with pytest.raises(TooManyRequests) as raised:
        cloud.invoke(name, {})
    assert raised.value.fields["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert cloud.invocations_of(name) == []
    cloud.set_concurrency(name, None)
    assert cloud.invoke(name, {"back": 1}).json() == {"back": 1}


def test_reservation_must_leave_100_unreserved(cloud: Cloud) -> None:
    first, second = unique("reserve"), unique("reserve")
    for name in (first, second):
        cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    message = (
        "Specified ReservedConcurrentExecutions for function decreases account's "
        "UnreservedConcurrentExecution below its minimum value of [100]."
    )
    free = cloud.app.lambda_.governor.unreserved_capacity  # other tests here may hold reservations
    try:
        with pytest.raises(InvalidParameterValue) as raised:
            cloud.set_concurrency(first, free - 99)
        assert raised.value.code == "InvalidParameterValueException"
        assert raised.value.message == message
        cloud.set_concurrency(first, free - 200)
        with pytest.raises(InvalidParameterValue) as raised:
            cloud.set_concurrency(second, 101)
        assert raised.value.message == message
        cloud.set_concurrency(second, 100)
        assert cloud.app.lambda_.get_function_concurrency(second) == 100
        # a function's own current reservation is not counted twice when it changes
        cloud.set_concurrency(first, free - 200)
    finally:
        cloud.set_concurrency(first, None)
        cloud.set_concurrency(second, None)
    assert cloud.get_function(first).reserved_concurrency is None
    assert cloud.app.lambda_.governor.unreserved_capacity == free


def test_negative_reservation_is_rejected(cloud: Cloud) -> None:
    name = unique("reserve")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    with pytest.raises(ValidationError) as raised:
        cloud.set_concurrency(name, -1)
    assert "at 'reservedConcurrentExecutions' failed to satisfy constraint" in raised.value.message


def test_account_concurrency_limit(tmp_path: Path) -> None:
    with triggerfish.local(account_concurrency=2, port=None) as small:
        names = [_gated(small) for _ in range(3)]
        holder = _Held(small, tmp_path)
        try:
            holder.start(names[0])
            holder.start(names[1])
            with pytest.raises(TooManyRequests) as raised:
                small.invoke(names[2], {})
            assert raised.value.message == "Rate Exceeded."
            assert raised.value.fields["Reason"] == "ConcurrentInvocationLimitExceeded"
            assert [r.function_error for r in holder.release_all()] == [None, None]
        finally:
            holder.close()


# -- asynchronous invocations and throttling, on the virtual clock ---------------------------------


def test_zero_reserved_concurrency_sends_async_events_straight_to_failure(
    virtual_cloud: Cloud, recorder: RecordingDeliverer
) -> None:
    cloud = virtual_cloud
    name = unique("zero")
    failures, dead_letters = queue_arn(f"{name}-failures"), queue_arn(f"{name}-dlq")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS, dead_letter_target=dead_letters)
    cloud.set_async_config(name, on_failure=failures)
    cloud.set_concurrency(name, 0)
    result = cloud.invoke(name, {"order": 1}, invocation_type="Event")
    assert result.status_code == 202
    cloud.settle()  # no time passes: nothing waits for a retry
    assert cloud.invocations_of(name) == []
    [record] = recorder.records_to(failures)
    assert record["requestContext"]["requestId"] == result.request_id
    assert record["requestContext"]["condition"] == "ZeroReservedConcurrency"
    assert record["requestContext"]["approximateInvokeCount"] == 0
    assert record["requestPayload"] == {"order": 1}
    [dead] = recorder.to(dead_letters)
    assert dead.body == '{"order":1}'
    assert dead.attributes["RequestID"].string_value == result.request_id


def test_throttled_async_events_back_off_without_using_retries(
    virtual_cloud: Cloud, recorder: RecordingDeliverer
) -> None:
    cloud = virtual_cloud
    name = unique("throttled")
    failures = queue_arn(f"{name}-failures")
    cloud.create_function(name, handler="app.fail", code_dir=BASICS)
    cloud.set_concurrency(name, 1)
    cloud.set_async_config(name, maximum_retry_attempts=0, on_failure=failures)
    governor = cloud.app.lambda_.governor
    arn = cloud.get_function(name).arn
    # take the function's only slot, as a long-running invocation would
    slot = governor.try_acquire(arn)
    assert not isinstance(slot, str)
    try:
        result = cloud.invoke(name, {"message": "finally ran"}, invocation_type="Event")
        cloud.settle()
        for _ in range(3):  # each throttle puts the event back for later
            assert cloud.invocations_of(name) == []
            cloud.advance(300)
            cloud.settle()
        assert recorder.to(failures) == []
    finally:
        governor.release(slot)
    cloud.advance(300)
    cloud.settle()
    [ran] = cloud.invocations_of(name)
    assert ran.request_id == result.request_id
    # MaximumRetryAttempts=0 and one real attempt: the throttles did not count
    [record] = recorder.records_to(failures)
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert record["responsePayload"]["errorMessage"] == "finally ran"


def test_first_throttle_backs_off_one_second(virtual_cloud: Cloud) -> None:
    cloud = virtual_cloud
    name = unique("throttled")
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    cloud.set_concurrency(name, 1)
    governor = cloud.app.lambda_.governor
    slot = governor.try_acquire(cloud.get_function(name).arn)
    assert not isinstance(slot, str)
    cloud.invoke(name, {"n": 1}, invocation_type="Event")
    cloud.settle()
    governor.release(slot)
    cloud.advance(0.9)
    cloud.settle()
    assert cloud.invocations_of(name) == []
    cloud.advance(0.2)
    cloud.settle()
    assert [r.event_json() for r in cloud.invocations_of(name)] == [{"n": 1}]
