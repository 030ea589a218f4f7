"""What a mapping needs from Lambda itself: find its function, see whether it may run, run it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from triggerfish.core.errors import ResourceNotFound
from triggerfish.core.ids import request_id
from triggerfish.services.lambda_ import validation
from triggerfish.services.lambda_.concurrency import ConcurrencyGovernor
from triggerfish.services.lambda_.functions import FunctionRegistry
from triggerfish.services.lambda_.invoker import Invoker
from triggerfish.services.lambda_.models import LATEST, FunctionConfig, FunctionState, InvocationType
from triggerfish.services.lambda_.records import Invocation


class FunctionPort(Protocol):
    def lookup(self, function_name: str, account: str, region: str) -> FunctionConfig:
        """The function a name, partial ARN or ARN names; raises ``ResourceNotFound``."""

    def by_arn(self, function_arn: str) -> FunctionConfig | None:
        """The function behind an unqualified ARN, or ``None`` when it is gone or not active."""

    def has_capacity(self, function: FunctionConfig) -> bool:
        """Whether one more invocation of ``function`` may start now (reserved and account concurrency)."""

    async def invoke(self, function: FunctionConfig, payload: bytes) -> Invocation:
        """A synchronous invocation; raises ``Throttled`` when no concurrency is left."""

    def on_capacity(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever concurrency may have been freed (an invocation ended)."""


class LambdaFunctions:
    """:class:`FunctionPort` over the function registry, the invoker and the concurrency governor."""

    def __init__(self, functions: FunctionRegistry, invoker: Invoker, governor: ConcurrencyGovernor) -> None:
        self._functions = functions
        self._invoker = invoker
        self._governor = governor

    def lookup(self, function_name: str, account: str, region: str) -> FunctionConfig:
        name, qualifier, arn_region, arn_account = validation.split_function_name(function_name)
        scope = f"{arn_account or account}/{arn_region or region}"
        function = self._functions.get(scope, name)
        if qualifier not in (None, LATEST):
            # Only $LATEST exists until versions and aliases are published.
            raise ResourceNotFound(f"Function not found: {function.arn}:{qualifier}")
        return function

    def by_arn(self, function_arn: str) -> FunctionConfig | None:
        parts = function_arn.split(":")
        function = self._functions.find(f"{parts[4]}/{parts[3]}", parts[6])
        return function if function is not None and function.state is FunctionState.ACTIVE else None

    def has_capacity(self, function: FunctionConfig) -> bool:
        slot = self._governor.try_acquire(function.arn)
        if isinstance(slot, str):
            return False
        self._governor.release(slot)
        return True

    async def invoke(self, function: FunctionConfig, payload: bytes) -> Invocation:
        # Pollers invoke synchronously (spec §2.2, §8 invoke-type summary).
        return await self._invoker.run(function, payload, request_id(), InvocationType.REQUEST_RESPONSE.value)

    def on_capacity(self, callback: Callable[[], None]) -> None:
        self._invoker.add_listener(lambda _record: callback())
