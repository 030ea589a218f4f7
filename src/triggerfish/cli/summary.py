"""What ``up`` prints about a deployed app: its functions, triggers, endpoints, outputs and warnings."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from triggerfish.cli.routes import Route, short_function
from triggerfish.config.deploy.engine import DeployReport
from triggerfish.config.deploy.state import DeployedResource
from triggerfish.config.model import AppDefinition
from triggerfish.core.errors import ResourceNotFound
from triggerfish.services.lambda_.service import LambdaService, Scope

Describe = Callable[[DeployedResource, Mapping[str, str]], str | None]


def _destinations(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    config = resource.properties.get("DestinationConfig") or {}
    parts = [
        f"{label} → {_short(str(target['Destination']), names)}"
        for label, key in (("on success", "OnSuccess"), ("on failure", "OnFailure"))
        if isinstance(target := config.get(key), Mapping) and target.get("Destination")
    ]
    function = _short(str(resource.properties.get("FunctionName", "")), names)
    return f"{function}: async {', '.join(parts)}" if parts else None


def _event_source(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    if resource.physical_id.startswith("skipped-"):
        return None
    source = str(resource.properties.get("EventSourceArn", ""))
    function = str(resource.properties.get("FunctionName", ""))
    label = _source_label(source)
    details = [f"batch {resource.properties.get('BatchSize', 10)}"]
    if window := resource.properties.get("MaximumBatchingWindowInSeconds"):
        details.append(f"window {window} s")
    details.extend(_stream_details(resource.properties, names))
    if "ReportBatchItemFailures" in (resource.properties.get("FunctionResponseTypes") or []):
        details.append("partial batch failures")
    if (resource.properties.get("FilterCriteria") or {}).get("Filters"):
        details.append("filtered")
    if resource.properties.get("Enabled") in (False, "false"):
        details.append("disabled")
    return f"{label} → {_short(function, names)} ({', '.join(details)})"


def _source_label(source: str) -> str:
    parts = source.split(":")
    if len(parts) <= 5:
        return source
    path = parts[5].split("/")
    if parts[2] == "dynamodb" and len(path) > 1:
        return f"dynamodb stream {path[1]}"
    if parts[2] == "kinesis" and len(path) > 1:
        return f"kinesis {path[1]}"
    return f"{parts[2]} {parts[5]}"


def _stream_details(properties: Mapping[str, Any], names: Mapping[str, str]) -> list[str]:
    details: list[str] = []
    if position := properties.get("StartingPosition"):
        details.append(str(position))
    if (factor := properties.get("ParallelizationFactor")) not in (None, 1, "1"):
        details.append(f"parallel {factor}")
    if properties.get("BisectBatchOnFunctionError") in (True, "true"):
        details.append("bisect")
    if (retries := properties.get("MaximumRetryAttempts")) is not None:
        details.append(f"retries {retries}")
    if tumbling := properties.get("TumblingWindowInSeconds"):
        details.append(f"tumbling {tumbling} s")
    destination = ((properties.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    if destination:
        details.append(f"on failure {_short(str(destination), names)}")
    return details


def _rule(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    properties = resource.properties
    targets = ", ".join(_short(str(target.get("Arn", "")), names) for target in properties.get("Targets") or [])
    if expression := properties.get("ScheduleExpression"):
        label = f"schedule {expression}"
    else:
        bus = str(properties.get("EventBusName") or "default").rsplit("/", 1)[-1]
        label = f"events on bus {bus}"
    disabled = " (disabled)" if properties.get("State") == "DISABLED" else ""
    return f"{label} → {targets or 'no targets'}{disabled}"


def _schedule(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    properties = resource.properties
    zone = properties.get("ScheduleExpressionTimezone")
    label = f"schedule {properties.get('ScheduleExpression')}" + (f" ({zone})" if zone else "")
    target = _short(str((properties.get("Target") or {}).get("Arn", "")), names)
    disabled = " (disabled)" if properties.get("State") == "DISABLED" else ""
    return f"{label} → {target}{disabled}"


#: a bucket's notification configurations in a template, with the property naming each one's target
_BUCKET_TARGETS = (
    ("LambdaConfigurations", "Function"),
    ("QueueConfigurations", "Queue"),
    ("TopicConfigurations", "Topic"),
)


def _bucket(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    notification = resource.properties.get("NotificationConfiguration") or {}
    lines = []
    for key, target_key in _BUCKET_TARGETS:
        for configuration in notification.get(key) or []:
            rules = ((configuration.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
            keys = " ".join(f"{str(rule.get('Name', '')).lower()} {rule.get('Value')}" for rule in rules)
            label = f"s3 {resource.physical_id} {configuration.get('Event')}" + (f" ({keys})" if keys else "")
            lines.append(f"{label} → {_short(str(configuration.get(target_key, '')), names)}")
    if (notification.get("EventBridgeConfiguration") or {}).get("EventBridgeEnabled") in (True, "true"):
        lines.append(f"s3 {resource.physical_id} every event → the default event bus")
    return "\n    ".join(lines) or None


def _topic(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    topic = resource.physical_id.rsplit(":", 1)[-1]
    lines = [
        f"sns {topic} → {_short(str(subscription.get('Endpoint', '')), names)}"
        for subscription in resource.properties.get("Subscription") or []
    ]
    return "\n    ".join(lines) or None


def _subscription(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    properties = resource.properties
    topic = str(properties.get("TopicArn", "")).rsplit(":", 1)[-1]
    details = [
        label
        for label, on in (
            ("filtered", bool(properties.get("FilterPolicy"))),
            ("raw", properties.get("RawMessageDelivery") in (True, "true")),
            ("dead-letter queue", bool(properties.get("RedrivePolicy"))),
        )
        if on
    ]
    endpoint = _short(str(properties.get("Endpoint", "")), names)
    return f"sns {topic} → {endpoint}" + (f" ({', '.join(details)})" if details else "")


def _log_subscription(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    properties = resource.properties
    pattern = str(properties.get("FilterPattern") or "")
    label = f"logs {properties.get('LogGroupName')}" + (f" [{pattern}]" if pattern else "")
    return f"{label} → {_short(str(properties.get('DestinationArn', '')), names)}"


def _receipt_rule_set(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    if resource.attributes.get("ActivatedLocally"):
        return f"email rule set {resource.physical_id} made active (locally only: CloudFormation leaves it inactive)"
    return f"email rule set {resource.physical_id} (inactive: another rule set was active)"


def _receipt_rule(resource: DeployedResource, names: Mapping[str, str]) -> str | None:
    properties = resource.properties
    rule = properties.get("Rule") or {}
    recipients = " ".join(str(recipient) for recipient in rule.get("Recipients") or []) or "any recipient"
    targets = [_receipt_action(action, names) for action in rule.get("Actions") or [] if isinstance(action, Mapping)]
    # a rule is off unless enabled (SES API reference, ReceiptRule.Enabled: "The default value is false")
    disabled = "" if rule.get("Enabled") in (True, "true") else " (disabled)"
    label = f"email rule {properties.get('RuleSetName')}/{resource.physical_id} {recipients}"
    return f"{label} → {', '.join(target for target in targets if target) or 'no actions'}{disabled}"


def _receipt_action(action: Mapping[str, Any], names: Mapping[str, str]) -> str | None:
    if isinstance(invoke := action.get("LambdaAction"), Mapping):
        # SES API reference, LambdaAction.InvocationType: "The default value is Event"
        return f"{_short(str(invoke.get('FunctionArn', '')), names)} ({invoke.get('InvocationType') or 'Event'})"
    if isinstance(store := action.get("S3Action"), Mapping):
        return f"s3 {store.get('BucketName')}/{store.get('ObjectKeyPrefix') or ''}"
    if isinstance(publish := action.get("SNSAction"), Mapping):
        return _short(str(publish.get("TopicArn", "")), names)
    return "stop" if action.get("StopAction") else None


#: resource type -> how it reads as a trigger line (trigger services add theirs here)
TRIGGERS: dict[str, Describe] = {
    "AWS::Lambda::EventInvokeConfig": _destinations,
    "AWS::Lambda::EventSourceMapping": _event_source,
    "AWS::Events::Rule": _rule,
    "AWS::Scheduler::Schedule": _schedule,
    "AWS::S3::Bucket": _bucket,
    "AWS::SNS::Topic": _topic,
    "AWS::SNS::Subscription": _subscription,
    "AWS::Logs::SubscriptionFilter": _log_subscription,
    "AWS::SES::ReceiptRuleSet": _receipt_rule_set,
    "AWS::SES::ReceiptRule": _receipt_rule,
}


def render_summary(
    definition: AppDefinition,
    report: DeployReport,
    lambda_: LambdaService,
    scope: Scope,
    *,
    endpoint_url: str | None,
    http_url: str | None,
    data_dir: str,
    smtp_address: str | None = None,
    seconds: float,
    routes: Sequence[Route] = (),
    paint: Callable[[str, str], str] = lambda text, code: text,
) -> str:
    template = definition.template
    lines = [
        paint(f"triggerfish up · {report.stack_name}", "1")
        + f"  ({template.source.name}, {template.format}, region {scope.region})",
        "",
        paint("  functions", "1"),
    ]
    names: dict[str, str] = {}
    rows: list[tuple[str, ...]] = []
    for resource in report.resources.values():
        if resource.type != "AWS::Lambda::Function" or resource.skipped:
            continue
        try:
            function = lambda_.get_function(resource.physical_id, scope=scope)
        except ResourceNotFound:
            continue
        names[function.arn] = function.name
        rows.append(
            (function.name, function.runtime, function.handler, f"{function.memory_size} MB, {function.timeout} s")
        )
    lines.extend(_table(rows) or ["    none"])
    lines.append(paint("  triggers", "1"))
    triggers = [
        line
        for resource in report.resources.values()
        if not resource.skipped and (describe := TRIGGERS.get(resource.type)) and (line := describe(resource, names))
    ]
    lines.extend(f"    {line}" for line in triggers or ["none"])
    lines.append(paint("  endpoints", "1"))
    endpoint_rows = [("AWS endpoint", endpoint_url or "off", "boto3 / aws CLI: --endpoint-url")]
    endpoint_rows.append(("HTTP APIs", http_url or "none defined", "the app's routes below" if routes else ""))
    endpoint_rows.append(("SMTP", smtp_address or "off", "email for verified domains (SES receipt rules)"))
    lines.extend(_table(endpoint_rows))
    if routes:
        lines.append(paint("  http", "1"))
        lines.extend(
            _table([(route.label, route.url, f"→ {short_function(route.function, names)}") for route in routes])
        )
    if report.outputs:
        lines.append(paint("  outputs", "1"))
        lines.extend(_table([(name, _text(value)) for name, value in report.outputs.items()]))
    if report.warnings:
        lines.append(paint("  warnings", "1"))
        lines.extend(paint(f"    ! {warning}", "33") for warning in report.warnings)
    lines.append("")
    lines.append(
        paint(f"ready in {seconds:.2f} s", "32") + f" · state in {data_dir} · watching for changes (Ctrl-C to stop)"
    )
    return "\n".join(lines) + "\n"


def render_changes(report: DeployReport) -> str:
    parts = [
        f"{label} {', '.join(ids)}"
        for label, ids in (("created", report.created), ("updated", report.updated), ("deleted", report.deleted))
        if ids
    ]
    return "; ".join(parts) or "nothing changed"


def _short(target: str, names: Mapping[str, str]) -> str:
    """A function's name for its ARN; ``sqs <name>`` (and the like) for other ARNs."""
    if target in names:
        return names[target]
    parts = target.split(":")
    if target.startswith("arn:") and len(parts) == 6 and parts[2] in {"sqs", "sns", "events"}:
        return f"{parts[2]} {parts[5]}"
    return target


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    if not rows:
        return []
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return [
        "    " + "   ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)
