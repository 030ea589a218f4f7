"""Stand-ins for what receiving talks to: recipients policy, delivery targets and the invoker."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.services.lambda_.records import InvokeResult


@dataclass
class Verified:
    """Receives for the listed domains and addresses (what SesService.receives_for answers)."""

    identities: set[str] = field(default_factory=lambda: {"example.com"})

    def receives_for(self, region: str, recipient: str) -> bool:
        address = recipient.lower()
        return address in self.identities or address.rpartition("@")[2] in self.identities


class Recorder:
    """Accepts every delivery for its ARN service and remembers it; ``fail`` names ARNs that refuse."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Delivery]] = []
        self.fail: set[str] = set()

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        if arn in self.fail:
            raise DeliveryFailed(f"{arn} refused")
        self.received.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return True

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(delivery.body) for _, delivery in self.received]


class Invoker:
    """Answers every synchronous invoke with ``answer`` (a JSON value) and records the payloads."""

    def __init__(self, answer: object = None, function_error: str | None = None) -> None:
        self.answer = answer
        self.function_error = function_error
        self.calls: list[tuple[str, dict[str, Any], str]] = []

    async def invoke(self, function_arn: str, payload: bytes, *, invocation_type: str) -> InvokeResult:
        self.calls.append((function_arn, json.loads(payload), invocation_type))
        body = b"" if self.answer is None else json.dumps(self.answer).encode()
        return InvokeResult(200, "req", body, self.function_error)


def registry() -> tuple[DeliveryRegistry, dict[str, Recorder]]:
    deliveries = DeliveryRegistry()
    recorders = {service: Recorder() for service in ("lambda", "sns", "s3")}
    for service, recorder in recorders.items():
        deliveries.register(service, recorder)
    return deliveries, recorders
