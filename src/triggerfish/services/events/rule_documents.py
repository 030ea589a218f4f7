"""A rule, its targets included, as the JSON body of its ``events.rule`` document and back."""

from __future__ import annotations

import json
from typing import Any

from triggerfish.services.events.models import Rule, RuleState, Target
from triggerfish.store.interfaces import Document


def rule_body(rule: Rule) -> dict[str, Any]:
    return {
        "state": rule.state.value,
        "event_pattern": rule.event_pattern,
        "schedule_expression": rule.schedule_expression,
        "description": rule.description,
        "role_arn": rule.role_arn,
        "managed_by": rule.managed_by,
        "created_by": rule.created_by,
        # each target is kept whole, exactly as PutTargets received it
        "targets": [dict(target.spec) for target in rule.targets],
        "tags": dict(rule.tags),
        "created_at": rule.created_at,
    }


def rule_from_document(document: Document) -> Rule:
    account, _, region = document.scope.partition("/")
    bus, _, name = document.name.rpartition("/")
    body = json.loads(document.body)
    targets = tuple(Target(spec["Id"], spec["Arn"], spec) for spec in body.get("targets") or ())
    return Rule(
        name,
        bus,
        account,
        region,
        state=RuleState(body.get("state", RuleState.ENABLED.value)),
        event_pattern=body.get("event_pattern"),
        schedule_expression=body.get("schedule_expression"),
        description=body.get("description"),
        role_arn=body.get("role_arn"),
        managed_by=body.get("managed_by"),
        created_by=body.get("created_by"),
        targets=targets,
        tags=dict(body.get("tags") or {}),
        created_at=float(body.get("created_at", document.created_at)),
    )
