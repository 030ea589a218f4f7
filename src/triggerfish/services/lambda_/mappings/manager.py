"""Event source mappings: the API (create, get, list, update, delete) and their pollers' lifecycle.

Queues are reached only through :class:`QueueSource` ports handed in with :meth:`attach`, so Lambda
never imports SQS. Mappings are stored; after a restart they reload and resume.
"""

from __future__ import annotations

import uuid as uuids
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from triggerfish.core.arns import parse_arn
from triggerfish.core.clock import Clock
from triggerfish.core.errors import InvalidParameterValue, ResourceNotFound
from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION
from triggerfish.core.queue_port import QueueInfo, QueueSource
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.mappings import validation
from triggerfish.services.lambda_.mappings.functions import FunctionPort
from triggerfish.services.lambda_.mappings.models import EventSourceMapping, MappingState
from triggerfish.services.lambda_.mappings.poller import QueuePoller
from triggerfish.services.lambda_.mappings.registry import MappingRegistry
from triggerfish.services.lambda_.mappings.scaling import ScalingPolicy
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.store.interfaces import DocumentStore

DEFAULT_BATCH_SIZE = 10  # SQS (spec §2.2)
DEFAULT_BATCHING_WINDOW = 0  # SQS (spec §2.2)
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
    ) -> None:
        self._registry = MappingRegistry(documents)
        self._clock = clock
        self._tracker = tracker
        self._functions = functions
        self._policy = policy or ScalingPolicy()
        self._sources: dict[str, QueueSource] = {}
        self._pollers: dict[str, QueuePoller] = {}
        self._retired: set[QueuePoller] = set()
        self._started = False
        tracker.add_source(self)
        functions.on_capacity(self.wake_blocked)

    # -- wiring and lifecycle ------------------------------------------------------------------

    def attach(self, service: str, source: QueueSource) -> None:
        """Hand in the queue port for ARNs of ``service`` (``"sqs"``); mappings of it start running."""
        self._sources[service] = source
        if self._started:
            for mapping in self._registry.all():
                if _service(mapping.event_source_arn) == service:
                    self._run(mapping)

    async def start(self) -> None:
        """Load stored mappings and resume the enabled ones whose source is attached."""
        for mapping in await self._registry.load():
            self._run(mapping)
        self._started = True

    async def close(self) -> None:
        pollers = [*self._pollers.values(), *self._retired]
        self._pollers.clear()
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
    ) -> EventSourceMapping:
        """Create a mapping; the answer shows ``Creating`` (or ``Disabled``) as AWS's does."""
        batch_size = DEFAULT_BATCH_SIZE if batch_size is None else batch_size
        window = DEFAULT_BATCHING_WINDOW if maximum_batching_window is None else maximum_batching_window
        _check_settings(batch_size, window, filter_patterns, function_response_types, maximum_concurrency)
        function = self._functions.lookup(function_name, scope.account, scope.region)
        queue = self._queue(event_source_arn)
        validation.check_batching(queue, batch_size, window)
        validation.check_visibility(queue, function.timeout)
        self._check_unique(event_source_arn, function)
        mapping = EventSourceMapping(
            uuid=str(uuids.uuid4()),
            account=scope.account,
            region=scope.region,
            event_source_arn=event_source_arn,
            function_arn=function.arn,
            batch_size=batch_size,
            maximum_batching_window=window,
            enabled=enabled,
            state=MappingState.ENABLED if enabled else MappingState.DISABLED,
            last_modified=self._clock.now(),
            function_response_types=tuple(function_response_types),
            filter_patterns=tuple(filter_patterns) if filter_patterns else None,
            maximum_concurrency=maximum_concurrency,
        )
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
    ) -> EventSourceMapping:
        """Change the settings given; ``filter_patterns``/``maximum_concurrency`` ``None`` remove them."""
        current = self.get(uuid, scope=scope)
        changes: dict[str, Any] = {}
        function: FunctionConfig | None = None
        if function_name is not None:
            function = self._functions.lookup(function_name, scope.account, scope.region)
            if function.arn != current.function_arn:
                self._check_unique(current.event_source_arn, function)
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
        if maximum_concurrency is not _UNSET:
            changes["maximum_concurrency"] = maximum_concurrency
        updated = current.evolve(**changes)
        _check_settings(
            updated.batch_size,
            updated.maximum_batching_window,
            updated.filter_patterns,
            updated.function_response_types,
            updated.maximum_concurrency,
        )
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
        """Delete a mapping: it stops receiving at once; batches already sent finish."""
        mapping = self.get(uuid, scope=scope)
        await self._registry.delete(mapping)
        await self._stop(uuid)
        return mapping.evolve(state=MappingState.DELETING)

    # -- internals -------------------------------------------------------------------------------

    def _queue(self, arn: str) -> QueueInfo:
        service = _service(arn)
        if service != "sqs":
            raise InvalidParameterValue(f"Unsupported event source: {arn}. triggerfish maps SQS queues.")
        source = self._sources.get(service)
        queue = source.queue(arn) if source is not None else None
        if queue is None:
            raise validation.missing_queue()
        return queue

    def _check_unique(self, event_source_arn: str, function: FunctionConfig) -> None:
        for existing in self._registry.all():
            if existing.event_source_arn == event_source_arn and existing.function_arn == function.arn:
                raise validation.duplicate(event_source_arn, function.name, existing.uuid)

    def _run(self, mapping: EventSourceMapping) -> None:
        source = self._sources.get(_service(mapping.event_source_arn))
        if not mapping.enabled or source is None or mapping.uuid in self._pollers:
            return
        poller = QueuePoller(mapping, source, self._functions, self._clock, self._tracker, self._policy)
        self._pollers[mapping.uuid] = poller
        poller.start()

    async def _stop(self, uuid: str) -> None:
        poller = self._pollers.pop(uuid, None)
        if poller is None:
            return
        await poller.stop()
        if poller.in_flight:
            # its batches finish on their own; keep it for close() until they have
            self._retired.add(poller)
            poller.on_idle(lambda: self._retired.discard(poller))


def _check_settings(
    batch_size: int,
    window: int,
    filter_patterns: Sequence[str] | None,
    function_response_types: Sequence[str],
    maximum_concurrency: int | None,
) -> None:
    validation.check_batch_size(batch_size)
    validation.check_batching_window(window)
    validation.check_response_types(function_response_types)
    if maximum_concurrency is not None:
        validation.check_maximum_concurrency(maximum_concurrency)
    validation.compile_filters(filter_patterns)


def _transition(before: EventSourceMapping, after: EventSourceMapping) -> MappingState:
    """The state an update's answer shows (observed: Enabling, Disabling, or Updating)."""
    if after.enabled and not before.enabled:
        return MappingState.ENABLING
    if before.enabled and not after.enabled:
        return MappingState.DISABLING
    return MappingState.UPDATING


def _service(arn: str) -> str:
    try:
        return parse_arn(arn).service
    except ValueError:
        raise InvalidParameterValue(f"The event source ARN {arn} is not valid.") from None
