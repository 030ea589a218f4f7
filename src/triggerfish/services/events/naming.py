"""Where a bus or rule lives: ``EventBusName`` given as a name or an ARN, resolved against the caller.

A bus is known by account, region and name; a rule by its bus and its own name. A name refers to
the caller's account and region; an ARN may point anywhere (cross-account PutEvents, §4.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triggerfish.core.scope import scope_key
from triggerfish.services.events.constraints import Constraint, check
from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.models import DEFAULT_BUS, Scope, bus_arn, rule_arn

# the botocore model's patterns (EventBusName / RuleName / TargetId), also enforced for Python callers
BUS_NAME = Constraint(r"[/\.\-_A-Za-z0-9]+", 256)
RULE_NAME = Constraint(r"[\.\-_A-Za-z0-9]+", 64)
TARGET_ID = Constraint(r"[\.\-_A-Za-z0-9]+", 64)

_BUS_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z]+-[a-z]+-[\w-]+):([0-9]{12}):event-bus/(.+)")
_RULE_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z]+-[a-z]+-[\w-]+):([0-9]{12}):rule/(.+)")


@dataclass(frozen=True)
class BusRef:
    """A bus by account, region and name; it may or may not exist."""

    account: str
    region: str
    name: str

    @property
    def arn(self) -> str:
        return bus_arn(self.region, self.account, self.name)

    @property
    def scope(self) -> str:
        """The DocumentStore scope of everything on this bus."""
        return scope_key(self)

    def rule_arn(self, rule: str) -> str:
        return rule_arn(self.region, self.account, self.name, rule)


def bus_ref(name_or_arn: str | None, scope: Scope) -> BusRef:
    """The bus an ``EventBusName`` member names; omitted means the caller's default bus."""
    if not name_or_arn:
        return BusRef(scope.account, scope.region, DEFAULT_BUS)
    parsed = parse_bus_arn(name_or_arn)
    if parsed is not None:
        return parsed
    check(("eventBusName", name_or_arn, BUS_NAME))
    return BusRef(scope.account, scope.region, name_or_arn)


def parse_bus_arn(arn: str) -> BusRef | None:
    matched = _BUS_ARN.fullmatch(arn)
    if matched is None:
        return None
    region, account, name = matched.groups()
    return BusRef(account, region, name)


def parse_rule_arn(arn: str) -> tuple[BusRef, str] | None:
    """A rule ARN's bus and rule name: ``rule/<name>`` is on the default bus, ``rule/<bus>/<name>`` not."""
    matched = _RULE_ARN.fullmatch(arn)
    if matched is None:
        return None
    region, account, resource = matched.groups()
    bus, _, name = resource.rpartition("/")
    return BusRef(account, region, bus or DEFAULT_BUS), name


def check_rule_name(name: str) -> None:
    check(("name", name, RULE_NAME))


def require_name(value: str | None, member: str) -> str:
    if not value:
        raise ValidationException(
            f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: "
            "Member must not be null"
        )
    return value
