"""``eventBridge`` events in the framework's native-CloudFormation form: an ``AWS::Events::Rule`` per event.

Follows the Serverless Framework v3 (``package/compile/events/event-bridge/index.js``, the
``useCloudFormation`` path): a bus given by name (not ``default``, not an ARN or intrinsic) is created as
``<Bus>EventBridgeEventBus``; the rule is ``<FunctionName><n>EventBridgeRule`` (alphanumerics of
``<function name>-rule-<n>``, n = the event's 1-based position), named ``<function name>-rule-<n>`` unless
``name`` is given; the permission is ``<Function>EventBridgeLambdaPermission<n>``. Only one of ``input``,
``inputPath`` and ``inputTransformer`` may be set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent, compact, json_text

DEFAULT_BUS = "default"


def compile_event_bridge(event: FunctionEvent, value: Any) -> None:
    if not isinstance(value, Mapping):
        raise event.error("must be an object with 'pattern' or 'schedule'")
    if value.get("pattern") is None and value.get("schedule") is None:
        raise event.error("needs a 'pattern' or a 'schedule'")
    position = event.index + 1
    rule_name = value.get("name") or naming.event_bridge_rule_name(event.function_name, position)
    bus, created_bus = _bus(event, value.get("eventBus"))
    target = {"Arn": event.target, "Id": naming.event_bridge_target_id(str(rule_name))}
    target.update(_target_settings(event, value))
    rule: dict[str, Any] = {
        "Type": "AWS::Events::Rule",
        "Properties": compact(
            {
                "Description": value.get("description"),
                "EventBusName": None if bus == DEFAULT_BUS else bus,
                "EventPattern": value.get("pattern"),
                "Name": rule_name,
                "ScheduleExpression": value.get("schedule"),
                "State": "DISABLED" if value.get("enabled") is False else "ENABLED",
                "Targets": [target],
            }
        ),
    }
    if created_bus is not None:
        rule["DependsOn"] = created_bus  # the rule goes before its bus when the stack is deleted
    event.stack.add(naming.event_bridge_rule_logical_id(event.function_name, position), rule)
    rule_path = [bus, rule_name] if bus else [rule_name]
    source_arn = [
        "arn",
        {"Ref": "AWS::Partition"},
        "events",
        {"Ref": "AWS::Region"},
        {"Ref": "AWS::AccountId"},
        {"Fn::Join": ["/", ["rule", *rule_path]]},
    ]
    event.stack.add(
        naming.event_bridge_permission_logical_id(event.function_key, position),
        {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": event.target,
                "Principal": "events.amazonaws.com",
                "SourceArn": {"Fn::Join": [":", source_arn]},
            },
        },
    )


def _bus(event: FunctionEvent, bus: Any) -> tuple[Any, str | None]:
    """The bus the rule is on, and the logical id of the bus created for it (None when it exists)."""
    if bus is None or isinstance(bus, Mapping):
        return bus, None  # the default bus, or one referenced with an intrinsic function
    if not isinstance(bus, str) or not bus:
        raise event.error("must be a bus name, a bus ARN or an intrinsic function", "eventBus")
    if bus.startswith("arn"):
        return bus[bus.index("/") + 1 :] if "/" in bus else bus, None
    if bus == DEFAULT_BUS:
        return bus, None
    bus_id = naming.event_bus_logical_id(bus)
    event.stack.add(bus_id, {"Type": "AWS::Events::EventBus", "Properties": {"Name": bus}})
    return bus, bus_id


def _target_settings(event: FunctionEvent, value: Mapping[str, Any]) -> dict[str, Any]:
    """RetryPolicy, DeadLetterConfig and the one input setting of the rule's target."""
    inputs = [value.get(key) for key in ("input", "inputPath", "inputTransformer")]
    if len([given for given in inputs if given]) > 1:
        raise event.error(
            "You can only set one of input, inputPath, or inputTransformer properties for eventBridge events."
        )
    settings: dict[str, Any] = {}
    retry = value.get("retryPolicy")
    if isinstance(retry, Mapping):
        settings["RetryPolicy"] = compact(
            {
                "MaximumEventAgeInSeconds": retry.get("maximumEventAge"),
                "MaximumRetryAttempts": retry.get("maximumRetryAttempts"),
            }
        )
    if value.get("deadLetterQueueArn"):
        settings["DeadLetterConfig"] = {"Arn": value["deadLetterQueueArn"]}
    payload, path, transformer = inputs
    if payload:
        settings["Input"] = json_text(payload)
    elif path:
        settings["InputPath"] = path
    elif transformer:
        if not isinstance(transformer, Mapping):
            raise event.error("must be an object with 'inputTemplate'", "inputTransformer")
        settings["InputTransformer"] = {naming.upper_first(str(key)): item for key, item in transformer.items()}
    return settings
