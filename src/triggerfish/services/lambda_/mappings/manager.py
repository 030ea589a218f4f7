"""Event source mappings: the API (create, get, list, update, delete) and their pollers' lifecycle.

Queues and streams are reached only through the ports handed in with :meth:`attach` (a
``QueueSource`` for SQS, a ``StreamSource`` for Kinesis and DynamoDB Streams), so Lambda imports
none of those services. Mappings are stored; after a restart they reload and resume.
"""

from __future__ import annotations

import uuid as uuids
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, cast, overload

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.errors import ResourceNotFound, TriggerfishError
from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION
from triggerfish.core.patterns.esm import EventSource
from triggerfish.core.queue_port import QueueInfo, QueueSource
from triggerfish.core.stream_port import StreamSource
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.mappings import stream_validation, validation
from triggerfish.services.lambda_.mappings.functions import FunctionPort
from triggerfish.services.lambda_.mappings.models import USER_INITIATED, EventSourceMapping, MappingState
from triggerfish.services.lambda_.mappings.poller import QueuePoller
from triggerfish.services.lambda_.mappings.registry import MappingRegistry
from triggerfish.services.lambda_.mappings.scaling import ScalingPolicy
from triggerfish.services.lambda_.mappings.sources import (
    MappingPoller,
    StreamMappingPoller,
    StreamPollers,
    StreamRunner,
    is_stream,
    source_of,
)
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.store.interfaces import DocumentStore

DEFAULT_BATCH_SIZE = 10  # SQS (spec §2.2)
DEFAULT_STREAM_BATCH_SIZE = 100  # Kinesis and DynamoDB Streams (spec §7.1)
DEFAULT_BATCHING_WINDOW = 0  # every source (spec §2.2, §7.1)
#: stream mappings report this reason where queue mappings report USER_INITIATED (observed, spec §7.1)
USER_ACTION = "User action"
NO_RECORDS_PROCESSED = "No records processed"
_UNSET: Any = object()


class ScopeLike(Protocol):
    """An account and region (``LambdaService``'s ``Scope`` is one)."""

    @property
    def account(self) -> str: ...

    @property
    def region(self) -> str: ...


@dataclass(frozen=True)
class _Scope:
    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION


DEFAULT_SCOPE: ScopeLike = _Scope()


class EventSourceMappings:
    def __init__(
        self,
        documents: DocumentStore,
        clock: Clock,
        tracker: WorkTracker,
        functions: FunctionPort,
        *,
        policy: ScalingPolicy | None = None,
        deliveries: DeliveryRegistry | None = None,
        stream_retry_base_delay: float | None = None,
        streams: StreamRunner | None = None,
    ) -> None:
        self._registry = MappingRegistry(documents)
        self._clock = clock
        self._tracker = tracker
        self._functions = functions
        self._policy = policy or ScalingPolicy()
        self._streams = streams or StreamPollers(
            functions, clock, tracker, documents, deliveries or DeliveryRegistry(), stream_retry_base_delay
        )
        self._queue_sources: dict[str, QueueSource] = {}
        self._stream_sources: dict[str, StreamSource] = {}
        self._pollers: dict[str, MappingPoller] = {}
        self._stream_pollers: dict[str, StreamMappingPoller] = {}
        #: the last result of stream mappings whose poller stopped (disabled, updated)
        self._last_results: dict[str, str] = {}
        self._retired: set[MappingPoller] = set()
        self._started = False
        tracker.add_source(self)
        functions.on_capacity(self.wake_blocked)

    # -- wiring and lifecycle ------------------------------------------------------------------

    @overload
    def attach(self, service: Literal["sqs"], source: QueueSource) -> None: ...
    @overload
    def attach(self, service: Literal["kinesis", "dynamodb"], source: StreamSource) -> None: ...

    def attach(self, service: str, source: QueueSource | StreamSource) -> None:
        """Hand in the port for ARNs of ``service``: a queue source for ``"sqs"``, a stream source for
        ``"kinesis"`` and ``"dynamodb"``; mappings of it start running."""
        if EventSource(service) is EventSource.SQS:
            self._queue_sources[service] = cast(QueueSource, source)
        else:
            self._stream_sources[service] = cast(StreamSource, source)
        if self._started:
            for mapping in self._registry.all():
                if _kind(mapping.event_source_arn) is EventSource(service):
                    self._run(mapping)

    async def start(self) -> None:
        """Load stored mappings and resume the enabled ones whose source is attached."""
        for mapping in await self._registry.load():
            self._run(mapping)
        self._started = True

    async def close(self) -> None:
        pollers = [*self._pollers.values(), *self._retired]
        self._pollers.clear()
        self._stream_pollers.clear()
        self._retired.clear()
        for poller in pollers:
            await poller.stop()
        for poller in pollers:
            await poller.finish(cancel=True)

    def next_due(self) -> float | None:
        dues = [due for p in self._pollers.values() if (due := p.next_due()) is not None]
        return min(dues) if dues else None

    def wake_blocked(self) -> None:
        """Concurrency may have freed up, or a function changed: pollers waiting for it try again."""
        for poller in self._pollers.values():
            if poller.blocked:
                poller.wake()

    def wake_all(self) -> None:
        for poller in self._pollers.values():
            poller.wake()

    def last_processing_result(self, mapping: EventSourceMapping) -> str | None:
        """``LastProcessingResult`` of a stream mapping (spec §7.1); ``None`` for a queue's."""
        if not _is_stream_arn(mapping.event_source_arn):
            return None
        saved = self._last_results.get(mapping.uuid)
        poller = self._stream_pollers.get(mapping.uuid)
        current = poller.last_processing_result if poller is not None else None
        if current is not None and (current != NO_RECORDS_PROCESSED or saved is None):
            return current
        return saved or NO_RECORDS_PROCESSED

    # -- the API -------------------------------------------------------------------------------

    async def create(
        self,
        function_name: str,
        event_source_arn: str,
        *,
        scope: ScopeLike = DEFAULT_SCOPE,
        enabled: bool = True,
        batch_size: int | None = None,
        maximum_batching_window: int | None = None,
        filter_patterns: Sequence[str] | None = None,
        function_response_types: Sequence[str] = (),
        maximum_concurrency: int | None = None,
        starting_position: str | None = None,
        starting_position_timestamp: float | None = None,
        parallelization_factor: int | None = None,
        bisect_batch_on_function_error: bool | None = None,
        maximum_retry_attempts: int | None = None,
        maximum_record_age: int | None = None,
        tumbling_window: int | None = None,
        on_failure_destination: str | None = None,
        on_success_destination: str | None = None,
    ) -> EventSourceMapping:
        """Create a mapping; the answer shows ``Creating`` (or ``Disabled``) as AWS's does. Settings left
        ``None`` take the source's defaults; stream settings are refused for queues and vice versa."""
        source = source_of(event_source_arn)
        stream = is_stream(source)
        if on_success_destination is not None:
            raise stream_validation.unsupported_destination()
        stream_settings: dict[str, Any] = {
            "starting_position": starting_position,
            "starting_position_timestamp": starting_position_timestamp,
            "parallelization_factor": parallelization_factor,
            "bisect_batch_on_function_error": bisect_batch_on_function_error,
            "maximum_retry_attempts": maximum_retry_attempts,
            "maximum_record_age": maximum_record_age,
            "tumbling_window": tumbling_window,
            "on_failure_destination": on_failure_destination,
        }
        if stream:
            stream_validation.refuse_for_stream(maximum_concurrency)
            stream_validation.check_starting_position(
                source, event_source_arn, starting_position, starting_position_timestamp
            )
            stream_validation.check_starting_timestamp(starting_position_timestamp, self._clock.now())
        else:
            stream_validation.refuse_for_queue(stream_settings)
        default_batch = DEFAULT_STREAM_BATCH_SIZE if stream else DEFAULT_BATCH_SIZE
        candidate = EventSourceMapping(
            uuid=str(uuids.uuid4()),
            account=scope.account,
            region=scope.region,
            event_source_arn=event_source_arn,
            function_arn="",
            batch_size=default_batch if batch_size is None else batch_size,
            maximum_batching_window=DEFAULT_BATCHING_WINDOW
            if maximum_batching_window is None
            else maximum_batching_window,
            enabled=enabled,
            state=MappingState.ENABLED if enabled else MappingState.DISABLED,
            last_modified=self._clock.now(),
            function_response_types=tuple(function_response_types),
            filter_patterns=tuple(filter_patterns) if filter_patterns else None,
            maximum_concurrency=maximum_concurrency,
            state_transition_reason=USER_ACTION if stream else USER_INITIATED,
            **{key: value for key, value in stream_settings.items() if value is not None},
        )
        validation.check_mapping(candidate, source)
        function = self._functions.lookup(function_name, scope.account, scope.region)
        if stream:
            self._check_stream(event_source_arn, source)
        else:
            queue = self._queue(event_source_arn)
            validation.check_batching(queue, candidate.batch_size, candidate.maximum_batching_window)
            validation.check_visibility(queue, function.timeout)
        self._check_unique(event_source_arn, function, source)
        mapping = candidate.evolve(function_arn=function.arn)
        await self._registry.save(mapping, now=mapping.last_modified)
        self._run(mapping)
        # The answer is taken before the mapping settles (observed: 202 with State Creating).
        return mapping.evolve(state=MappingState.CREATING if enabled else MappingState.DISABLED)

    def get(self, uuid: str, *, scope: ScopeLike = DEFAULT_SCOPE) -> EventSourceMapping:
        mapping = self._registry.find(uuid)
        if mapping is None or mapping.scope != f"{scope.account}/{scope.region}":
            raise ResourceNotFound("The resource you requested does not exist.")
        return mapping

    def list(
        self,
        *,
        scope: ScopeLike = DEFAULT_SCOPE,
        function_name: str | None = None,
        event_source_arn: str | None = None,
    ) -> list[EventSourceMapping]:
        """The scope's mappings in a stable order, optionally of one function and/or one source."""
        mappings = self._registry.all(f"{scope.account}/{scope.region}")
        if function_name is not None:
            function_arn = self._functions.lookup(function_name, scope.account, scope.region).arn
            mappings = [m for m in mappings if m.function_arn == function_arn]
        if event_source_arn is not None:
            mappings = [m for m in mappings if m.event_source_arn == event_source_arn]
        return sorted(mappings, key=lambda m: m.uuid)

    async def update(
        self,
        uuid: str,
        *,
        scope: ScopeLike = DEFAULT_SCOPE,
        function_name: str | None = None,
        enabled: bool | None = None,
        batch_size: int | None = None,
        maximum_batching_window: int | None = None,
        filter_patterns: Sequence[str] | None = _UNSET,
        function_response_types: Sequence[str] | None = None,
        maximum_concurrency: int | None = _UNSET,
        parallelization_factor: int | None = None,
        bisect_batch_on_function_error: bool | None = None,
        maximum_retry_attempts: int | None = None,
        maximum_record_age: int | None = None,
        tumbling_window: int | None = None,
        on_failure_destination: str | None = _UNSET,
        on_success_destination: str | None = None,
    ) -> EventSourceMapping:
        """Change the settings given. ``filter_patterns``, ``maximum_concurrency`` and
        ``on_failure_destination`` given as ``None`` remove them. A mapping's starting position is fixed
        when it is created (UpdateEventSourceMapping has none)."""
        current = self.get(uuid, scope=scope)
        source = source_of(current.event_source_arn)
        if on_success_destination is not None:
            raise stream_validation.unsupported_destination()
        stream_changes: dict[str, Any] = {
            "parallelization_factor": parallelization_factor,
            "bisect_batch_on_function_error": bisect_batch_on_function_error,
            "maximum_retry_attempts": maximum_retry_attempts,
            "maximum_record_age": maximum_record_age,
            "tumbling_window": tumbling_window,
        }
        if is_stream(source):
            stream_validation.refuse_for_stream(None if maximum_concurrency is _UNSET else maximum_concurrency)
        else:
            destination = None if on_failure_destination is _UNSET else on_failure_destination
            stream_validation.refuse_for_queue({**stream_changes, "on_failure_destination": destination})
        changes: dict[str, Any] = {key: value for key, value in stream_changes.items() if value is not None}
        function: FunctionConfig | None = None
        if function_name is not None:
            function = self._functions.lookup(function_name, scope.account, scope.region)
            if function.arn != current.function_arn:
                self._check_unique(current.event_source_arn, function, source)
                changes["function_arn"] = function.arn
        if enabled is not None:
            changes["enabled"] = enabled
        if batch_size is not None:
            changes["batch_size"] = batch_size
        if maximum_batching_window is not None:
            changes["maximum_batching_window"] = maximum_batching_window
        if filter_patterns is not _UNSET:
            changes["filter_patterns"] = tuple(filter_patterns) if filter_patterns else None
        if function_response_types is not None:
            changes["function_response_types"] = tuple(function_response_types)
        if maximum_concurrency is not _UNSET and not is_stream(source):
            changes["maximum_concurrency"] = maximum_concurrency
        if on_failure_destination is not _UNSET:
            changes["on_failure_destination"] = on_failure_destination or None
        updated = current.evolve(**changes)
        validation.check_mapping(updated, source)
        if not is_stream(source):
            queue = self._queue(updated.event_source_arn)
            validation.check_batching(queue, updated.batch_size, updated.maximum_batching_window)
            if function is not None:
                validation.check_visibility(queue, function.timeout)
        updated = updated.evolve(state=updated.settled_state, last_modified=self._clock.now())
        await self._registry.save(updated, now=updated.last_modified)
        await self._stop(uuid)
        self._run(updated)
        return updated.evolve(state=_transition(current, updated))

    async def delete(self, uuid: str, *, scope: ScopeLike = DEFAULT_SCOPE) -> EventSourceMapping:
        """Delete a mapping: it stops receiving at once; batches already sent finish. A stream
        mapping's checkpoints go with it."""
        mapping = self.get(uuid, scope=scope)
        await self._registry.delete(mapping)
        await self._stop(uuid)
        self._last_results.pop(uuid, None)
        if _is_stream_arn(mapping.event_source_arn):
            await self._streams.forget(uuid)
        return mapping.evolve(state=MappingState.DELETING)

    # -- internals -------------------------------------------------------------------------------

    def _queue(self, arn: str) -> QueueInfo:
        source = self._queue_sources.get("sqs")
        queue = source.queue(arn) if source is not None else None
        if queue is None:
            raise validation.missing_queue()
        return queue

    def _check_stream(self, arn: str, source: EventSource) -> None:
        streams = self._stream_sources.get(source.value)
        if streams is None or streams.stream(arn) is None:
            raise stream_validation.missing_stream(arn)

    def _check_unique(self, event_source_arn: str, function: FunctionConfig, source: EventSource) -> None:
        for existing in self._registry.all():
            if existing.event_source_arn == event_source_arn and existing.function_arn == function.arn:
                if is_stream(source):
                    raise stream_validation.duplicate(event_source_arn, function.name, existing.uuid)
                raise validation.duplicate(event_source_arn, function.name, existing.uuid)

    def _run(self, mapping: EventSourceMapping) -> None:
        if not mapping.enabled or mapping.uuid in self._pollers:
            return
        kind = _kind(mapping.event_source_arn)
        poller: MappingPoller
        if kind is EventSource.SQS:
            queues = self._queue_sources.get(kind.value)
            if queues is None:
                return
            poller = QueuePoller(mapping, queues, self._functions, self._clock, self._tracker, self._policy)
        elif kind is not None:
            streams = self._stream_sources.get(kind.value)
            if streams is None:
                return
            stream_poller = self._streams.poller(mapping, streams)
            self._stream_pollers[mapping.uuid] = stream_poller
            poller = stream_poller
        else:
            return
        self._pollers[mapping.uuid] = poller
        poller.start()

    async def _stop(self, uuid: str) -> None:
        poller = self._pollers.pop(uuid, None)
        stream_poller = self._stream_pollers.pop(uuid, None)
        if stream_poller is not None and stream_poller.last_processing_result != NO_RECORDS_PROCESSED:
            self._last_results[uuid] = stream_poller.last_processing_result
        if poller is None:
            return
        await poller.stop()
        if poller.in_flight:
            # its batches finish on their own; keep it for close() until they have
            self._retired.add(poller)
            poller.on_idle(lambda: self._retired.discard(poller))


def _transition(before: EventSourceMapping, after: EventSourceMapping) -> MappingState:
    """The state an update's answer shows (observed: Enabling, Disabling, or Updating)."""
    if after.enabled and not before.enabled:
        return MappingState.ENABLING
    if before.enabled and not after.enabled:
        return MappingState.DISABLING
    return MappingState.UPDATING


def _kind(arn: str) -> EventSource | None:
    """The source kind of a stored mapping's ARN (checked when it was created)."""
    try:
        return source_of(arn)
    except TriggerfishError:
        return None


def _is_stream_arn(arn: str) -> bool:
    kind = _kind(arn)
    return kind is not None and is_stream(kind)
