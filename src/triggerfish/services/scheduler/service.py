"""EventBridge Scheduler (spec §4.7): schedule groups, schedules, and invoking their targets.

Schedules and groups live in memory, each stored as a document; every enabled schedule has a Ticker
timer (:mod:`.firing`); fired ticks become durable pending invocations tried with the schedule's
retry policy and dead-lettered when it runs out (:mod:`.invocations`). The methods take the API's
request shapes, for the AWS provider and for CloudFormation deployments alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.scope import scope_key
from triggerfish.core.work import WorkTracker
from triggerfish.services.due_queue import DueQueue
from triggerfish.services.scheduler.errors import (
    ValidationException,
    constraint,
    group_not_found,
    schedule_exists,
    schedule_not_found,
)
from triggerfish.services.scheduler.firing import Firing
from triggerfish.services.scheduler.groups import GroupRegistry
from triggerfish.services.scheduler.inputs import Fields
from triggerfish.services.scheduler.invocations import Invocations
from triggerfish.services.scheduler.models import (
    DEFAULT_GROUP,
    Schedule,
    ScheduleGroup,
    ScheduleKey,
    ScheduleState,
    Scope,
)
from triggerfish.services.scheduler.schedules import ScheduleRegistry
from triggerfish.services.scheduler.validation import addressed, check_group_name, check_name, read_schedule
from triggerfish.services.ticker import Ticker
from triggerfish.store.interfaces import AsyncEventStore, DocumentStore

# TagResource's ResourceArn (scheduler model TagResourceArn): only schedule groups can be tagged, so a
# schedule's ARN fails this pattern and AWS's request validation refuses it
TAG_ARN_PATTERN = r"arn:aws[a-z-]*:scheduler:[a-z0-9\-]+:\d{12}:schedule-group\/[0-9a-zA-Z-_.]+"
_TAG_ARN = re.compile(r"arn:aws[a-z-]*:scheduler:([a-z0-9\-]+):(\d{12}):schedule-group/([0-9a-zA-Z\-_.]+)")


class SchedulerService:
    def __init__(
        self,
        documents: DocumentStore,
        clock: Clock,
        deliveries: DeliveryRegistry,
        tracker: WorkTracker,
        ticker: Ticker,
        pending: AsyncEventStore,
        *,
        retry_base_delay: float = 1.0,
    ) -> None:
        self._clock = clock
        self.groups = GroupRegistry(documents, clock)
        self.schedules = ScheduleRegistry(documents, clock)
        self._queue = DueQueue(pending, clock, tracker)
        self.invocations = Invocations(self._queue, deliveries, clock, retry_base_delay=retry_base_delay)
        self._firing = Firing(self.schedules, ticker, self.invocations, clock)
        # ClientTokens of recent deletions, so a retried DeleteSchedule succeeds again
        self._deletions: dict[ScheduleKey, str] = {}

    async def start(self) -> None:
        await self.groups.load()
        await self.schedules.load()
        await self._queue.start(self.invocations.handle)
        for schedule in self.schedules:
            async with self.schedules.lock(schedule.key):
                if self.schedules.find(schedule.key) is schedule:
                    await self._firing.arm(schedule)

    async def close(self) -> None:
        self._firing.close()
        await self._queue.close()

    # --- schedules ----------------------------------------------------------------------------

    async def create_schedule(self, fields: Mapping[str, Any], *, scope: Scope) -> str:
        """CreateSchedule; returns the ScheduleArn."""
        schedule = read_schedule(fields, scope=scope, now=self._clock.now())
        self.groups.require(scope, schedule.group)
        key = schedule.key
        async with self.schedules.lock(key):
            existing = self.schedules.find(key)
            if existing is not None:
                if schedule.client_token is not None and existing.client_token == schedule.client_token:
                    return existing.arn  # the same request again (ClientToken idempotency)
                raise schedule_exists(schedule.name)
            await self.schedules.save(schedule)
            self._deletions.pop(key, None)
            await self._firing.arm(schedule)
        return schedule.arn

    async def update_schedule(self, fields: Mapping[str, Any], *, scope: Scope) -> str:
        """UpdateSchedule: every setting is replaced; what the request leaves out takes its default."""
        where = addressed(fields)
        self.groups.require(scope, where.group)
        key = ScheduleKey(scope_key(scope), where.group, where.name)
        async with self.schedules.lock(key):
            existing = self.schedules.find(key)
            if existing is None:
                raise schedule_not_found(where.name)
            if where.client_token is not None and existing.client_token == where.client_token:
                return existing.arn  # the same request again (ClientToken idempotency)
            schedule = read_schedule(fields, scope=scope, now=self._clock.now(), created_at=existing.created_at)
            await self.schedules.save(schedule)
            await self._firing.arm(schedule)
        return schedule.arn

    async def delete_schedule(
        self, name: str, group: str | None = None, *, scope: Scope, client_token: str | None = None
    ) -> None:
        name, group = check_name(name), check_group_name(group)
        self.groups.require(scope, group)
        key = ScheduleKey(scope_key(scope), group, name)
        async with self.schedules.lock(key):
            if self.schedules.find(key) is None:
                if client_token is not None and self._deletions.get(key) == client_token:
                    return  # the same request again (ClientToken idempotency)
                raise schedule_not_found(name)
            self._firing.disarm(key)
            await self.schedules.remove(key)
            if client_token is not None:
                self._deletions[key] = client_token

    def get_schedule(self, name: str, group: str | None = None, *, scope: Scope) -> Schedule:
        name, group = check_name(name), check_group_name(group)
        self.groups.require(scope, group)
        found = self.schedules.find(ScheduleKey(scope_key(scope), group, name))
        if found is None:
            raise schedule_not_found(name)
        return found

    def list_schedules(
        self,
        *,
        scope: Scope,
        group: str | None = None,
        name_prefix: str | None = None,
        state: ScheduleState | str | None = None,
    ) -> list[Schedule]:
        """ListSchedules' filters: the group (which must exist), a name prefix and a state."""
        if group is not None:
            self.groups.require(scope, check_group_name(group))
        wanted = Fields({"State": state}).choice("State", ScheduleState)
        return [
            schedule
            for schedule in self.schedules.in_scope(scope, group)
            if (name_prefix is None or schedule.name.startswith(name_prefix))
            and (wanted is None or schedule.state is wanted)
        ]

    # --- schedule groups ----------------------------------------------------------------------

    async def create_schedule_group(
        self, name: str, tags: Mapping[str, str] | None = None, *, scope: Scope, client_token: str | None = None
    ) -> str:
        """CreateScheduleGroup; returns the ScheduleGroupArn."""
        if tags is not None and not isinstance(tags, Mapping):
            raise ValidationException("Tags must map each tag key to its value.")
        group = await self.groups.create(scope, check_name(name), tags or {}, client_token)
        return group.arn

    def get_schedule_group(self, name: str, *, scope: Scope) -> ScheduleGroup:
        return self.groups.require(scope, check_name(name))

    def list_schedule_groups(self, *, scope: Scope, name_prefix: str | None = None) -> list[ScheduleGroup]:
        groups = self.groups.in_scope(scope)
        return [g for g in groups if name_prefix is None or g.name.startswith(name_prefix)]

    async def delete_schedule_group(self, name: str, *, scope: Scope) -> None:
        """DeleteScheduleGroup deletes the group's schedules too. AWS keeps the group DELETING until
        they are gone; here both are gone when the call returns."""
        name = check_name(name)
        self.groups.require(scope, name)
        if name != DEFAULT_GROUP:
            for schedule in self.schedules.in_scope(scope, name):
                async with self.schedules.lock(schedule.key):
                    self._firing.disarm(schedule.key)
                    await self.schedules.remove(schedule.key)
        await self.groups.remove(scope, name)

    # --- tags (schedule groups only) ------------------------------------------------------------

    def list_tags(self, arn: str, *, scope: Scope) -> dict[str, str]:
        return dict(self.groups.require(scope, _tagged_group(arn, scope)).tags)

    async def tag_resource(self, arn: str, tags: Mapping[str, str], *, scope: Scope) -> None:
        await self.groups.tag(scope, _tagged_group(arn, scope), tags)

    async def untag_resource(self, arn: str, keys: Iterable[str], *, scope: Scope) -> None:
        await self.groups.untag(scope, _tagged_group(arn, scope), keys)

    # --- settings -----------------------------------------------------------------------------

    @property
    def retry_base_delay(self) -> float:
        return self.invocations.retry_base_delay

    @retry_base_delay.setter
    def retry_base_delay(self, value: float) -> None:
        self.invocations.retry_base_delay = value


def _tagged_group(arn: Any, scope: Scope) -> str:
    if not isinstance(arn, str):
        raise ValidationException("ResourceArn must be a string.")
    match = _TAG_ARN.fullmatch(arn)
    if match is None:
        # AWS answers a schedule's ARN (or any other) with the member's pattern violation
        raise constraint(arn, "resourceArn", f"Member must satisfy regular expression pattern: {TAG_ARN_PATTERN}")
    region, account, name = match.groups()
    if (account, region) != (scope.account, scope.region):
        raise group_not_found(name)
    return name


__all__ = ["SchedulerService"]
