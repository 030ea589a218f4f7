"""What every part of one stream mapping's runtime shares: its settings, ports and a little live state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.patterns.esm import FilterCriteria
from triggerfish.core.stream_port import StreamKind, StreamSource
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.mappings.functions import FunctionPort
from triggerfish.services.lambda_.mappings.models import EventSourceMapping
from triggerfish.services.lambda_.mappings.streams.checkpoints import Checkpoints

# LastProcessingResult values (Lambda API reference, spec §7.1 create response)
NO_RECORDS = "No records processed"
OK = "OK"
FUNCTION_FAILED = "PROBLEM: Function call failed"


@dataclass
class StreamContext:
    mapping: EventSourceMapping
    kind: StreamKind
    source: StreamSource
    functions: FunctionPort
    clock: Clock
    tracker: WorkTracker
    checkpoints: Checkpoints
    deliveries: DeliveryRegistry
    filters: FilterCriteria
    retry_base_delay: float
    #: records older than this many seconds are discarded (MaximumRecordAgeInSeconds or the retention)
    retention: float = 24 * 3600.0
    last_result: str = NO_RECORDS
    stopped: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def stream_arn(self) -> str:
        return self.mapping.event_source_arn

    @property
    def stopping(self) -> bool:
        return self.stopped.is_set()

    @property
    def max_age(self) -> float:
        age = self.mapping.maximum_record_age
        return self.retention if age < 0 else min(float(age), self.retention)

    @property
    def retries_bounded(self) -> bool:
        """Whether a failing batch is given up on in a known time (settling waits for that, §7.1)."""
        return self.mapping.maximum_retry_attempts >= 0 or self.mapping.maximum_record_age >= 0

    def retry_delay(self, retry: int) -> float:
        """Exponential backoff from the base: the first retry quick, capped at 60 times the base."""
        base = self.retry_base_delay
        return float(min(base * 2.0 ** max(retry - 1, 0), 60 * base))
