"""Concurrency accounting: reserved concurrency per function and the shared account pool (spec §8)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from triggerfish.core.errors import InvalidParameterValue

DEFAULT_ACCOUNT_LIMIT = 1000
MIN_UNRESERVED = 100

RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"


@dataclass(frozen=True)
class Slot:
    """One invocation's share of concurrency; ``unreserved`` when it came from the shared pool."""

    function_arn: str
    unreserved: bool


class ConcurrencyGovernor:
    """Counts invocations in flight and says whether one more may start.

    A function with reserved concurrency R may run R at once, and those R are taken out of the
    account's pool; every other function shares what is left.
    """

    def __init__(self, account_limit: int = DEFAULT_ACCOUNT_LIMIT) -> None:
        self.account_limit = account_limit
        self._reserved: dict[str, int] = {}
        self._in_flight: defaultdict[str, int] = defaultdict(int)
        self._unreserved_in_flight = 0

    def set_reservation(self, function_arn: str, reserved: int | None) -> None:
        if reserved is None:
            self._reserved.pop(function_arn, None)
        else:
            self._reserved[function_arn] = reserved

    def check_reservation(self, function_arn: str, reserved: int) -> None:
        others = sum(v for k, v in self._reserved.items() if k != function_arn)
        if self.account_limit - others - reserved < min(MIN_UNRESERVED, self.account_limit):
            raise InvalidParameterValue(
                "Specified ReservedConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of [{min(MIN_UNRESERVED, self.account_limit)}]."
            )

    @property
    def unreserved_capacity(self) -> int:
        return self.account_limit - sum(self._reserved.values())

    def try_acquire(self, function_arn: str) -> Slot | str:
        """Take a slot, or return the throttling reason."""
        reserved = self._reserved.get(function_arn)
        if reserved is not None:
            if self._in_flight[function_arn] >= reserved:
                return RESERVED_LIMIT
        elif self._unreserved_in_flight >= self.unreserved_capacity:
            return ACCOUNT_LIMIT
        else:
            self._unreserved_in_flight += 1
        self._in_flight[function_arn] += 1
        return Slot(function_arn, unreserved=reserved is None)

    def release(self, slot: Slot) -> None:
        self._in_flight[slot.function_arn] -= 1
        if slot.unreserved:
            self._unreserved_in_flight -= 1

    def in_flight(self, function_arn: str) -> int:
        return self._in_flight[function_arn]
