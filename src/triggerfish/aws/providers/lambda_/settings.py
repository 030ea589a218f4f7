"""Asynchronous invocation settings and reserved concurrency."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.lambda_ import shapes
from triggerfish.services.lambda_.service import LambdaService

Operation = Callable[[Call], Awaitable[Reply]]


class SettingsOperations:
    def __init__(self, service: LambdaService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "PutFunctionEventInvokeConfig": self.put_event_invoke_config,
            "UpdateFunctionEventInvokeConfig": self.update_event_invoke_config,
            "GetFunctionEventInvokeConfig": self.get_event_invoke_config,
            "DeleteFunctionEventInvokeConfig": self.delete_event_invoke_config,
            "PutFunctionConcurrency": self.put_function_concurrency,
            "GetFunctionConcurrency": self.get_function_concurrency,
            "DeleteFunctionConcurrency": self.delete_function_concurrency,
        }

    async def put_event_invoke_config(self, call: Call) -> Reply:
        p = call.params
        function = self._service.get_function(p["FunctionName"], p.get("Qualifier"), scope=call.scope)
        destinations = p.get("DestinationConfig", {})
        config = await self._service.put_event_invoke_config(
            p["FunctionName"],
            maximum_retry_attempts=p.get("MaximumRetryAttempts"),
            maximum_event_age=p.get("MaximumEventAgeInSeconds"),
            on_success=_destination(destinations, "OnSuccess") or None,
            on_failure=_destination(destinations, "OnFailure") or None,
            scope=call.scope,
        )
        return Reply(shapes.event_invoke_config(function, config, p.get("Qualifier")))

    async def update_event_invoke_config(self, call: Call) -> Reply:
        p = call.params
        function = self._service.get_function(p["FunctionName"], p.get("Qualifier"), scope=call.scope)
        destinations = p.get("DestinationConfig", {})
        # Only the destinations named change; an empty one removes it.
        changed: dict[str, Any] = {}
        for kind, keyword in (("OnSuccess", "on_success"), ("OnFailure", "on_failure")):
            destination = _destination(destinations, kind)
            if destination is not None:
                changed[keyword] = destination or None
        config = await self._service.update_event_invoke_config(
            p["FunctionName"],
            maximum_retry_attempts=p.get("MaximumRetryAttempts"),
            maximum_event_age=p.get("MaximumEventAgeInSeconds"),
            scope=call.scope,
            **changed,
        )
        return Reply(shapes.event_invoke_config(function, config, p.get("Qualifier")))

    async def get_event_invoke_config(self, call: Call) -> Reply:
        p = call.params
        function = self._service.get_function(p["FunctionName"], p.get("Qualifier"), scope=call.scope)
        config = self._service.get_event_invoke_config(p["FunctionName"], scope=call.scope)
        return Reply(shapes.event_invoke_config(function, config, p.get("Qualifier")))

    async def delete_event_invoke_config(self, call: Call) -> Reply:
        p = call.params
        self._service.get_function(p["FunctionName"], p.get("Qualifier"), scope=call.scope)
        await self._service.delete_event_invoke_config(p["FunctionName"], scope=call.scope)
        return Reply()

    async def put_function_concurrency(self, call: Call) -> Reply:
        p = call.params
        reserved = await self._service.put_function_concurrency(
            p["FunctionName"], p["ReservedConcurrentExecutions"], scope=call.scope
        )
        return Reply({"ReservedConcurrentExecutions": reserved})

    async def get_function_concurrency(self, call: Call) -> Reply:
        reserved = self._service.get_function_concurrency(call.params["FunctionName"], scope=call.scope)
        return Reply({} if reserved is None else {"ReservedConcurrentExecutions": reserved})

    async def delete_function_concurrency(self, call: Call) -> Reply:
        await self._service.delete_function_concurrency(call.params["FunctionName"], scope=call.scope)
        return Reply()


def _destination(destinations: Mapping[str, Any], kind: str) -> str | None:
    """The destination ARN given for ``kind``; ``""`` when the kind is given without one."""
    if kind not in destinations:
        return None
    destination: str = destinations[kind].get("Destination", "")
    return destination
