"""Log groups and subscription filters deployed from a template: created, updated in place or replaced,
and deleted as CloudFormation does; a subscribed group that does not exist yet is made."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest

from triggerfish.cli.summary import TRIGGERS
from triggerfish.config.deploy.engine import Deployer, DeployReport
from triggerfish.config.deploy.resources import Services
from triggerfish.config.deploy.state import DeployedResource
from triggerfish.config.errors import TemplateError
from triggerfish.config.loader import load_definition
from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.code import CodeStore
from triggerfish.services.logs import LogsService
from triggerfish.store.factory import open_store

REGION = "us-east-1"
WATCHER = "arn:aws:lambda:us-east-1:000000000000:function:watcher"
OTHER = "arn:aws:lambda:us-east-1:000000000000:function:other"


@dataclass
class Functions:
    """Stands in for Lambda as a delivery target: two functions exist."""

    delivered: list[tuple[str, Delivery]] = field(default_factory=list)

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.delivered.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return arn in (WATCHER, OTHER)


@dataclass
class Cloud:
    deployer: Deployer
    logs: LogsService
    folder: Path

    async def deploy(self, template: str, **parameters: str) -> DeployReport:
        (self.folder / "template.yaml").write_text(template)
        definition = load_definition(self.folder, stack_name="audit", parameter_overrides=parameters)
        return await self.deployer.deploy(definition)


@pytest.fixture
async def cloud(tmp_path: Path) -> AsyncIterator[Cloud]:
    store, clock, deliveries = open_store(None), VirtualClock(), DeliveryRegistry()
    await store.open()
    deliveries.register("lambda", Functions())
    logs = LogsService(store, clock, deliveries, WorkTracker())
    await logs.start()
    # no function is deployed here: the Lambda service is never reached
    services = Services(cast(Any, None), CodeStore(None), logs=logs)
    yield Cloud(Deployer(services, store.documents, clock), logs, tmp_path)
    await logs.close()
    await store.close()


GROUPS = """
Parameters:
  Retention: {Type: String, Default: "14"}
  Pattern: {Type: String, Default: ERROR}
  Destination: {Type: String, Default: %(watcher)s}
Resources:
  Audit:
    Type: AWS::Logs::LogGroup
    Properties:
      LogGroupName: /app/audit
      RetentionInDays: !Ref Retention
      Tags: [{Key: team, Value: red}, {Key: tier, Value: gold}]
  Unnamed:
    Type: AWS::Logs::LogGroup
  Errors:
    Type: AWS::Logs::SubscriptionFilter
    Properties:
      LogGroupName: !Ref Audit
      FilterPattern: !Ref Pattern
      DestinationArn: !Ref Destination
  Hello:
    Type: AWS::Logs::SubscriptionFilter
    Properties:
      FilterName: every-line
      LogGroupName: /aws/lambda/hello
      FilterPattern: ""
      DestinationArn: %(watcher)s
Outputs:
  Name: {Value: !Ref Audit}
  Arn: {Value: !GetAtt Audit.Arn}
  Unnamed: {Value: !Ref Unnamed}
  Filter: {Value: !Ref Errors}
"""


def _groups(**values: str) -> str:
    return GROUPS % {"watcher": WATCHER, **values}


async def test_groups_and_filters_are_created(cloud: Cloud) -> None:
    report = await cloud.deploy(_groups())

    audit = cloud.logs.log_group(REGION, "/app/audit")
    assert (audit.retention_days, dict(audit.tags)) == (14, {"team": "red", "tier": "gold"})
    assert report.outputs["Name"] == "/app/audit"
    assert report.outputs["Arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/app/audit:*"
    # a group without a name gets one made up from the stack and logical id
    unnamed = str(report.outputs["Unnamed"])
    assert unnamed.startswith("audit-Unnamed-") and cloud.logs.log_group(REGION, unnamed).retention_days is None

    (errors,) = cloud.logs.describe_subscription_filters(REGION, "/app/audit")
    assert (errors.name, errors.pattern, errors.destination_arn) == (report.outputs["Filter"], "ERROR", WATCHER)
    assert errors.name.startswith("audit-Errors-") and errors.distribution == "ByLogStream"
    # the function's group does not exist before its first run: subscribing to it makes it
    (hello,) = cloud.logs.describe_subscription_filters(REGION, "/aws/lambda/hello")
    assert (hello.name, hello.pattern) == ("every-line", "")


async def test_retention_tags_and_filters_change_in_place(cloud: Cloud) -> None:
    await cloud.deploy(_groups())
    await cloud.logs.create_log_stream(REGION, "/app/audit", "s")
    await cloud.logs.put_log_events(REGION, "/app/audit", "s", [(1_700_000_000_000, "kept")])
    changed = _groups().replace("{Key: team, Value: red}, {Key: tier, Value: gold}", "{Key: team, Value: blue}")
    report = await cloud.deploy(changed, Retention="30", Pattern="WARN", Destination=OTHER)

    assert set(report.updated) == {"Audit", "Errors"}
    audit = cloud.logs.log_group(REGION, "/app/audit")
    assert (audit.retention_days, dict(audit.tags)) == (30, {"team": "blue"})
    (errors,) = cloud.logs.describe_subscription_filters(REGION, "/app/audit")
    assert (errors.pattern, errors.destination_arn) == ("WARN", OTHER)
    events, _, _ = cloud.logs.get_log_events(REGION, "/app/audit", "s", start_from_head=True)
    assert [event.message for event in events] == ["kept"]

    without_retention = changed.replace("      RetentionInDays: !Ref Retention\n", "")
    await cloud.deploy(without_retention, Pattern="WARN", Destination=OTHER)
    assert cloud.logs.log_group(REGION, "/app/audit").retention_days is None


async def test_a_new_name_replaces_group_and_filter(cloud: Cloud) -> None:
    await cloud.deploy(_groups())
    renamed = _groups().replace("LogGroupName: /app/audit", "LogGroupName: /app/audit-v2")
    renamed = renamed.replace("FilterName: every-line", "FilterName: all-lines")
    await cloud.deploy(renamed)

    names = [group.name for group in cloud.logs.describe_log_groups(REGION, prefix="/app/")]
    assert names == ["/app/audit-v2"]
    assert len(cloud.logs.describe_subscription_filters(REGION, "/app/audit-v2")) == 1
    assert [item.name for item in cloud.logs.describe_subscription_filters(REGION, "/aws/lambda/hello")] == [
        "all-lines"
    ]


async def test_removed_resources_are_deleted(cloud: Cloud) -> None:
    await cloud.deploy(_groups())
    report = await cloud.deploy(
        "Resources:\n  Keep:\n    Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: /k}\n"
    )

    assert set(report.deleted) == {"Audit", "Unnamed", "Errors", "Hello"}
    assert [group.name for group in cloud.logs.describe_log_groups(REGION)] == ["/aws/lambda/hello", "/k"]
    assert cloud.logs.describe_subscription_filters(REGION, "/aws/lambda/hello") == []


async def test_a_group_that_is_already_there_is_taken_over(cloud: Cloud) -> None:
    # a function that ran before its template declared the group made it
    await cloud.logs.create_log_group(REGION, "/app/audit", tags={"team": "red", "old": "x"})
    await cloud.deploy(_groups())
    audit = cloud.logs.log_group(REGION, "/app/audit")
    assert (audit.retention_days, dict(audit.tags)) == (14, {"team": "red", "tier": "gold", "old": "x"})


@pytest.mark.parametrize(
    ("resource", "problem"),
    [
        (
            "Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: /a, RetentionInDays: 4}",
            "InvalidParameterException:",
        ),
        (
            "Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: /a, RetentionInDays: often}",
            "Value of property RetentionInDays must be of type Integer",
        ),
        (
            "Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: /a, Tags: {team: red}}",
            "Value of property Tags must be of type List of Tag ({Key, Value})",
        ),
        (
            f"Type: AWS::Logs::SubscriptionFilter\n    Properties: {{LogGroupName: /a, DestinationArn: {WATCHER}}}",
            "Property FilterPattern cannot be empty.",
        ),
        (
            "Type: AWS::Logs::SubscriptionFilter\n    Properties:\n      LogGroupName: /a\n      FilterPattern: x\n"
            "      DestinationArn: arn:aws:lambda:us-east-1:000000000000:function:missing",
            "InvalidParameterException: Could not execute the lambda function.",
        ),
    ],
)
async def test_bad_resources_fail_with_one_line_template_errors(cloud: Cloud, resource: str, problem: str) -> None:
    with pytest.raises(TemplateError) as caught:
        await cloud.deploy(f"Resources:\n  Broken:\n    {resource}\n")
    assert caught.value.where == "Resources.Broken"
    assert caught.value.problem.startswith(problem)
    assert "\n" not in str(caught.value)


async def test_without_logs_groups_are_recorded_and_filters_refused(tmp_path: Path) -> None:
    store, clock = open_store(None), VirtualClock()
    await store.open()
    deployer = Deployer(Services(cast(Any, None), CodeStore(None)), store.documents, clock)
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  G:\n    Type: AWS::Logs::LogGroup\n    Properties: {LogGroupName: /g}\n"
        "Outputs:\n  Arn: {Value: !GetAtt G.Arn}\n"
    )
    report = await deployer.deploy(load_definition(tmp_path))
    assert report.outputs["Arn"] == "arn:aws:logs:us-east-1:000000000000:log-group:/g:*"
    (tmp_path / "template.yaml").write_text(
        f"Resources:\n  F:\n    Type: AWS::Logs::SubscriptionFilter\n"
        f"    Properties: {{LogGroupName: /g, FilterPattern: '', DestinationArn: {WATCHER}}}\n"
    )
    with pytest.raises(TemplateError) as caught:
        await deployer.deploy(load_definition(tmp_path))
    assert caught.value.problem == "CloudWatch Logs is not available in this cloud"
    await store.close()


def test_up_lists_a_subscription_as_a_trigger_line() -> None:
    describe = TRIGGERS["AWS::Logs::SubscriptionFilter"]
    properties = {"LogGroupName": "/aws/lambda/hello", "FilterPattern": "ERROR", "DestinationArn": WATCHER}
    resource = DeployedResource("Errors", "AWS::Logs::SubscriptionFilter", "errors", {}, properties)
    assert describe(resource, {WATCHER: "watcher"}) == "logs /aws/lambda/hello [ERROR] → watcher"
    every = DeployedResource("All", "AWS::Logs::SubscriptionFilter", "all", {}, {**properties, "FilterPattern": ""})
    assert describe(every, {}) == f"logs /aws/lambda/hello → {WATCHER}"
