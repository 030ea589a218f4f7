"""Rules with a ``ScheduleExpression``: one timer per enabled rule, a "Scheduled Event" per tick.

spec §4.6. Each tick comes from the rule's timetable, never from "now + period", so nothing
drifts. The tick a rule last fired for is stored (``RULE_TICK_KIND``, named by the rule's ARN)
before its targets are sent to, so no tick ever fires twice, even across a restart. Ticks missed
while the server was down are coalesced: on start the latest of them fires once, then the rule
goes on with its schedule. A disabled rule owes nothing for the time it was disabled.

The stored record also keeps the rate anchor: ``rate(...)`` counts from the rule's creation (§4.6)
and keeps counting from there when the rule is updated or re-enabled; a PutRule that changes the
expression starts the count again from the update (AWS does not document this; unverified).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import TypedDict

import orjson

from triggerfish.core.clock import Clock
from triggerfish.core.ids import request_id
from triggerfish.core.payloads.eventbridge import scheduled_event
from triggerfish.core.schedules import InvalidScheduleExpression, Timetable, parse_schedule
from triggerfish.core.scope import scope_key
from triggerfish.services.events.dispatch import TargetDispatcher
from triggerfish.services.events.models import Rule, RuleRef
from triggerfish.services.ticker import Ticker
from triggerfish.store.interfaces import DocumentStore

log = logging.getLogger(__name__)

RULE_TICK_KIND = "events.rule-tick"
_MICROSECOND = dt.timedelta(microseconds=1)


class _TickBody(TypedDict):
    expression: str
    anchor: float
    since: float
    last: float | None


@dataclass(frozen=True)
class TickRecord:
    """What a schedule rule owes: ticks after ``since`` (and after ``last``, the tick last fired)."""

    expression: str
    #: when ``rate(...)`` starts counting (the rule's creation, or the update that changed the rate)
    anchor: float
    #: ticks at or before this are not owed (the rule did not exist or was not enabled yet)
    since: float
    last: float | None = None

    @property
    def floor(self) -> float:
        return self.since if self.last is None else max(self.since, self.last)

    def dumps(self) -> str:
        body: _TickBody = {"expression": self.expression, "anchor": self.anchor, "since": self.since, "last": self.last}
        return orjson.dumps(body).decode()

    @classmethod
    def loads(cls, text: str) -> TickRecord:
        body: _TickBody = orjson.loads(text)
        return cls(body["expression"], body["anchor"], body["since"], body["last"])


@dataclass(eq=False)
class _Plan:
    """An armed rule: its record and timetable. Replaced whole when the rule changes."""

    arn: str
    scope: str
    record: TickRecord
    timetable: Timetable


class ScheduledRules:
    def __init__(
        self,
        ticker: Ticker,
        documents: DocumentStore,
        clock: Clock,
        dispatcher: TargetDispatcher,
        current: Callable[[str], Rule | None],
    ) -> None:
        self._ticker = ticker
        self._documents = documents
        self._clock = clock
        self._dispatcher = dispatcher
        self._current = current
        self._plans: dict[str, _Plan] = {}
        self._records: dict[str, TickRecord] = {}
        # one lock per rule: a tick's record is stored and its sends made before the next tick's
        self._locks: dict[str, asyncio.Lock] = {}

    async def start(self, rules: Iterable[Rule]) -> None:
        """Arm every enabled schedule rule; fire once for ticks missed while the server was down."""
        for rule in rules:
            if _scheduled(rule):
                await self._arm(rule, restarting=True)

    async def changed(self, rule: Rule) -> None:
        """The rule was created, updated, enabled, disabled or its targets changed."""
        if not _scheduled(rule):
            self._stop(rule.arn)
            return
        plan = self._plans.get(rule.arn)
        if plan is not None and plan.record.expression == rule.schedule_expression:
            return  # still on the same schedule: the timer stands, and fire reads the rule anew
        await self._arm(rule, restarting=False)

    async def removed(self, rule_arn: str) -> None:
        self._stop(rule_arn)
        self._records.pop(rule_arn, None)
        await self._documents.delete(RULE_TICK_KIND, _scope_of_arn(rule_arn), rule_arn)

    def next_tick(self, rule_arn: str) -> float | None:
        """When the rule fires next, or ``None`` when it is not armed."""
        return self._ticker.due_of(_key(rule_arn))

    async def _arm(self, rule: Rule, *, restarting: bool) -> None:
        expression = rule.schedule_expression
        assert expression is not None
        try:
            schedule = parse_schedule(expression)
        except InvalidScheduleExpression as exc:
            log.warning("not scheduling rule %s: %s", rule.arn, exc)
            return
        now = self._clock.now()
        scope = scope_key(rule)
        record = _rearmed(await self._saved(rule.arn, scope), rule, expression, now, restarting=restarting)
        await self._save(rule.arn, scope, record)
        plan = _Plan(rule.arn, scope, record, Timetable.for_rule(schedule, _datetime(record.anchor)))
        self._plans[rule.arn] = plan
        due = _missed_tick(plan, now) if restarting else None
        if due is None:
            due = _following(plan.timetable, max(now, record.floor))
        if due is None:
            self._ticker.cancel(_key(rule.arn))
            return

        async def fire(tick: float) -> None:
            await self._fire(plan, tick)

        self._ticker.set(_key(rule.arn), due, fire, lambda tick: _following(plan.timetable, tick))

    def _stop(self, rule_arn: str) -> None:
        self._plans.pop(rule_arn, None)
        self._ticker.cancel(_key(rule_arn))

    async def _fire(self, plan: _Plan, tick: float) -> None:
        async with self._locks.setdefault(plan.arn, asyncio.Lock()):
            if self._plans.get(plan.arn) is not plan or tick <= plan.record.floor:
                return  # replaced, removed, or this tick has fired already
            rule = self._current(plan.arn)
            if rule is None or not _scheduled(rule) or rule.schedule_expression != plan.record.expression:
                return
            plan.record = replace(plan.record, last=tick)
            # stored before anything is sent: a restart must never fire this tick again
            await self._save(plan.arn, plan.scope, plan.record)
            event = scheduled_event(
                event_id=request_id(), rule_arn=rule.arn, account=rule.account, region=rule.region, time=tick
            )
            ref = RuleRef.of(rule)
            sends = [self._dispatcher.send(ref, target, event, ingestion_time=tick) for target in rule.targets]
            for outcome in await asyncio.gather(*sends, return_exceptions=True):
                if isinstance(outcome, Exception):
                    log.error("rule %s could not send its scheduled event: %s", rule.arn, outcome)

    async def _saved(self, arn: str, scope: str) -> TickRecord | None:
        record = self._records.get(arn)
        if record is not None:
            return record
        document = await self._documents.get(RULE_TICK_KIND, scope, arn)
        return None if document is None else TickRecord.loads(document.body)

    async def _save(self, arn: str, scope: str, record: TickRecord) -> None:
        if self._records.get(arn) == record:
            return
        await self._documents.put(RULE_TICK_KIND, scope, arn, record.dumps(), now=self._clock.now())
        self._records[arn] = record


def _rearmed(saved: TickRecord | None, rule: Rule, expression: str, now: float, *, restarting: bool) -> TickRecord:
    """The record of a rule being armed, from what was stored of it."""
    created = rule.created_at if 0 < rule.created_at <= now else now
    if saved is None:
        # first sight of the rule; after a restart, ticks since its creation are owed
        return TickRecord(expression, created, created if restarting else now)
    if saved.expression != expression:
        return replace(saved, expression=expression, anchor=now, since=now)
    if restarting:
        return saved
    # re-enabled: the time it spent disabled is not owed
    return replace(saved, since=max(now, saved.since))


def _missed_tick(plan: _Plan, now: float) -> float | None:
    """The latest tick at or before ``now`` that is owed, if any: all missed ticks fire as one."""
    latest = plan.timetable.previous_before(_datetime(now) + _MICROSECOND)
    if latest is None:
        return None
    tick = latest.timestamp()
    return tick if tick > plan.record.floor else None


def _following(timetable: Timetable, after: float) -> float | None:
    found = timetable.next_after(_datetime(after))
    return None if found is None else found.timestamp()


def _scheduled(rule: Rule) -> bool:
    return rule.schedule_expression is not None and rule.state.enabled


def _key(rule_arn: str) -> tuple[str, str]:
    return ("events.rule", rule_arn)


def _datetime(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def _scope_of_arn(rule_arn: str) -> str:
    parts = rule_arn.split(":", 5)
    return f"{parts[4]}/{parts[3]}"
