"""A recording Lambda destination for the CloudWatch Logs unit tests."""

from __future__ import annotations

from triggerfish.core.delivery import Delivery

FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:shipper"


class RecordingLambda:
    """Stands in for Lambda's deliverer: one function exists, every delivery is kept."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Delivery]] = []

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.received.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return arn == FUNCTION_ARN
