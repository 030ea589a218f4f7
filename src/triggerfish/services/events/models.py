"""EventBridge's resources as values: buses, rules and their targets.

A target is kept as the wire shape PutTargets gave (``TargetSpec``), because every one of its dozens
of optional members must come back unchanged from ListTargetsByRule; the parts the service acts on
are read from it by the helpers below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from triggerfish.core.scope import Location as Location  # the scope every events operation takes
from triggerfish.core.scope import Scope as Scope

DEFAULT_BUS = "default"
#: DocumentStore kinds
BUS_KIND = "events.bus"
RULE_KIND = "events.rule"

TargetSpec = Mapping[str, Any]


class RuleState(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"
    ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"

    @property
    def enabled(self) -> bool:
        return self is not RuleState.DISABLED


def bus_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:events:{region}:{account}:event-bus/{name}"


def rule_arn(region: str, account: str, bus: str, name: str) -> str:
    # rules on a custom bus carry the bus name in their resource: rule/<bus>/<rule>
    resource = f"rule/{name}" if bus == DEFAULT_BUS else f"rule/{bus}/{name}"
    return f"arn:aws:events:{region}:{account}:{resource}"


@dataclass(frozen=True)
class Bus:
    name: str
    account: str
    region: str
    description: str | None = None
    #: the resource policy (PutPermission) as JSON text, or None
    policy: str | None = None
    kms_key: str | None = None
    dead_letter_arn: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def arn(self) -> str:
        return bus_arn(self.region, self.account, self.name)


@dataclass(frozen=True)
class Target:
    """One rule target: its ``Id`` and ``Arn`` and the whole wire shape it was put with."""

    id: str
    arn: str
    spec: TargetSpec


@dataclass(frozen=True)
class Rule:
    name: str
    bus: str
    account: str
    region: str
    state: RuleState = RuleState.ENABLED
    event_pattern: str | None = None
    schedule_expression: str | None = None
    description: str | None = None
    role_arn: str | None = None
    managed_by: str | None = None
    created_by: str | None = None
    targets: tuple[Target, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    created_at: float = 0.0

    @property
    def arn(self) -> str:
        return rule_arn(self.region, self.account, self.bus, self.name)

    @property
    def bus_arn(self) -> str:
        return bus_arn(self.region, self.account, self.bus)


@dataclass(frozen=True)
class RuleRef:
    """What a delivery needs to know of the rule that matched."""

    arn: str
    name: str
    bus_arn: str

    @classmethod
    def of(cls, rule: Rule) -> RuleRef:
        return cls(rule.arn, rule.name, rule.bus_arn)
