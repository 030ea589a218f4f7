"""Compiling an EventBridge event pattern once, and matching events against it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from triggerfish.core.patterns.errors import eventbridge_error
from triggerfish.core.patterns.eventbridge import compile_eventbridge
from triggerfish.core.patterns.flatten import FlatEvent, PathSet, flatten
from triggerfish.core.patterns.jsontext import Members, PatternSyntaxError, from_python, parse_pattern_text
from triggerfish.core.patterns.matcher import SubRuleMatcher
from triggerfish.core.patterns.model import PatternAst
from triggerfish.core.patterns.syntax_errors import source_location


@dataclass(frozen=True)
class CompiledPattern:
    """A pattern ready to match: ``matches(event)`` on already-parsed JSON."""

    ast: PatternAst
    matchers: tuple[SubRuleMatcher, ...] = field(repr=False)
    paths: PathSet = field(repr=False)

    @classmethod
    def from_ast(cls, ast: PatternAst) -> CompiledPattern:
        matchers = tuple(SubRuleMatcher.build(sub_rule) for sub_rule in ast.sub_rules)
        return cls(ast, matchers, PathSet.of(f.path for s in ast.sub_rules for f in s.fields))

    def matches(self, event: Mapping[str, Any]) -> bool:
        return self.matches_flat(flatten(event, self.paths))

    def matches_flat(self, flat: FlatEvent) -> bool:
        """Match an event flattened for (at least) this pattern's paths."""
        return any(matcher.check(flat) for matcher in self.matchers)


def parse_pattern(pattern: str | Mapping[str, Any]) -> PatternAst:
    """Validate an EventBridge pattern (text or parsed) into its AST; raises ``InvalidPattern``."""
    if isinstance(pattern, str):
        try:
            root, first_token_end = parse_pattern_text(pattern)
        except PatternSyntaxError as error:
            raise eventbridge_error(error.reason) from None
        if not isinstance(root, Members):
            raise eventbridge_error("Filter is not an object" + source_location(pattern, first_token_end))
    elif isinstance(pattern, Mapping):
        root = from_python(pattern)
    else:
        raise eventbridge_error("Filter is not an object")
    return compile_eventbridge(root)


def compile_pattern(pattern: str | Mapping[str, Any]) -> CompiledPattern:
    """Compile an EventBridge event pattern; raises ``InvalidPattern`` with AWS's message (§4.3)."""
    return CompiledPattern.from_ast(parse_pattern(pattern))
