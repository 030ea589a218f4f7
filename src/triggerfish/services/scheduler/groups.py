"""Schedule groups in memory, each stored as one document (kind ``scheduler.group``).

Every account and region has the ``default`` group, which is never created and cannot be deleted
("You can't delete, or edit, the default group", Scheduler User Guide, schedule groups). It is stored
only once something of it is kept (its tags).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping

from triggerfish.core.clock import Clock
from triggerfish.core.scope import scope_key
from triggerfish.services.scheduler.documents import decode_group, encode_group
from triggerfish.services.scheduler.errors import ValidationException, group_exists, group_not_found
from triggerfish.services.scheduler.models import DEFAULT_GROUP, GROUP_KIND, ScheduleGroup, Scope
from triggerfish.store.interfaces import DocumentStore

# Tags per resource (Scheduler quotas: "Tags per resource", 50, like most services)
MAX_TAGS = 50


class GroupRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock
        self._groups: dict[tuple[str, str], ScheduleGroup] = {}
        self._lock = asyncio.Lock()

    async def load(self) -> None:
        self._groups = {}
        for document in await self._documents.list(GROUP_KIND):
            group = decode_group(document.body)
            self._groups[(document.scope, group.name)] = group

    def find(self, scope: Scope, name: str) -> ScheduleGroup | None:
        found = self._groups.get((scope_key(scope), name))
        if found is None and name == DEFAULT_GROUP:
            return ScheduleGroup(DEFAULT_GROUP, scope.account, scope.region)
        return found

    def require(self, scope: Scope, name: str) -> ScheduleGroup:
        found = self.find(scope, name)
        if found is None:
            raise group_not_found(name)
        return found

    def in_scope(self, scope: Scope) -> list[ScheduleGroup]:
        key = scope_key(scope)
        found = {name: group for (where, name), group in self._groups.items() if where == key}
        found.setdefault(DEFAULT_GROUP, ScheduleGroup(DEFAULT_GROUP, scope.account, scope.region))
        return [found[name] for name in sorted(found)]

    async def create(
        self, scope: Scope, name: str, tags: Mapping[str, str], client_token: str | None = None
    ) -> ScheduleGroup:
        async with self._lock:
            existing = self.find(scope, name)
            if existing is not None:
                if client_token is not None and existing.client_token == client_token:
                    return existing  # the same request again: idempotent (ClientToken)
                raise group_exists(name)
            _check_tags(tags)
            now = self._clock.now()
            group = ScheduleGroup(name, scope.account, scope.region, dict(tags), now, now, client_token)
            await self._save(group)
            return group

    async def remove(self, scope: Scope, name: str) -> None:
        async with self._lock:
            if name == DEFAULT_GROUP:
                # the default group cannot be deleted (User Guide); AWS's exact text is not recorded
                raise ValidationException("Cannot delete the default schedule group.")
            self.require(scope, name)
            await self._documents.delete(GROUP_KIND, scope_key(scope), name)
            self._groups.pop((scope_key(scope), name), None)

    async def tag(self, scope: Scope, name: str, tags: Mapping[str, str]) -> None:
        async with self._lock:
            group = self.require(scope, name)
            merged = {**group.tags, **tags}
            _check_tags(merged)
            await self._save(self._touched(group, merged))

    async def untag(self, scope: Scope, name: str, keys: Iterable[str]) -> None:
        async with self._lock:
            group = self.require(scope, name)
            dropped = set(keys)
            await self._save(self._touched(group, {k: v for k, v in group.tags.items() if k not in dropped}))

    def _touched(self, group: ScheduleGroup, tags: Mapping[str, str]) -> ScheduleGroup:
        # tags are not part of the group's definition: only the default group's first storage dates it
        now = self._clock.now()
        created = group.created_at if group.created_at is not None else now
        updated = group.updated_at if group.updated_at is not None else now
        return ScheduleGroup(group.name, group.account, group.region, dict(tags), created, updated, group.client_token)

    async def _save(self, group: ScheduleGroup) -> None:
        await self._documents.put(GROUP_KIND, group.scope, group.name, encode_group(group), now=self._clock.now())
        self._groups[(group.scope, group.name)] = group


def _check_tags(tags: Mapping[str, str]) -> None:
    if len(tags) > MAX_TAGS:
        raise ValidationException(f"A resource can have at most {MAX_TAGS} tags.")
    for key, value in tags.items():
        if not isinstance(key, str) or not isinstance(value, str) or not 1 <= len(key) <= 128 or len(value) > 256:
            raise ValidationException(f"Invalid tag {key!r}: keys are 1-128 characters and values at most 256.")
