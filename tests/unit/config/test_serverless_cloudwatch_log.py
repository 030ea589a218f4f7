"""``cloudwatchLog`` events compiled as the Serverless Framework v3 compiles them: a subscription filter per
event and one permission per function whose source ARN covers the function's log groups."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless import load_serverless

HEADER = """service: watch
provider:
  name: aws
  runtime: python3.11
functions:
"""


def _load(tmp_path: Path, functions: str) -> AppDefinition:
    (tmp_path / "serverless.yml").write_text(HEADER + functions)
    return load_serverless(tmp_path / "serverless.yml", env={})


def _resource(app: AppDefinition, logical_id: str) -> dict[str, Any]:
    resource = app.template.resources[logical_id]
    return {"Type": resource.type, "DependsOn": list(resource.depends_on), "Properties": dict(resource.properties)}


def _source_arn(prefix: str) -> dict[str, Any]:
    parts = ["arn:", {"Ref": "AWS::Partition"}, ":logs:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}]
    return {"Fn::Join": ["", [*parts, ":log-group:", prefix, ":*"]]}


ARN = {"Fn::GetAtt": ["AuditLambdaFunction", "Arn"]}
PRINCIPAL = {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]}


def test_a_log_group_name_subscribes_with_an_empty_pattern(tmp_path: Path) -> None:
    app = _load(tmp_path, "  audit:\n    handler: h.handler\n    events:\n      - cloudwatchLog: '/aws/lambda/hello'\n")
    assert _resource(app, "AuditLogsSubscriptionFilterCloudWatchLog1") == {
        "Type": "AWS::Logs::SubscriptionFilter",
        "DependsOn": ["AuditLambdaPermissionLogsSubscriptionFilterCloudWatchLog"],
        "Properties": {"LogGroupName": "/aws/lambda/hello", "FilterPattern": "", "DestinationArn": ARN},
    }
    assert _resource(app, "AuditLambdaPermissionLogsSubscriptionFilterCloudWatchLog") == {
        "Type": "AWS::Lambda::Permission",
        "DependsOn": [],
        "Properties": {
            "FunctionName": ARN,
            "Action": "lambda:InvokeFunction",
            "Principal": PRINCIPAL,
            "SourceArn": _source_arn("/aws/lambda/hello"),
        },
    }
    assert app.warnings == ()


def test_an_object_gives_the_filter_and_several_groups_share_one_permission(tmp_path: Path) -> None:
    app = _load(
        tmp_path,
        """  audit:
    handler: h.handler
    events:
      - cloudwatchLog: {logGroup: '/aws/lambda/hello', filter: '{$.userIdentity.type = Root}'}
      - cloudwatchLog:
          logGroup: '/aws/lambda/help'
          filter: 'ERROR'
""",
    )
    first = _resource(app, "AuditLogsSubscriptionFilterCloudWatchLog1")["Properties"]
    second = _resource(app, "AuditLogsSubscriptionFilterCloudWatchLog2")["Properties"]
    assert first["FilterPattern"] == "{$.userIdentity.type = Root}"
    assert (second["LogGroupName"], second["FilterPattern"]) == ("/aws/lambda/help", "ERROR")
    permission = _resource(app, "AuditLambdaPermissionLogsSubscriptionFilterCloudWatchLog")["Properties"]
    # the longest common prefix of the function's groups, then a wildcard
    assert permission["SourceArn"] == _source_arn("/aws/lambda/hel*")


def test_escaped_quotes_are_unescaped_once_and_newlines_dropped(tmp_path: Path) -> None:
    app = _load(
        tmp_path,
        """  audit:
    handler: h.handler
    events:
      - cloudwatchLog:
          logGroup: "/app/\\naudit"
          filter: '{ $.kind = \\"login\\" }'
""",
    )
    properties = _resource(app, "AuditLogsSubscriptionFilterCloudWatchLog1")["Properties"]
    assert properties["LogGroupName"] == "/app/audit"
    assert properties["FilterPattern"] == '{ $.kind = "login" }'


def test_function_names_are_normalised_in_logical_ids(tmp_path: Path) -> None:
    app = _load(tmp_path, "  log-watcher:\n    handler: h.handler\n    events:\n      - cloudwatchLog: /app/x\n")
    assert "LogDashwatcherLogsSubscriptionFilterCloudWatchLog1" in app.template.resources
    assert "LogDashwatcherLambdaPermissionLogsSubscriptionFilterCloudWatchLog" in app.template.resources


def test_resources_come_in_the_framework_order(tmp_path: Path) -> None:
    app = _load(tmp_path, "  audit:\n    handler: h.handler\n    events:\n      - cloudwatchLog: /app/x\n")
    ids = list(app.template.resources)
    assert ids.index("AuditLogsSubscriptionFilterCloudWatchLog1") < ids.index(
        "AuditLambdaPermissionLogsSubscriptionFilterCloudWatchLog"
    )  # the framework's order; DependsOn puts the permission first when deploying


def test_two_filters_per_log_group_at_most(tmp_path: Path) -> None:
    events = "    events:\n      - cloudwatchLog: /app/x\n      - cloudwatchLog: /app/x\n"
    with pytest.raises(TemplateError) as caught:
        _load(tmp_path, f"  one:\n    handler: h.handler\n{events}  two:\n    handler: h.handler\n{events}")
    assert caught.value.where == "functions.two.events[0].cloudwatchLog"
    assert caught.value.problem == (
        "Only 2 subscription filters can be configured per log group. You're attempting to configure more "
        'subscription filters than allowed for "/app/x".'
    )


@pytest.mark.parametrize(
    ("event", "where", "problem"),
    [
        ("{filter: ERROR}", "cloudwatchLog.logGroup", "missing 'logGroup' (the name of the log group to subscribe to)"),
        ("{logGroup: /app/x, filter: 3}", "cloudwatchLog.filter", "must be a string (a filter pattern), not int"),
        ("{logGroup: [a]}", "cloudwatchLog.logGroup", "must be a string (a log group name), not list"),
        ("7", "cloudwatchLog", "must be a log group name or an object with 'logGroup', not int"),
        (
            "'/app/a b'",
            "cloudwatchLog",
            "'/app/a b' is not a log group name (1 to 512 letters, digits and '.-_/#')",
        ),
    ],
)
def test_invalid_events_are_one_line_errors(tmp_path: Path, event: str, where: str, problem: str) -> None:
    with pytest.raises(TemplateError) as caught:
        _load(tmp_path, f"  audit:\n    handler: h.handler\n    events:\n      - cloudwatchLog: {event}\n")
    assert caught.value.where == f"functions.audit.events[0].{where}"
    assert caught.value.problem == problem
    assert "\n" not in str(caught.value)
