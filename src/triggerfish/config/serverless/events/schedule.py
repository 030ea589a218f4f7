"""``schedule`` events: an ``AWS::Events::Rule`` and its ``AWS::Lambda::Permission`` per rate or cron expression.

Follows the Serverless Framework v3 (``package/compile/events/schedule.js``): a function's schedules are
numbered 1, 2, ... across all its schedule events (``<Function>EventsRuleSchedule<n>``), the target id is
``<function>Schedule``, an object ``input`` is sent as its JSON text. ``method: scheduler`` makes an
``AWS::Scheduler::Schedule`` instead (``<Function>SchedulerSchedule<n>``), invoking with the function's role.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent, compact, json_text

METHOD_EVENT_BUS = "eventBus"
METHOD_SCHEDULER = "scheduler"


def compile_schedule(event: FunctionEvent, value: Any) -> None:
    settings = event.settings(value, shorthand="rate")
    rates = settings.get("rate")
    expressions = rates if isinstance(rates, list) else [rates]
    if not expressions or not all(isinstance(rate, str | Mapping) for rate in expressions):
        raise event.error("'rate' must be a rate(...) or cron(...) expression, or a list of them", "rate")
    method = settings.get("method") or METHOD_EVENT_BUS
    if method not in (METHOD_EVENT_BUS, METHOD_SCHEDULER):
        raise event.error(f"'method' must be '{METHOD_EVENT_BUS}' or '{METHOD_SCHEDULER}'", "method")
    name = settings.get("name")
    if name and len(expressions) > 1:
        raise event.error("You cannot specify a name when defining more than one rate expression", "name")
    _check_method_settings(event, settings, method)
    state = "DISABLED" if settings.get("enabled") is False else "ENABLED"
    payload = _input(settings.get("input"), event)
    for expression in expressions:
        index = event.stack.next_index(event.function_key, "schedule")
        common = {"ScheduleExpression": expression, "State": state}
        if method == METHOD_SCHEDULER:
            _scheduler_schedule(event, settings, index, common, payload)
            continue
        target = compact(
            {
                "Input": payload or None,
                "InputPath": settings.get("inputPath") or None,
                "InputTransformer": _input_transformer(settings.get("inputTransformer"), event),
                "Arn": event.target,
                "Id": naming.schedule_target_id(event.function_key),
            }
        )
        rule_id = naming.schedule_logical_id(event.function_key, index)
        rule = {**common, "Name": name or None, "Description": settings.get("description") or None}
        event.stack.add(rule_id, {"Type": "AWS::Events::Rule", "Properties": compact({**rule, "Targets": [target]})})
        event.stack.add(
            naming.schedule_permission_logical_id(event.function_key, index),
            {
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": event.target,
                    "Action": "lambda:InvokeFunction",
                    "Principal": "events.amazonaws.com",
                    "SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]},
                },
            },
        )


def _check_method_settings(event: FunctionEvent, settings: Mapping[str, Any], method: str) -> None:
    if method == METHOD_SCHEDULER:
        for unsupported in ("inputTransformer", "inputPath"):
            if settings.get(unsupported):
                raise event.error(
                    f'Cannot setup "schedule" event: "{unsupported}" is not supported with "scheduler" mode',
                    unsupported,
                )
    elif settings.get("timezone"):
        raise event.error(
            'Cannot setup "schedule" event: "timezone" is only supported with "scheduler" mode', "timezone"
        )


def _scheduler_schedule(
    event: FunctionEvent, settings: Mapping[str, Any], index: int, common: dict[str, Any], payload: str | None
) -> None:
    target = compact({"Arn": event.target, "RoleArn": settings.get("roleArn") or event.role, "Input": payload or None})
    properties = {
        **common,
        "Target": target,
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "Name": settings.get("name") or None,
        "Description": settings.get("description") or None,
        "ScheduleExpressionTimezone": settings.get("timezone") or None,
    }
    event.stack.add(
        naming.scheduler_schedule_logical_id(event.function_key, index),
        {"Type": "AWS::Scheduler::Schedule", "Properties": compact(properties)},
    )
    # the schedule assumes the function's role to invoke it: that role must trust the scheduler service
    if "scheduler.amazonaws.com" not in event.stack.trusted_services:
        event.stack.trusted_services.append("scheduler.amazonaws.com")
    function_arn = f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{event.function_name}"
    event.stack.allow(("lambda:InvokeFunction",), {"Fn::Sub": function_arn})
    event.stack.allow(("lambda:InvokeFunction",), {"Fn::Sub": f"{function_arn}:*"})


def _input(value: Any, event: FunctionEvent) -> str | None:
    """``input``: a string is sent as written, an object as its JSON text (a string ``body`` parsed first)."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        raise event.error("must be a string or an object", "input")
    payload = dict(value)
    if isinstance(payload.get("body"), str):
        try:
            payload["body"] = json.loads(payload["body"])
        except json.JSONDecodeError as exc:
            raise event.error(f"'body' is not valid JSON: {exc}", "input.body") from None
    return json_text(payload)


def _input_transformer(value: Any, event: FunctionEvent) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or "inputTemplate" not in value:
        raise event.error("must be an object with 'inputTemplate' (and optionally 'inputPathsMap')", "inputTransformer")
    return compact({"InputTemplate": value["inputTemplate"], "InputPathsMap": value.get("inputPathsMap") or None})
