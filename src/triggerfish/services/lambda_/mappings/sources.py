"""Event sources: what kind of source an ARN names (an SQS queue, a Kinesis stream or a DynamoDB table's
stream), and the pollers that run a mapping of each kind.

The kind decides everything else about a mapping: its defaults, which settings it takes, how its
filters read records, and whether a queue poller or a stream poller runs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from triggerfish.core.arns import parse_arn
from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.errors import InvalidParameterValue
from triggerfish.core.patterns.esm import EventSource
from triggerfish.core.stream_port import StreamSource
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.mappings.functions import FunctionPort
from triggerfish.services.lambda_.mappings.models import EventSourceMapping
from triggerfish.store.interfaces import DocumentStore

STREAM_SOURCES = frozenset({EventSource.KINESIS, EventSource.DYNAMODB})
#: a DynamoDB stream ARN is its table's ARN with ``/stream/<label>`` after the table name
_TABLE_STREAM = "/stream/"


def source_of(arn: str) -> EventSource:
    """The kind of source ``arn`` names, or Lambda's refusal of an ARN it cannot map."""
    try:
        parsed = parse_arn(arn)
    except ValueError:
        raise InvalidParameterValue(f"The event source ARN {arn} is not valid.") from None
    try:
        source = EventSource(parsed.service)
    except ValueError:
        raise unrecognized() from None
    if source is EventSource.DYNAMODB and not _is_table_stream(parsed.resource):
        # only a table's stream can be mapped, never the table itself (Lambda "Using AWS Lambda with DynamoDB")
        raise unrecognized()
    return source


def service_of(arn: str) -> str:
    """The ARN's service (``sqs``, ``kinesis``...), or ``""`` for text that is not an ARN."""
    try:
        return parse_arn(arn).service
    except ValueError:
        return ""


def is_stream(source: EventSource) -> bool:
    return source in STREAM_SOURCES


def unrecognized() -> InvalidParameterValue:
    return InvalidParameterValue("Unrecognized event source, must be kinesis, dynamodb stream or sqs.")


def _is_table_stream(resource: str) -> bool:
    table, found, label = resource.partition(_TABLE_STREAM)
    return bool(found) and table.startswith("table/") and len(table) > len("table/") and bool(label)


class MappingPoller(Protocol):
    """What the manager needs of the runtime of one enabled mapping (a queue's or a stream's)."""

    def start(self) -> None: ...
    async def stop(self) -> None: ...
    async def finish(self, *, cancel: bool = False) -> None: ...
    @property
    def in_flight(self) -> int: ...
    @property
    def blocked(self) -> bool: ...
    def on_idle(self, callback: Callable[[], None]) -> None: ...
    def wake(self) -> None: ...
    def next_due(self) -> float | None: ...


class StreamMappingPoller(MappingPoller, Protocol):
    @property
    def last_processing_result(self) -> str: ...


class StreamRunner(Protocol):
    """Builds the poller of a stream mapping, and forgets a deleted mapping's checkpoints."""

    def poller(self, mapping: EventSourceMapping, source: StreamSource) -> StreamMappingPoller: ...
    async def forget(self, mapping_uuid: str) -> None: ...


class StreamPollers:
    """The stream runtime of ``mappings.streams``, imported when a stream mapping first needs it: that
    package builds on this one, and queue mappings never load it."""

    def __init__(
        self,
        functions: FunctionPort,
        clock: Clock,
        tracker: WorkTracker,
        documents: DocumentStore,
        deliveries: DeliveryRegistry,
        retry_base_delay: float | None,
    ) -> None:
        self._functions = functions
        self._clock = clock
        self._tracker = tracker
        self._documents = documents
        self._deliveries = deliveries
        self._retry_base_delay = retry_base_delay

    def poller(self, mapping: EventSourceMapping, source: StreamSource) -> StreamMappingPoller:
        from triggerfish.services.lambda_.mappings.streams import StreamPoller

        args = (mapping, source, self._functions, self._clock, self._tracker, self._documents, self._deliveries)
        if self._retry_base_delay is None:
            return StreamPoller(*args)
        return StreamPoller(*args, retry_base_delay=self._retry_base_delay)

    async def forget(self, mapping_uuid: str) -> None:
        from triggerfish.services.lambda_.mappings.streams import forget_checkpoints

        await forget_checkpoints(self._documents, mapping_uuid)
