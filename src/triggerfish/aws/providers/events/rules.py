"""Rule and target operations: put, describe, list, enable, disable and delete rules; put, remove and
list targets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.events.models import Rule
from triggerfish.services.events.service import EventsService
from triggerfish.services.events.tags import tags_from_wire

Operation = Callable[[Call], Awaitable[Reply]]
# PutTargets and RemoveTargets fail entry by entry only under concurrent modification, never here
_NO_FAILURES: dict[str, Any] = {"FailedEntryCount": 0, "FailedEntries": []}


class RuleOperations:
    def __init__(self, service: EventsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "PutRule": self.put_rule,
            "DescribeRule": self.describe_rule,
            "ListRules": self.list_rules,
            "EnableRule": self.enable_rule,
            "DisableRule": self.disable_rule,
            "DeleteRule": self.delete_rule,
            "PutTargets": self.put_targets,
            "RemoveTargets": self.remove_targets,
            "ListTargetsByRule": self.list_targets_by_rule,
            "ListRuleNamesByTarget": self.list_rule_names_by_target,
        }

    async def put_rule(self, call: Call) -> Reply:
        p = call.params
        rule = await self._service.put_rule(
            p["Name"],
            scope=call.scope,
            event_bus_name=p.get("EventBusName"),
            event_pattern=p.get("EventPattern"),
            schedule_expression=p.get("ScheduleExpression"),
            state=p.get("State"),
            description=p.get("Description"),
            role_arn=p.get("RoleArn"),
            tags=tags_from_wire(p.get("Tags")),
        )
        return Reply({"RuleArn": rule.arn})

    async def describe_rule(self, call: Call) -> Reply:
        p = call.params
        rule = self._service.describe_rule(p["Name"], scope=call.scope, event_bus_name=p.get("EventBusName"))
        created_by = {"CreatedBy": rule.created_by} if rule.created_by else {}
        return Reply({**_rule_shape(rule), **created_by})

    async def list_rules(self, call: Call) -> Reply:
        p = call.params
        found = self._service.list_rules(
            scope=call.scope,
            event_bus_name=p.get("EventBusName"),
            prefix=p.get("NamePrefix"),
            limit=p.get("Limit"),
            token=p.get("NextToken"),
        )
        return Reply({"Rules": [_rule_shape(rule) for rule in found.items], **_token(found.next_token)})

    async def enable_rule(self, call: Call) -> Reply:
        p = call.params
        await self._service.enable_rule(p["Name"], scope=call.scope, event_bus_name=p.get("EventBusName"))
        return Reply()

    async def disable_rule(self, call: Call) -> Reply:
        p = call.params
        await self._service.disable_rule(p["Name"], scope=call.scope, event_bus_name=p.get("EventBusName"))
        return Reply()

    async def delete_rule(self, call: Call) -> Reply:
        p = call.params
        await self._service.delete_rule(
            p["Name"], scope=call.scope, event_bus_name=p.get("EventBusName"), force=bool(p.get("Force"))
        )
        return Reply()

    async def put_targets(self, call: Call) -> Reply:
        p = call.params
        await self._service.put_targets(p["Rule"], p["Targets"], scope=call.scope, event_bus_name=p.get("EventBusName"))
        return Reply(_NO_FAILURES)

    async def remove_targets(self, call: Call) -> Reply:
        p = call.params
        await self._service.remove_targets(
            p["Rule"], p["Ids"], scope=call.scope, event_bus_name=p.get("EventBusName"), force=bool(p.get("Force"))
        )
        return Reply(_NO_FAILURES)

    async def list_targets_by_rule(self, call: Call) -> Reply:
        p = call.params
        found = self._service.list_targets_by_rule(
            p["Rule"],
            scope=call.scope,
            event_bus_name=p.get("EventBusName"),
            limit=p.get("Limit"),
            token=p.get("NextToken"),
        )
        return Reply({"Targets": [dict(target.spec) for target in found.items], **_token(found.next_token)})

    async def list_rule_names_by_target(self, call: Call) -> Reply:
        p = call.params
        found = self._service.list_rule_names_by_target(
            p["TargetArn"],
            scope=call.scope,
            event_bus_name=p.get("EventBusName"),
            limit=p.get("Limit"),
            token=p.get("NextToken"),
        )
        return Reply({"RuleNames": found.items, **_token(found.next_token)})


def _rule_shape(rule: Rule) -> dict[str, Any]:
    """A rule as ListRules lists it (DescribeRule adds ``CreatedBy``); unset members are left out."""
    optional = {
        "EventPattern": rule.event_pattern,
        "ScheduleExpression": rule.schedule_expression,
        "Description": rule.description,
        "RoleArn": rule.role_arn,
        "ManagedBy": rule.managed_by,
    }
    shape: dict[str, Any] = {"Name": rule.name, "Arn": rule.arn, "State": rule.state.value}
    shape.update((key, value) for key, value in optional.items() if value is not None)
    shape["EventBusName"] = rule.bus
    return shape


def _token(token: str | None) -> dict[str, str]:
    return {"NextToken": token} if token else {}
