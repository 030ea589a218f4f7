"""The event-pattern matcher shared by EventBridge rules, ESM filter criteria and SNS filter policies.

``compile_pattern`` validates a pattern once (raising ``InvalidPattern`` with AWS's message) and
returns a ``CompiledPattern`` whose ``matches(event)`` runs on parsed JSON; ``PatternIndex`` matches
one event against many compiled patterns at once. ESM filter criteria live in ``esm``.
"""

from __future__ import annotations

from triggerfish.core.patterns.compiled import CompiledPattern, compile_pattern, parse_pattern
from triggerfish.core.patterns.errors import InvalidPattern
from triggerfish.core.patterns.esm import EventSource, FilterCriteria, compile_filter_criteria
from triggerfish.core.patterns.index import PatternIndex
from triggerfish.core.patterns.sample_event import InvalidSampleEvent, parse_sample_event
from triggerfish.core.patterns.sns_filter import FilterPolicy, InvalidFilterPolicy, compile_filter_policy

__all__ = [
    "CompiledPattern",
    "EventSource",
    "FilterCriteria",
    "FilterPolicy",
    "InvalidFilterPolicy",
    "InvalidPattern",
    "InvalidSampleEvent",
    "PatternIndex",
    "compile_filter_criteria",
    "compile_filter_policy",
    "compile_pattern",
    "parse_pattern",
    "parse_sample_event",
]
