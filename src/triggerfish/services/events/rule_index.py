"""The rules in memory: by ARN, by bus, and a :class:`PatternIndex` per bus for matching.

Only enabled rules with a pattern are in a bus's pattern index, so an event is matched against
the rules that can take it, and the index narrows those down by the event's values: matching costs
little however many rules a bus has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triggerfish.core.patterns import CompiledPattern, PatternIndex, compile_pattern
from triggerfish.services.events.models import Rule
from triggerfish.services.events.naming import BusRef


def bus_of(rule: Rule) -> BusRef:
    return BusRef(rule.account, rule.region, rule.bus)


class RuleIndex:
    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._by_bus: dict[BusRef, dict[str, Rule]] = {}
        self._patterns: dict[str, CompiledPattern] = {}
        self._indexes: dict[str, PatternIndex] = {}

    def clear(self) -> None:
        self._rules.clear()
        self._by_bus.clear()
        self._patterns.clear()
        self._indexes.clear()

    def get(self, rule_arn: str) -> Rule | None:
        return self._rules.get(rule_arn)

    def count_on(self, bus: BusRef) -> int:
        return len(self._by_bus.get(bus, ()))

    def on_bus(self, bus: BusRef) -> list[Rule]:
        """The bus's rules by name."""
        rules = self._by_bus.get(bus, {})
        return [rules[name] for name in sorted(rules)]

    def all(self) -> list[Rule]:
        return list(self._rules.values())

    def match(self, bus_arn: str, event: Mapping[str, Any]) -> Sequence[Rule]:
        """The enabled rules of the bus whose pattern matches ``event``, by name."""
        index = self._indexes.get(bus_arn)
        if index is None:
            return []
        found = [self._rules[arn] for arn in index.match(event) if isinstance(arn, str)]
        return sorted(found, key=lambda rule: rule.name)

    def add(self, rule: Rule, compiled: CompiledPattern | None = None) -> None:
        """Hold ``rule`` in place of any rule of its ARN; ``compiled`` spares compiling its pattern again.

        Raises ``InvalidPattern`` (leaving the index as it was) for a pattern that does not compile.
        """
        if rule.event_pattern is not None and compiled is None:
            before = self._rules.get(rule.arn)
            if before is not None and before.event_pattern == rule.event_pattern:
                compiled = self._patterns.get(rule.arn)
            compiled = compiled or compile_pattern(rule.event_pattern)
        self.remove(rule.arn)
        self._hold(rule)
        if compiled is None:
            return
        self._patterns[rule.arn] = compiled
        if rule.state.enabled:
            self._indexes.setdefault(rule.bus_arn, PatternIndex()).add(rule.arn, compiled)

    def add_unmatched(self, rule: Rule) -> None:
        """Hold a rule that matches nothing (a stored pattern this version refuses)."""
        self.remove(rule.arn)
        self._hold(rule)

    def remove(self, rule_arn: str) -> None:
        rule = self._rules.pop(rule_arn, None)
        self._patterns.pop(rule_arn, None)
        if rule is None:
            return
        on_bus = self._by_bus.get(bus_of(rule), {})
        on_bus.pop(rule.name, None)
        if not on_bus:
            self._by_bus.pop(bus_of(rule), None)
        index = self._indexes.get(rule.bus_arn)
        if index is not None:
            index.remove(rule_arn)
            if not len(index):
                del self._indexes[rule.bus_arn]

    def _hold(self, rule: Rule) -> None:
        self._rules[rule.arn] = rule
        self._by_bus.setdefault(bus_of(rule), {})[rule.name] = rule
