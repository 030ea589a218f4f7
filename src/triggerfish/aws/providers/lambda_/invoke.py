"""Invoke, in all three invocation types (spec §1.1-§1.4)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.lambda_.service import LambdaService

Operation = Callable[[Call], Awaitable[Reply]]


class InvokeOperations:
    def __init__(self, service: LambdaService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {"Invoke": self.invoke}

    async def invoke(self, call: Call) -> Reply:
        p = call.params
        result = await self._service.invoke(
            p["FunctionName"],
            bytes(p.get("Payload") or b""),
            invocation_type=p.get("InvocationType", "RequestResponse"),
            qualifier=p.get("Qualifier"),
            client_context=p.get("ClientContext"),
            log_type=p.get("LogType"),
            scope=call.scope,
        )
        # Function errors keep the HTTP status and set X-Amz-Function-Error (spec §1.1).
        shape: dict[str, Any] = {"StatusCode": result.status_code}
        if result.status_code == 200:
            shape["Payload"] = result.payload
        if result.function_error:
            shape["FunctionError"] = result.function_error
        if result.log_result is not None:
            shape["LogResult"] = result.log_result
        if result.executed_version and result.status_code == 200:
            shape["ExecutedVersion"] = result.executed_version
        # The invocation's request id is the API request's id too.
        return Reply(shape, status=result.status_code, headers={"x-amzn-RequestId": result.request_id})
