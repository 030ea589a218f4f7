"""EventBridge replays: StartReplay and its siblings, and the task that feeds archived events back to
their bus (spec §4.5).

A replay runs as a task held in the WorkTracker: STARTING, then RUNNING while every archived event
with a time in ``[EventStartTime, EventEndTime)`` goes to the sink with ``replay-name`` added, then
COMPLETED. CancelReplay makes it CANCELLING; it stops before the next event and ends CANCELLED.
The replay's document is rewritten after each event with the key of that event, so after a restart a
running replay carries on after the last event it sent and a cancelling one ends cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, overload

from triggerfish.core.clock import Clock
from triggerfish.core.errors import TriggerfishError
from triggerfish.core.scope import scope_key
from triggerfish.core.work import WorkTracker
from triggerfish.services.events import archive_params as params
from triggerfish.services.events.archive_models import Archive, timestamp
from triggerfish.services.events.archive_shapes import (
    ReplayChange,
    ReplayDescription,
    ReplayList,
    replay_change,
    replay_description,
    replay_summary,
)
from triggerfish.services.events.archives import Archives
from triggerfish.services.events.errors import (
    IllegalStatus,
    ResourceAlreadyExists,
    ResourceNotFound,
    ValidationException,
)
from triggerfish.services.events.models import Location, Scope
from triggerfish.services.events.naming import BusRef, parse_bus_arn, parse_rule_arn
from triggerfish.services.events.paging import page
from triggerfish.services.events.replay_models import REPLAY_KIND, Replay, ReplayState, with_replay_name
from triggerfish.store.interfaces import DocumentStore, RevisionMismatch

log = logging.getLogger(__name__)

#: Where replayed events go: ``(bus ARN, event with replay-name, rule ARNs to limit to or None)``.
ReplaySink = Callable[[str, dict[str, Any], frozenset[str] | None], Awaitable[None]]


@dataclass(eq=False)
class _Running:
    replay: Replay
    cancel: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    task: asyncio.Task[None] | None = None

    def cancelled(self) -> bool:
        """Whether CancelReplay asked it to stop (a method, so each look reads it afresh)."""
        return self.cancel


class Replays:
    def __init__(
        self,
        documents: DocumentStore,
        clock: Clock,
        tracker: WorkTracker,
        archives: Archives,
        replay: ReplaySink,
        bus_exists: Callable[[str], bool],
    ) -> None:
        self._documents = documents
        self._clock = clock
        self._tracker = tracker
        self._archives = archives
        self._sink = replay
        self._bus_exists = bus_exists
        self._running: dict[tuple[str, str], _Running] = {}  # by (scope, name)

    @overload
    async def start(self) -> None: ...

    @overload
    async def start(self, fields: Mapping[str, Any], *, scope: Scope) -> ReplayChange: ...

    async def start(
        self, fields: Mapping[str, Any] | None = None, *, scope: Scope | None = None
    ) -> ReplayChange | None:
        """``start()`` starts the service (resuming journalled replays); ``start(fields, scope=...)`` is
        StartReplay."""
        if fields is None:
            await self._resume()
            return None
        if scope is None:
            raise TypeError("StartReplay needs the caller's scope")
        return await self._start_replay(fields, scope)

    async def close(self) -> None:
        """Stop the running replays where they are; their journal resumes them on the next start."""
        running = [entry.task for entry in self._running.values() if entry.task is not None]
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def describe(self, name: str, *, scope: Scope) -> ReplayDescription:
        return replay_description(await self._replay(name, scope))

    async def list(self, fields: Mapping[str, Any], *, scope: Scope) -> ReplayList:
        params.exclusive_filters(fields, "ListReplays")
        prefix = params.optional_text(fields, "NamePrefix", "namePrefix") or ""
        source = params.optional_text(fields, "EventSourceArn", "eventSourceArn")
        state = fields.get("State")
        chosen = [
            replay
            for replay in await self._all(scope_key(scope))
            if replay.name.startswith(prefix)
            and (source is None or replay.archive_arn == source)
            and (state is None or replay.state.value == state)
        ]
        shown = page(chosen, lambda replay: replay.name, limit=fields.get("Limit"), token=fields.get("NextToken"))
        result: ReplayList = {"Replays": [replay_summary(replay) for replay in shown.items]}
        if shown.next_token is not None:
            result["NextToken"] = shown.next_token
        return result

    async def cancel(self, name: str, *, scope: Scope) -> ReplayChange:
        running = self._running.get((scope_key(scope), name))
        replay = running.replay if running is not None else await self._replay(name, scope)
        if not replay.state.cancellable:
            raise IllegalStatus(f"Replay {name} is not in a valid state for this operation.")
        cancelling = replace(replay, state=ReplayState.CANCELLING)
        if running is None:  # journalled as running but not running here (the service was not started)
            await self._write(replace(replay, state=ReplayState.CANCELLED, ended_at=self._clock.now()))
            return replay_change(cancelling)
        running.cancel = True
        running.replay = cancelling
        await self._save(running)
        return replay_change(cancelling)

    # --- StartReplay ------------------------------------------------------------------------------

    async def _start_replay(self, fields: Mapping[str, Any], scope: Scope) -> ReplayChange:
        name = params.name(fields, "ReplayName", "replayName", params.REPLAY_NAME)
        description = params.optional_text(fields, "Description", "description", params.DESCRIPTION)
        source = params.required_text(fields, "EventSourceArn", "eventSourceArn")
        start = params.epoch(fields, "EventStartTime", "eventStartTime")
        end = params.epoch(fields, "EventEndTime", "eventEndTime")
        destination = fields.get("Destination")
        if not isinstance(destination, Mapping):
            raise params.missing("destination")
        destination_arn = params.required_text(destination, "Arn", "destination.arn")
        here = scope_key(scope)
        # replay names stay taken while AWS keeps the replay (90 days), finished or not
        if (here, name) in self._running or await self._documents.get(REPLAY_KIND, here, name) is not None:
            raise _exists(name)
        if end <= start:
            raise params.not_valid("EventEndTime", "EventStartTime must be before EventEndTime.")
        archive = await self._archive_of(source, scope)
        bus = self._destination(destination_arn, archive, scope)
        filters = _filter_arns(destination.get("FilterArns"), bus)
        replay = Replay(
            name,
            scope.account,
            scope.region,
            archive.name,
            archive.arn,
            bus.arn,
            filters,
            start,
            end,
            self._clock.now(),
            description,
        )
        try:
            await self._documents.put(
                REPLAY_KIND, here, name, replay.to_json(), now=replay.started_at, expected_revision=0
            )
        except RevisionMismatch:
            raise _exists(name) from None
        self._launch(replay)
        return {"ReplayArn": replay.arn, "State": replay.state.value, "ReplayStartTime": timestamp(replay.started_at)}

    async def _archive_of(self, source: str, scope: Scope) -> Archive:
        parsed = params.parse_archive_arn(source)
        if parsed is None:
            raise params.not_valid("EventSourceArn", "Provided Arn is not in correct format.")
        region, account, name = parsed
        archive = (
            await self._archives.find(name, scope=scope) if (region, account) == (scope.region, scope.account) else None
        )
        if archive is None:
            raise params.not_valid("EventSourceArn", f"Archive {name} does not exist.")
        return archive

    def _destination(self, arn: str, archive: Archive, scope: Scope) -> BusRef:
        bus = parse_bus_arn(arn)
        if bus is None:
            raise params.not_valid("Destination.Arn", "Provided Arn is not in correct format.")
        if (bus.region, bus.account) != (scope.region, scope.account) or not self._bus_exists(bus.arn):
            raise ResourceNotFound(f"Event bus {bus.name} does not exist.")
        # Destination.Arn: "You can replay events only to the event bus specified to create the archive."
        if bus != parse_bus_arn(archive.event_source_arn):
            raise params.not_valid("Destination.Arn", "Cross event bus replay is not permitted.")
        return bus

    # --- running ----------------------------------------------------------------------------------

    async def _resume(self) -> None:
        for document in await self._documents.list(REPLAY_KIND, None):
            replay = Replay.from_json(document.body)
            if replay.state is ReplayState.CANCELLING:
                await self._write(replace(replay, state=ReplayState.CANCELLED, ended_at=self._clock.now()))
            elif replay.state.cancellable and (replay.scope, replay.name) not in self._running:
                self._launch(replay)

    def _launch(self, replay: Replay) -> None:
        running = _Running(replay)
        self._running[(replay.scope, replay.name)] = running
        hold = self._tracker.hold()
        hold.__enter__()  # held from now, not from when the task first runs, so nothing settles early
        running.task = asyncio.get_running_loop().create_task(self._run(running, hold))

    async def _run(self, running: _Running, hold: contextlib.AbstractContextManager[None]) -> None:
        try:
            await self._feed(running)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.exception("replay %s failed", running.replay.arn)
            reason = error.message if isinstance(error, TriggerfishError) else "An internal error occurred."
            await self._finish(running, ReplayState.FAILED, reason)
        finally:
            if self._running.get((running.replay.scope, running.replay.name)) is running:
                del self._running[(running.replay.scope, running.replay.name)]
            hold.__exit__(None, None, None)

    async def _feed(self, running: _Running) -> None:
        replay = running.replay
        where = Location(replay.account, replay.region)
        archive = await self._archives.find(replay.archive_name, scope=where)
        if archive is not None and not running.cancelled():
            await self._send_all(running, archive)
        if running.cancelled():
            await self._finish(running, ReplayState.CANCELLED)
        elif archive is None or await self._archives.find(replay.archive_name, scope=where) is not archive:
            await self._finish(running, ReplayState.FAILED, f"Archive {replay.archive_name} does not exist.")
        else:
            await self._finish(running, ReplayState.COMPLETED)

    async def _send_all(self, running: _Running, archive: Archive) -> None:
        """Send the archived events of the window after the cursor, stopping early on a cancel."""
        replay = running.replay
        if replay.state is ReplayState.STARTING:
            running.replay = replace(replay, state=ReplayState.RUNNING)
            await self._save(running)
        filters = frozenset(replay.filter_arns) or None
        events = self._archives.scan(archive, start=replay.event_start, end=replay.event_end, after=replay.cursor)
        async with contextlib.aclosing(events):
            async for stored in events:
                if running.cancelled():
                    return
                await self._sink(replay.destination, with_replay_name(stored.event, replay.name), filters)
                running.replay = replace(running.replay, cursor=stored.key, last_replayed=stored.time)
                await self._save(running)

    async def _finish(self, running: _Running, state: ReplayState, reason: str | None = None) -> None:
        running.replay = replace(running.replay, state=state, state_reason=reason, ended_at=self._clock.now())
        await self._save(running)

    async def _save(self, running: _Running) -> None:
        # one write at a time per replay, each of its latest state, so a cancel is never overwritten
        async with running.lock:
            await self._write(running.replay)

    async def _write(self, replay: Replay) -> None:
        await self._documents.put(REPLAY_KIND, replay.scope, replay.name, replay.to_json(), now=self._clock.now())

    # --- reading ----------------------------------------------------------------------------------

    async def _replay(self, name: str, scope: Scope) -> Replay:
        here = scope_key(scope)
        running = self._running.get((here, name))
        if running is not None:
            return running.replay
        document = await self._documents.get(REPLAY_KIND, here, name)
        if document is None:
            raise ResourceNotFound(f"Replay {name} does not exist.")
        return Replay.from_json(document.body)

    async def _all(self, here: str) -> Sequence[Replay]:
        """Every replay of a scope by name, the running ones as they are now."""
        replays = [Replay.from_json(document.body) for document in await self._documents.list(REPLAY_KIND, here)]
        return sorted(
            (self._running[(here, r.name)].replay if (here, r.name) in self._running else r for r in replays),
            key=lambda replay: replay.name,
        )


def _filter_arns(value: object, bus: BusRef) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(arn, str) for arn in value):
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'destination.filterArns' failed to satisfy "
            "constraint: Member must be a list of strings"
        )
    for arn in value:
        rule = parse_rule_arn(arn)
        # FilterArns: "A list of ARNs for rules to replay events to" -- rules of the destination bus
        if rule is None or rule[0] != bus:
            raise params.not_valid("Destination.FilterArns", f"{arn} is not a rule on the destination event bus.")
    return tuple(value)


def _exists(name: str) -> ResourceAlreadyExists:
    return ResourceAlreadyExists(f"Replay {name} already exists.")
