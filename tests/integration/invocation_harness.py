"""Helpers shared by the integration tests: fixture paths, unique names, a recording deliverer,
and gates that hold an invocation open until the test releases it."""

from __future__ import annotations

import itertools
import json
import os
import select
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triggerfish.core.delivery import Delivery

FUNCTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "functions"
BASICS = FUNCTIONS / "basics"
RESOLUTION = FUNCTIONS / "resolution"
GATES = FUNCTIONS / "gates"

ACCOUNT = "000000000000"
REGION = "us-east-1"

_names = itertools.count(1)


def unique(prefix: str) -> str:
    """A function name no other test in the same cloud uses."""
    return f"{prefix}-{next(_names)}"


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def topic_arn(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def bus_arn(name: str = "default") -> str:
    return f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{name}"


@dataclass
class RecordingDeliverer:
    """Stands in for SQS, SNS or EventBridge: keeps every delivery it is handed."""

    deliveries: list[tuple[str, Delivery]] = field(default_factory=list)

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.deliveries.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return True

    def to(self, arn: str) -> list[Delivery]:
        return [delivery for target, delivery in self.deliveries if target == arn]

    def records_to(self, arn: str) -> list[dict[str, Any]]:
        return [json.loads(delivery.body) for delivery in self.to(arn)]


class Gate:
    """Two FIFOs for the ``gate.handler`` fixture: it announces that it runs, then waits for release.

    Nothing here polls: the handler's write to ``started`` wakes :meth:`wait_started`, and
    :meth:`release` lets the handler's blocking read finish.
    """

    def __init__(self, directory: Path, tag: str) -> None:
        self.tag = tag
        self.started = directory / f"{tag}.started"
        self.released = directory / f"{tag}.release"
        os.mkfifo(self.started)
        os.mkfifo(self.released)
        self._started_fd = os.open(self.started, os.O_RDONLY | os.O_NONBLOCK)

    def event(self) -> dict[str, str]:
        return {"started": str(self.started), "release": str(self.released), "tag": self.tag}

    def wait_started(self, timeout: float = 60.0) -> None:
        ready, _, _ = select.select([self._started_fd], [], [], timeout)
        if not ready:
            raise TimeoutError(f"the invocation behind gate {self.tag} never started")
        assert os.read(self._started_fd, 1) == b"x"

    def release(self) -> None:
        os.close(self._started_fd)
        with open(self.released, "w"):
            pass
