"""The rule book: every rule with its targets, stored as documents, and held in a :class:`RuleIndex`.

Rules are documents of kind ``events.rule`` named ``<bus>/<rule>`` in their bus's scope; a rule's
targets live inside its document. Every change is stored first, then shown in the index that
matches events.

Whoever arms schedules watches the book: it hears of every rule whose schedule may have changed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from triggerfish.core.clock import Clock
from triggerfish.core.patterns import CompiledPattern, InvalidPattern
from triggerfish.core.scope import scope_key
from triggerfish.services.events.errors import LimitExceeded, ResourceNotFound, ValidationException
from triggerfish.services.events.models import RULE_KIND, Rule, RuleState, Target, TargetSpec
from triggerfish.services.events.naming import BusRef
from triggerfish.services.events.rule_checks import check_rule, check_unmanaged
from triggerfish.services.events.rule_documents import rule_body, rule_from_document
from triggerfish.services.events.rule_index import RuleIndex
from triggerfish.services.events.targets import InputCheck, checked_targets, merged
from triggerfish.store.interfaces import DocumentStore

log = logging.getLogger(__name__)

# "Rules: 300 per event bus" (EventBridge quotas, most Regions)
MAX_RULES_PER_BUS = 300
TOO_MANY = "The requested resource exceeds the maximum number allowed."


class ScheduleWatcher(Protocol):
    """Told of every rule whose schedule may have changed, and of every scheduled rule removed."""

    async def changed(self, rule: Rule) -> None: ...

    async def removed(self, rule_arn: str) -> None: ...


def missing_rule(name: str, bus: str) -> ResourceNotFound:
    return ResourceNotFound(f"Rule {name} does not exist on EventBus {bus}.")


def _no_input_check(spec: TargetSpec) -> None:
    return None


class RuleBook:
    def __init__(
        self,
        documents: DocumentStore,
        clock: Clock,
        *,
        check_input: InputCheck = _no_input_check,
        max_rules_per_bus: int = MAX_RULES_PER_BUS,
    ) -> None:
        self._documents = documents
        self._clock = clock
        self._check_input = check_input
        #: the "rules per event bus" quota (300 by default; AWS raises it on request)
        self.max_rules_per_bus = max_rules_per_bus
        self._index = RuleIndex()
        self._watchers: list[ScheduleWatcher] = []
        # read-modify-write of one rule's document must not interleave with another's
        self._writing = asyncio.Lock()

    def watch(self, watcher: ScheduleWatcher) -> None:
        self._watchers.append(watcher)

    async def start(self) -> None:
        """Load every rule from the store."""
        self._index.clear()
        for document in await self._documents.list(RULE_KIND):
            rule = rule_from_document(document)
            try:
                self._index.add(rule)
            except InvalidPattern:
                log.warning("rule %s has a pattern this version refuses; it matches nothing", rule.arn)
                self._index.add_unmatched(rule)

    # -- reading

    def get(self, rule_arn: str) -> Rule | None:
        return self._index.get(rule_arn)

    def find(self, bus: BusRef, name: str) -> Rule | None:
        return self._index.get(bus.rule_arn(name))

    def require(self, bus: BusRef, name: str) -> Rule:
        found = self.find(bus, name)
        if found is None:
            raise missing_rule(name, bus.name)
        return found

    def on_bus(self, bus: BusRef) -> list[Rule]:
        """The bus's rules by name."""
        return self._index.on_bus(bus)

    def scheduled(self) -> list[Rule]:
        """Every rule with a schedule expression, enabled or not."""
        return [rule for rule in self._index.all() if rule.schedule_expression is not None]

    def match(self, bus_arn: str, event: Mapping[str, Any]) -> Sequence[Rule]:
        """The enabled rules of the bus whose pattern matches ``event``, by name."""
        return self._index.match(bus_arn, event)

    # -- writing

    async def put(
        self,
        bus: BusRef,
        name: str,
        *,
        event_pattern: str | None = None,
        schedule_expression: str | None = None,
        state: RuleState = RuleState.ENABLED,
        description: str | None = None,
        role_arn: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Rule:
        """Create the rule or replace its settings; its targets and tags stay (§4.4 PutRule)."""
        compiled = check_rule(bus, name, event_pattern, schedule_expression)
        async with self._writing:
            previous = self.find(bus, name)
            if previous is None and self._index.count_on(bus) >= self.max_rules_per_bus:
                raise LimitExceeded(TOO_MANY)
            rule = Rule(
                name,
                bus.name,
                bus.account,
                bus.region,
                state=state,
                event_pattern=event_pattern or None,
                schedule_expression=schedule_expression or None,
                description=description or None,
                role_arn=role_arn or None,
                created_by=bus.account if previous is None else previous.created_by,
                targets=() if previous is None else previous.targets,
                tags={**(previous.tags if previous else {}), **(tags or {})},
                created_at=self._clock.now() if previous is None else previous.created_at,
            )
            await self._write(rule, compiled)
        if rule.schedule_expression is not None:
            await self._tell_changed(rule)
        elif previous is not None and previous.schedule_expression is not None:
            await self._tell_removed(rule.arn)
        return rule

    async def set_state(self, bus: BusRef, name: str, state: RuleState) -> Rule:
        async with self._writing:
            rule = replace(self.require(bus, name), state=state)
            await self._write(rule)
        if rule.schedule_expression is not None:
            await self._tell_changed(rule)
        return rule

    async def set_tags(self, rule: Rule, tags: Mapping[str, str]) -> Rule:
        async with self._writing:
            current = self.get(rule.arn) or rule
            changed = replace(current, tags=dict(tags))
            await self._write(changed)
        return changed

    async def delete(self, bus: BusRef, name: str, *, force: bool = False) -> None:
        """Delete the rule; a rule that is not there is no error (DeleteRule API reference)."""
        async with self._writing:
            rule = self.find(bus, name)
            if rule is None:
                return
            check_unmanaged(rule, force)
            if rule.targets:
                raise ValidationException("Rule can't be deleted since it has targets.")
            await self._erase(rule)
        if rule.schedule_expression is not None:
            await self._tell_removed(rule.arn)

    async def delete_bus(self, bus: BusRef) -> None:
        """Deleting a bus deletes its rules (EventBridge User Guide, "Deleting an event bus")."""
        async with self._writing:
            gone = self.on_bus(bus)
            for rule in gone:
                await self._erase(rule)
        for rule in gone:
            if rule.schedule_expression is not None:
                await self._tell_removed(rule.arn)

    async def put_targets(self, bus: BusRef, name: str, specs: Sequence[Mapping[str, Any]]) -> Rule:
        added = checked_targets(specs, self._check_input)
        async with self._writing:
            current = self.require(bus, name)
            rule = replace(current, targets=merged(current.targets, added))
            await self._write(rule)
        if rule.schedule_expression is not None:
            await self._tell_changed(rule)
        return rule

    async def remove_targets(self, bus: BusRef, name: str, ids: Iterable[str], *, force: bool = False) -> Rule:
        """Drop the targets with these ids; an id the rule does not have is passed over."""
        unwanted = set(ids)
        async with self._writing:
            current = self.require(bus, name)
            check_unmanaged(current, force)
            kept: tuple[Target, ...] = tuple(t for t in current.targets if t.id not in unwanted)
            rule = replace(current, targets=kept)
            if kept != current.targets:
                await self._write(rule)
        if rule.schedule_expression is not None:
            await self._tell_changed(rule)
        return rule

    # -- internals

    async def _write(self, rule: Rule, compiled: CompiledPattern | None = None) -> None:
        scope = scope_key(rule)
        body = json.dumps(rule_body(rule))
        await self._documents.put(RULE_KIND, scope, f"{rule.bus}/{rule.name}", body, now=self._clock.now())
        self._index.add(rule, compiled)

    async def _erase(self, rule: Rule) -> None:
        await self._documents.delete(RULE_KIND, scope_key(rule), f"{rule.bus}/{rule.name}")
        self._index.remove(rule.arn)

    async def _tell_changed(self, rule: Rule) -> None:
        for watcher in self._watchers:
            await watcher.changed(rule)

    async def _tell_removed(self, arn: str) -> None:
        for watcher in self._watchers:
            await watcher.removed(arn)
