"""Subscription filter operations, and TestMetricFilter (the other user of filter patterns)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.logs.paging import page
from triggerfish.core.patterns.logs_filter import InvalidFilterPattern, LogFilter, compile_filter_pattern
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import InvalidParameter
from triggerfish.services.logs.models import SubscriptionFilter

Operation = Callable[[Call], Awaitable[Reply]]


class SubscriptionOperations:
    def __init__(self, service: LogsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "PutSubscriptionFilter": self.put,
            "DescribeSubscriptionFilters": self.describe,
            "DeleteSubscriptionFilter": self.delete,
            "TestMetricFilter": self.test_metric_filter,
        }

    async def put(self, call: Call) -> Reply:
        p = call.params
        compile_pattern(p["filterPattern"])
        await self._service.put_subscription_filter(
            call.scope.region,
            p["logGroupName"],
            p["filterName"],
            p["filterPattern"],
            p["destinationArn"],
            role_arn=p.get("roleArn"),
            distribution=p.get("distribution"),
        )
        return Reply()

    async def describe(self, call: Call) -> Reply:
        p = call.params
        filters = self._service.describe_subscription_filters(
            call.scope.region, p["logGroupName"], prefix=p.get("filterNamePrefix")
        )
        chunk, token = page(filters, p.get("limit"), p.get("nextToken"))
        result: dict[str, Any] = {"subscriptionFilters": [_filter_shape(f) for f in chunk]}
        if token is not None:
            result["nextToken"] = token
        return Reply(result)

    async def delete(self, call: Call) -> Reply:
        p = call.params
        await self._service.delete_subscription_filter(call.scope.region, p["logGroupName"], p["filterName"])
        return Reply()

    async def test_metric_filter(self, call: Call) -> Reply:
        p = call.params
        compiled = compile_pattern(p["filterPattern"])
        matches = [
            # event numbers count from 1 (TestMetricFilter example, Logs API reference)
            {"eventNumber": number, "eventMessage": message, "extractedValues": {}}
            for number, message in enumerate(p["logEventMessages"], 1)
            if compiled.matches(message)
        ]
        return Reply({"matches": matches})


def compile_pattern(text: str) -> LogFilter:
    """The compiled pattern; an unparsable one is Logs' InvalidParameterException with the reason."""
    try:
        return compile_filter_pattern(text)
    except InvalidFilterPattern as exc:
        raise InvalidParameter(str(exc)) from None


def _filter_shape(item: SubscriptionFilter) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "filterName": item.name,
        "logGroupName": item.group,
        "filterPattern": item.pattern,
        "destinationArn": item.destination_arn,
        "distribution": item.distribution,
        "creationTime": item.created,
    }
    if item.role_arn is not None:
        shape["roleArn"] = item.role_arn
    return shape
