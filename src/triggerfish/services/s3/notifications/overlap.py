"""The overlap rule: no one change may reach two configurations of a bucket (spec §3.2).

Two configurations clash when they share an event type and some key could pass both key filters:
their prefixes overlap (one starts with the other; a missing prefix overlaps every prefix) and
their suffixes overlap (one ends with the other; a missing suffix overlaps every suffix).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triggerfish.services.s3.notifications.matching import KeyFilter, events_intersect


def prefixes_overlap(first: str, second: str) -> bool:
    return first.startswith(second) or second.startswith(first)


def suffixes_overlap(first: str, second: str) -> bool:
    return first.endswith(second) or second.endswith(first)


def filters_overlap(first: KeyFilter, second: KeyFilter) -> bool:
    """Overlapping prefixes are allowed only when the suffixes do not overlap (§3.2)."""
    return prefixes_overlap(first.prefix, second.prefix) and suffixes_overlap(first.suffix, second.suffix)


@dataclass(frozen=True)
class Rule:
    """What the overlap rule looks at in one configuration."""

    events: tuple[str, ...]
    key_filter: KeyFilter


@dataclass(frozen=True)
class Clash:
    """Two configurations that one change could reach, and the event names they share."""

    first: Rule
    second: Rule
    first_event: str
    second_event: str


def find_clash(rules: Sequence[Rule]) -> Clash | None:
    """The first pair of ``rules`` (in the order given) that breaks the overlap rule, if any."""
    for index, first in enumerate(rules):
        for second in rules[index + 1 :]:
            if not filters_overlap(first.key_filter, second.key_filter):
                continue
            for first_event in first.events:
                shared = next((event for event in second.events if events_intersect(first_event, event)), None)
                if shared is not None:
                    return Clash(first, second, first_event, shared)
    return None
