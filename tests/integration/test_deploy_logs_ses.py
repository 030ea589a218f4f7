"""Deploying log subscriptions and SES receiving from a SAM template, a serverless.yml and a CloudFormation
template into a running cloud: matching log events reach the subscribed function in CloudWatch Logs'
shape, and a deployed receipt rule set is the active one with the function's ARN in its Lambda action."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from triggerfish.cloud import Cloud
from triggerfish.config.deploy.engine import Deployer, DeployReport
from triggerfish.config.deploy.resources import Services
from triggerfish.config.loader import load_definition
from triggerfish.services.lambda_.code import CodeStore
from triggerfish.services.lambda_.service import Scope
from triggerfish.services.logs import LogsService
from triggerfish.services.ses import SesService
from triggerfish.services.ses.receiving.models import InvocationType, LambdaAction
from triggerfish.services.ses.receiving.rules import ReceiptRules

REGION = "us-east-1"
HANDLER = "def handler(event, context):\n    return None\n"


@dataclass
class Stack:
    cloud: Cloud
    deployer: Deployer
    logs: LogsService
    rules: ReceiptRules

    def deploy(self, folder: Path) -> DeployReport:
        definition = load_definition(folder, env={})
        return self.cloud.run(self.deployer.deploy(definition, scope=Scope(region=REGION)))


@pytest.fixture(scope="module")
def stack(cloud: Cloud) -> Iterator[Stack]:
    app = cloud.app
    # the cloud's own Logs and SES services once it runs them, else ones on the same store
    logs = getattr(app, "logs", None) or LogsService(app.store, app.clock, app.deliveries, app.tracker)
    ses = getattr(app, "ses", None) or SesService(app.store, app.clock)
    rules = getattr(app, "receipt_rules", None) or ReceiptRules(app.store, app.clock)
    started = [
        service
        for name, service in (("logs", logs), ("ses", ses), ("receipt_rules", rules))
        if getattr(app, name, None) is None
    ]
    for service in started:
        cloud.run(service.start())
    services = Services(app.lambda_, CodeStore(None), logs=logs, ses=ses, receipt_rules=rules)
    yield Stack(cloud, Deployer(services, app.store.documents, app.clock), logs, rules)
    for service in started:
        if hasattr(service, "close"):
            cloud.run(service.close())


def _app(tmp_path: Path, name: str, file: str, text: str) -> Path:
    folder = tmp_path / name
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text(HANDLER)
    (folder / file).write_text(text)
    return folder


def _log_batches(cloud: Cloud, function: str) -> list[dict[str, Any]]:
    """What each invocation of ``function`` was given, unpacked from ``awslogs.data`` (base64 of gzip of JSON)."""
    events = [json.loads(invocation.event) for invocation in cloud.invocations_of(function)]
    return [json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"]))) for event in events]


async def _put(logs: LogsService, group: str, stream: str, lines: list[str], now: float) -> None:
    await logs.create_log_stream(REGION, group, stream)
    await logs.put_log_events(REGION, group, stream, [(int(now * 1000), line) for line in lines])


SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Audit:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: /it/sam-audit, RetentionInDays: 7}
  Watcher:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.11
      CodeUri: src
      Events:
        Errors:
          Type: CloudWatchLogs
          Properties:
            LogGroupName: !Ref Audit
            FilterPattern: ERROR
"""


def test_a_sam_cloudwatch_logs_event_delivers_matching_lines(stack: Stack, tmp_path: Path) -> None:
    report = stack.deploy(_app(tmp_path, "sam", "template.yaml", SAM))
    function = report.resources["Watcher"].physical_id
    assert report.resources["WatcherErrors"].type == "AWS::Logs::SubscriptionFilter"
    assert stack.logs.log_group(REGION, "/it/sam-audit").retention_days == 7

    lines = ["INFO started", "ERROR disk full", "INFO still going", "ERROR out of memory"]
    stack.cloud.run(_put(stack.logs, "/it/sam-audit", "web-1", lines, stack.cloud.now()))
    stack.cloud.settle()

    (batch,) = _log_batches(stack.cloud, function)
    assert (batch["messageType"], batch["logGroup"], batch["logStream"]) == ("DATA_MESSAGE", "/it/sam-audit", "web-1")
    assert batch["subscriptionFilters"] == [stack.logs.describe_subscription_filters(REGION, "/it/sam-audit")[0].name]
    assert [event["message"] for event in batch["logEvents"]] == ["ERROR disk full", "ERROR out of memory"]


SERVERLESS = """
service: it-logs
provider:
  name: aws
  runtime: python3.11
functions:
  audit:
    handler: app.handler
    events:
      - cloudwatchLog: {logGroup: /it/sls-app, filter: '"payment failed"'}
"""


def test_a_serverless_cloudwatch_log_event_subscribes_to_a_group_made_for_it(stack: Stack, tmp_path: Path) -> None:
    folder = _app(tmp_path, "sls", "serverless.yml", SERVERLESS)
    (folder / "app.py").write_text(HANDLER)
    report = stack.deploy(folder)
    assert report.resources["AuditLogsSubscriptionFilterCloudWatchLog1"].type == "AWS::Logs::SubscriptionFilter"
    # nothing declares /it/sls-app: subscribing made it
    assert stack.logs.log_group(REGION, "/it/sls-app").name == "/it/sls-app"

    lines = ["checkout started", "payment failed for order 7", "payment ok"]
    stack.cloud.run(_put(stack.logs, "/it/sls-app", "checkout", lines, stack.cloud.now()))
    stack.cloud.settle()

    (batch,) = _log_batches(stack.cloud, "it-logs-dev-audit")
    assert [event["message"] for event in batch["logEvents"]] == ["payment failed for order 7"]


RECEIVING = """
Resources:
  Inbox:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: it-inbox
      Handler: app.handler
      Runtime: python3.11
      Code: src
      Role: arn:aws:iam::000000000000:role/r
  Domain:
    Type: AWS::SES::EmailIdentity
    Properties: {EmailIdentity: it-mail.example}
  Allow:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Inbox
      Action: lambda:InvokeFunction
      Principal: ses.amazonaws.com
      SourceAccount: !Ref AWS::AccountId
  Rules:
    Type: AWS::SES::ReceiptRuleSet
  Deliver:
    Type: AWS::SES::ReceiptRule
    DependsOn: Allow
    Properties:
      RuleSetName: !Ref Rules
      Rule:
        Name: to-inbox
        Enabled: true
        Recipients: [it-mail.example]
        Actions:
          - LambdaAction: {FunctionArn: !GetAtt Inbox.Arn, InvocationType: Event}
"""


def test_a_receipt_rule_set_is_deployed_active_with_the_functions_arn(stack: Stack, tmp_path: Path) -> None:
    report = stack.deploy(_app(tmp_path, "mail", "template.yaml", RECEIVING))
    active = stack.rules.active(REGION)
    assert active is not None and active.name == report.resources["Rules"].physical_id
    (rule,) = active.rules
    function_arn = stack.cloud.get_function("it-inbox").arn
    assert (rule.name, rule.recipients, rule.enabled) == ("to-inbox", ("it-mail.example",), True)
    assert rule.actions == (LambdaAction(function_arn, InvocationType.EVENT),)
