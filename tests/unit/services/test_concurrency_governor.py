"""The concurrency governor: reserved slots, the shared pool and throttling reasons (spec §8)."""

from __future__ import annotations

import pytest

from triggerfish.core.errors import InvalidParameterValue
from triggerfish.services.lambda_.concurrency import (
    ACCOUNT_LIMIT,
    RESERVED_LIMIT,
    ConcurrencyGovernor,
    Slot,
)
from triggerfish.services.lambda_.invoker import Throttled

A = "arn:aws:lambda:us-east-1:000000000000:function:a"
B = "arn:aws:lambda:us-east-1:000000000000:function:b"
C = "arn:aws:lambda:us-east-1:000000000000:function:c"

MINIMUM_MESSAGE = (
    "Specified ReservedConcurrentExecutions for function decreases account's "
    "UnreservedConcurrentExecution below its minimum value of [100]."
)


def _take(governor: ConcurrencyGovernor, arn: str) -> Slot:
    slot = governor.try_acquire(arn)
    assert isinstance(slot, Slot), slot
    return slot


def test_reserved_function_runs_up_to_its_reservation() -> None:
    governor = ConcurrencyGovernor(1000)
    governor.set_reservation(A, 2)
    slots = [_take(governor, A), _take(governor, A)]
    assert governor.try_acquire(A) == RESERVED_LIMIT
    assert governor.in_flight(A) == 2
    governor.release(slots[0])
    assert isinstance(governor.try_acquire(A), Slot)


def test_reserved_slots_do_not_use_the_shared_pool() -> None:
    governor = ConcurrencyGovernor(3)
    governor.set_reservation(A, 1)
    assert governor.unreserved_capacity == 2
    assert _take(governor, A).unreserved is False
    first, second = _take(governor, B), _take(governor, C)
    assert first.unreserved and second.unreserved
    assert governor.try_acquire(B) == ACCOUNT_LIMIT
    governor.release(first)
    assert isinstance(governor.try_acquire(C), Slot)


def test_account_limit_applies_to_unreserved_functions() -> None:
    governor = ConcurrencyGovernor(2)
    _take(governor, A)
    _take(governor, B)
    assert governor.try_acquire(C) == ACCOUNT_LIMIT
    assert governor.in_flight(C) == 0


def test_zero_reservation_throttles_everything() -> None:
    governor = ConcurrencyGovernor(1000)
    governor.set_reservation(A, 0)
    assert governor.try_acquire(A) == RESERVED_LIMIT


def test_removing_a_reservation_returns_it_to_the_pool() -> None:
    governor = ConcurrencyGovernor(1000)
    governor.set_reservation(A, 500)
    assert governor.unreserved_capacity == 500
    governor.set_reservation(A, None)
    assert governor.unreserved_capacity == 1000
    assert _take(governor, A).unreserved


def test_reservations_must_leave_100_unreserved() -> None:
    governor = ConcurrencyGovernor(1000)
    governor.check_reservation(A, 900)
    with pytest.raises(InvalidParameterValue) as raised:
        governor.check_reservation(A, 901)
    assert raised.value.message == MINIMUM_MESSAGE
    governor.set_reservation(A, 600)
    governor.check_reservation(B, 300)
    with pytest.raises(InvalidParameterValue):
        governor.check_reservation(B, 301)
    # the function's own current reservation is replaced, not added to
    governor.check_reservation(A, 900)


def test_small_accounts_keep_their_whole_limit_unreserved() -> None:
    governor = ConcurrencyGovernor(10)
    with pytest.raises(InvalidParameterValue) as raised:
        governor.check_reservation(A, 1)
    assert raised.value.message.endswith("below its minimum value of [10].")
    governor.check_reservation(A, 0)


def test_reason_names() -> None:
    assert RESERVED_LIMIT == "ReservedFunctionConcurrentInvocationLimitExceeded"
    assert ACCOUNT_LIMIT == "ConcurrentInvocationLimitExceeded"


def test_throttling_error_shape() -> None:
    error = Throttled(RESERVED_LIMIT)
    assert error.code == "TooManyRequestsException"
    assert error.status == 429
    assert error.message == "Rate Exceeded."
    assert error.fields == {"Type": "User", "Reason": RESERVED_LIMIT}
