"""Deploying EventBridge and Scheduler resources from CloudFormation, SAM and serverless.yml, checked
through the services and by letting the virtual clock run their schedules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import triggerfish
from triggerfish.cloud import Cloud
from triggerfish.services.events import Location

HANDLER = "def handler(event, context):\n    print(event)\n    return event\n"
HERE = Location()

STACK = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: cfn-target
      Handler: app.handler
      Runtime: python3.12
      Code: src
      Role: arn:aws:iam::000000000000:role/r
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: cfn-events
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: cfn-bus
  BusPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties:
      EventBusName: !Ref Bus
      StatementId: partner
      Action: events:PutEvents
      Principal: "111122223333"
  AuditPolicy:
    Type: AWS::Events::EventBusPolicy
    DependsOn: BusPolicy
    Properties:
      EventBusName: !Ref Bus
      StatementId: audit
      Statement:
        Effect: Allow
        Principal: {AWS: "arn:aws:iam::444455556666:root"}
        Action: events:PutEvents
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern:
        source: [{prefix: "shop."}]
      Targets:
        - Id: fn
          Arn: !GetAtt Fn.Arn
          RetryPolicy: {MaximumRetryAttempts: "3"}
        - Id: queue
          Arn: !GetAtt Queue.Arn
          InputPath: $.detail
  Archive:
    Type: AWS::Events::Archive
    Properties:
      SourceArn: !GetAtt Bus.Arn
      RetentionDays: 7
  Group:
    Type: AWS::Scheduler::ScheduleGroup
    Properties:
      Name: jobs
  Nightly:
    Type: AWS::Scheduler::Schedule
    Properties:
      GroupName: !Ref Group
      ScheduleExpression: cron(0 2 * * ? *)
      ScheduleExpressionTimezone: Europe/Paris
      FlexibleTimeWindow: {Mode: "OFF"}
      Target:
        Arn: !GetAtt Queue.Arn
        RoleArn: arn:aws:iam::000000000000:role/scheduler
        Input: '{"job": "nightly"}'
Outputs:
  RuleRef:
    Value: !Ref Rule
  RuleArn:
    Value: !GetAtt Rule.Arn
  ArchiveArn:
    Value: !GetAtt Archive.Arn
  ScheduleArn:
    Value: !GetAtt Nightly.Arn
"""


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with triggerfish.local(virtual_clock=True, port=None) as local_cloud:
        yield local_cloud


def _app(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "app.py").write_text(HANDLER)
    (tmp_path / "app.py").write_text(HANDLER)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_a_cloudformation_stack_creates_buses_rules_archives_and_schedules(cloud: Cloud, tmp_path: Path) -> None:
    report = cloud.deploy(_app(tmp_path, {"template.yaml": STACK}))
    events = cloud.app.events
    rule = events.describe_rule(report.outputs["RuleRef"].split("|")[1], scope=HERE, event_bus_name="cfn-bus")
    assert report.outputs["RuleRef"] == f"cfn-bus|{rule.name}"
    assert report.outputs["RuleArn"] == rule.arn == f"arn:aws:events:us-east-1:000000000000:rule/cfn-bus/{rule.name}"
    assert json.loads(rule.event_pattern or "") == {"source": [{"prefix": "shop."}]}
    assert [target.id for target in rule.targets] == ["fn", "queue"]
    assert rule.targets[0].spec["RetryPolicy"] == {"MaximumRetryAttempts": 3}
    policy = json.loads(events.describe_event_bus("cfn-bus", scope=HERE).policy or "")
    assert [statement["Sid"] for statement in policy["Statement"]] == ["partner", "audit"]
    assert policy["Statement"][1]["Resource"] == events.describe_event_bus("cfn-bus", scope=HERE).arn
    assert report.outputs["ArchiveArn"].endswith(":archive/" + report.outputs["ArchiveArn"].rsplit("/", 1)[1])
    schedule_name = report.outputs["ScheduleArn"].rsplit("/", 1)[1]
    schedule = cloud.app.scheduler.get_schedule(schedule_name, "jobs", scope=HERE)
    assert schedule.timezone == "Europe/Paris"

    result = cloud.run(
        events.put_events(
            [{"EventBusName": "cfn-bus", "Source": "shop.orders", "DetailType": "Placed", "Detail": '{"n": 1}'}],
            scope=HERE,
        )
    )
    assert result.failed_count == 0
    cloud.settle()
    (invocation,) = cloud.invocations_of("cfn-target")
    assert json.loads(invocation.payload)["detail"] == {"n": 1}


def test_an_update_changes_rules_in_place_and_removes_dropped_targets(cloud: Cloud, tmp_path: Path) -> None:
    stack = STACK.replace("cfn-", "upd-").replace("Name: jobs", "Name: upd-jobs")
    first = cloud.deploy(_app(tmp_path, {"template.yaml": stack}))
    changed = stack.replace('source: [{prefix: "shop."}]', 'source: ["billing"]').replace(
        """        - Id: queue
          Arn: !GetAtt Queue.Arn
          InputPath: $.detail
""",
        "",
    )
    (tmp_path / "template.yaml").write_text(changed)
    second = cloud.deploy(tmp_path)
    assert second.outputs["RuleArn"] == first.outputs["RuleArn"]
    rule = cloud.app.events.describe_rule(second.outputs["RuleRef"].split("|")[1], scope=HERE, event_bus_name="upd-bus")
    assert json.loads(rule.event_pattern or "") == {"source": ["billing"]}
    assert [target.id for target in rule.targets] == ["fn"]


def test_serverless_schedules_and_event_bridge_events_fire(cloud: Cloud, tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        {
            "serverless.yml": """
service: ticks
provider:
  name: aws
  runtime: python3.12
functions:
  every:
    handler: app.handler
    events:
      - schedule:
          rate: rate(10 minutes)
          input: {"kind": "tick"}
      - eventBridge:
          eventBus: ticks-bus
          pattern:
            detail-type: [Ping]
"""
        },
    )
    cloud.deploy(app)
    cloud.clock.advance(3600)
    ticks = [json.loads(i.payload) for i in cloud.invocations_of("ticks-dev-every")]
    assert ticks == [{"kind": "tick"}] * 6
    cloud.run(
        cloud.app.events.put_events(
            [{"EventBusName": "ticks-bus", "Source": "me", "DetailType": "Ping", "Detail": "{}"}], scope=HERE
        )
    )
    cloud.settle()
    last = json.loads(cloud.invocations_of("ticks-dev-every")[-1].payload)
    assert last["detail-type"] == "Ping"


def test_sam_schedule_schedule_v2_and_event_bridge_rule_events(cloud: Cloud, tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        {
            "template.yaml": """
Transform: AWS::Serverless-2016-10-31
Resources:
  Job:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: sam-job
      Handler: app.handler
      Runtime: python3.12
      CodeUri: src/
      Events:
        Hourly:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            Input: '{"from": "rule"}'
        Daily:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 12 * * ? *)
            Input: '{"from": "scheduler"}'
        Pings:
          Type: EventBridgeRule
          Properties:
            Pattern:
              source: [pinger]
        Legacy:
          Type: CloudWatchEvent
          Properties:
            Pattern:
              source: [legacy]
"""
        },
    )
    cloud.deploy(app)
    cloud.clock.advance(86_400)
    payloads = [json.loads(i.payload) for i in cloud.invocations_of("sam-job")]
    assert payloads.count({"from": "rule"}) == 24
    assert payloads.count({"from": "scheduler"}) == 1
    cloud.run(
        cloud.app.events.put_events(
            [
                {"Source": "pinger", "DetailType": "x", "Detail": "{}"},
                {"Source": "legacy", "DetailType": "y", "Detail": "{}"},
            ],
            scope=HERE,
        )
    )
    cloud.settle()
    sources = [json.loads(i.payload).get("source") for i in cloud.invocations_of("sam-job")]
    assert {"pinger", "legacy"} <= set(sources)
