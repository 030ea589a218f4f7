"""Less common event settings and their errors, each on a small inline service."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless import load_serverless


def load(tmp_path: Path, functions: str, provider: str = "", extra: str = "") -> AppDefinition:
    source = tmp_path / "serverless.yml"
    source.write_text(
        "service: svc\nprovider:\n  name: aws\n  region: us-east-1\n"
        + textwrap.indent(textwrap.dedent(provider), "  ")
        + "functions:\n"
        + textwrap.indent(textwrap.dedent(functions), "  ")
        + textwrap.dedent(extra)
    )
    return load_serverless(source, env={})


def properties(app: AppDefinition, logical_id: str) -> dict[str, Any]:
    return dict(app.template.resources[logical_id].properties)


def failure(tmp_path: Path, functions: str, provider: str = "") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        load(tmp_path, functions, provider)
    return caught.value


ARN = {"Fn::GetAtt": ["FLambdaFunction", "Arn"]}


def test_scheduler_method(tmp_path: Path) -> None:
    app = load(
        tmp_path,
        """
        f:
          handler: h.f
          events:
            - schedule:
                method: scheduler
                rate: ['cron(0 8 * * ? *)']
                timezone: Europe/Paris
                input: {hello: world}
        """,
    )
    assert app.template.resources["FSchedulerSchedule1"].type == "AWS::Scheduler::Schedule"
    assert properties(app, "FSchedulerSchedule1") == {
        "ScheduleExpression": "cron(0 8 * * ? *)",
        "State": "ENABLED",
        "Target": {
            "Arn": ARN,
            "RoleArn": {"Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"]},
            "Input": '{"hello":"world"}',
        },
        "FlexibleTimeWindow": {"Mode": "OFF"},
        "ScheduleExpressionTimezone": "Europe/Paris",
    }
    role = properties(app, "IamRoleLambdaExecution")
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == [
        "lambda.amazonaws.com",
        "scheduler.amazonaws.com",
    ]
    assert "FLambdaPermissionEventsRuleSchedule1" not in app.template.resources


@pytest.mark.parametrize(
    ("schedule", "field", "problem"),
    [
        ("{rate: rate(1 hour), timezone: UTC}", "timezone", '"timezone" is only supported with "scheduler" mode'),
        ("{method: scheduler, rate: rate(1 hour), inputPath: $.x}", "inputPath", '"inputPath" is not supported'),
        ("{method: later, rate: rate(1 hour)}", "method", "'method' must be 'eventBus' or 'scheduler'"),
        ("{enabled: true}", "rate", "'rate' must be a rate(...) or cron(...) expression"),
    ],
)
def test_schedule_errors(tmp_path: Path, schedule: str, field: str, problem: str) -> None:
    error = failure(tmp_path, f"f:\n  handler: h.f\n  events:\n    - schedule: {schedule}\n")
    assert error.where == f"functions.f.events[0].schedule.{field}"
    assert problem in error.problem


def test_sns_redrive_policy_and_topic_in_another_region(tmp_path: Path) -> None:
    app = load(
        tmp_path,
        """
        f:
          handler: h.f
          events:
            - sns:
                arn: arn:aws:sns:eu-west-1:000000000000:remote
                redrivePolicy:
                  deadLetterTargetArn: arn:aws:sqs:us-east-1:000000000000:dlq
        """,
    )
    assert properties(app, "FSnsSubscriptionRemote") == {
        "TopicArn": "arn:aws:sns:eu-west-1:000000000000:remote",
        "Protocol": "lambda",
        "Endpoint": ARN,
        "RedrivePolicy": {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"},
        "Region": "eu-west-1",
    }
    policy = properties(app, "RemoteToFDLQPolicy")
    assert policy["Queues"] == [
        {"Fn::Join": ["", ["https://sqs.us-east-1.", {"Ref": "AWS::URLSuffix"}, "/000000000000/dlq"]]}
    ]
    assert policy["PolicyDocument"]["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": "arn:aws:sqs:us-east-1:000000000000:dlq",
            "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:000000000000:remote"}},
        }
    ]


def test_sns_intrinsic_arn_needs_a_topic_name(tmp_path: Path) -> None:
    error = failure(tmp_path, "f:\n  handler: h.f\n  events:\n    - sns:\n        arn: {Ref: Topic}\n")
    assert error.where == "functions.f.events[0].sns.topicName"
    app = load(
        tmp_path,
        "f:\n  handler: h.f\n  events:\n    - sns:\n        arn: {Ref: Topic}\n        topicName: mine\n",
        extra="resources:\n  Resources:\n    Topic:\n      Type: AWS::SNS::Topic\n",
    )
    assert properties(app, "FSnsSubscriptionMine")["TopicArn"] == {"Ref": "Topic"}


def test_s3_bucket_settings_from_the_provider(tmp_path: Path) -> None:
    app = load(
        tmp_path,
        "f:\n  handler: h.f\n  events:\n    - s3: photos\n",
        provider="""
        s3:
          photos:
            name: my-photos-bucket
            versioningConfiguration:
              Status: Enabled
        """,
    )
    bucket = app.template.resources["S3BucketPhotos"]
    assert bucket.depends_on == ("FLambdaPermissionPhotosS3",)
    assert dict(bucket.properties) == {
        "BucketName": "my-photos-bucket",
        "NotificationConfiguration": {"LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": ARN}]},
        "VersioningConfiguration": {"Status": "Enabled"},
    }
    assert properties(app, "FLambdaPermissionPhotosS3")["SourceArn"] == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::my-photos-bucket"]]
    }


def test_s3_intrinsic_bucket_must_be_existing(tmp_path: Path) -> None:
    error = failure(tmp_path, "f:\n  handler: h.f\n  events:\n    - s3:\n        bucket: {Ref: B}\n")
    assert error.where == "functions.f.events[0].s3.bucket"
    assert 'you need to specify that the bucket is existing via "existing: true" property' in error.problem


def test_event_bridge_named_rule_transformer_and_referenced_bus(tmp_path: Path) -> None:
    app = load(
        tmp_path,
        """
        f:
          handler: h.f
          events:
            - eventBridge:
                name: my-rule
                description: Orders
                enabled: false
                eventBus: {Ref: Bus}
                pattern: {source: [orders]}
                inputTransformer:
                  inputPathsMap: {id: $.detail.id}
                  inputTemplate: '{"id": <id>}'
        """,
        extra="resources:\n  Resources:\n    Bus:\n      Type: AWS::Events::EventBus\n"
        "      Properties:\n        Name: b\n",
    )
    assert properties(app, "Svcdevfrule1EventBridgeRule") == {
        "Description": "Orders",
        "EventBusName": {"Ref": "Bus"},
        "EventPattern": {"source": ["orders"]},
        "Name": "my-rule",
        "State": "DISABLED",
        "Targets": [
            {
                "Arn": ARN,
                "Id": "my-rule-target",
                "InputTransformer": {"InputPathsMap": {"id": "$.detail.id"}, "InputTemplate": '{"id": <id>}'},
            }
        ],
    }
    source_arn = properties(app, "FEventBridgeLambdaPermission1")["SourceArn"]
    assert source_arn["Fn::Join"][1][-1] == {"Fn::Join": ["/", ["rule", {"Ref": "Bus"}, "my-rule"]]}


def test_event_bridge_needs_a_pattern_or_schedule(tmp_path: Path) -> None:
    error = failure(tmp_path, "f:\n  handler: h.f\n  events:\n    - eventBridge:\n        eventBus: b\n")
    assert (error.where, error.problem) == ("functions.f.events[0].eventBridge", "needs a 'pattern' or a 'schedule'")


def test_stream_starting_timestamp_and_sns_destination(tmp_path: Path) -> None:
    app = load(
        tmp_path,
        """
        f:
          handler: h.f
          events:
            - stream:
                arn: arn:aws:kinesis:us-east-1:000000000000:stream/orders
                startingPosition: AT_TIMESTAMP
                startingPositionTimestamp: 1700000000
                maximumRecordAgeInSeconds: 120
                tumblingWindowInSeconds: 30
                functionResponseType: ReportBatchItemFailures
                destinations:
                  onFailure:
                    arn: {Ref: Failures}
                    type: sns
        """,
        extra="resources:\n  Resources:\n    Failures:\n      Type: AWS::SNS::Topic\n",
    )
    assert properties(app, "FEventSourceMappingKinesisOrders") == {
        "BatchSize": 10,
        "Enabled": True,
        "EventSourceArn": "arn:aws:kinesis:us-east-1:000000000000:stream/orders",
        "FunctionName": ARN,
        "StartingPosition": "AT_TIMESTAMP",
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "MaximumRecordAgeInSeconds": 120,
        "TumblingWindowInSeconds": 30,
        "DestinationConfig": {"OnFailure": {"Destination": {"Ref": "Failures"}}},
        "StartingPositionTimestamp": 1700000000,
    }


@pytest.mark.parametrize(
    ("event", "where", "problem"),
    [
        (
            "stream: {arn: arn:aws:kinesis:us-east-1:0:stream/s, startingPosition: AT_TIMESTAMP}",
            "stream.startingPositionTimestamp",
            "You must specify startingPositionTimestamp for function: f when startingPosition is AT_TIMESTAMP",
        ),
        ("stream: {arn: {Ref: S}}", "stream.type", "'type' must be 'dynamodb' or 'kinesis'"),
        ("sqs: {batchSize: 5}", "sqs", "missing 'arn' (the queue's ARN)"),
        ("sqs: {arn: {Ref: Q}}", "sqs.arn", "must be a queue ARN, or an Fn::GetAtt"),
        ("sqs: [a]", "sqs", "must be a string or an object, not list"),
        ("sqs: {arn: arn:aws:sqs:us-east-1:0:q, filterPatterns: {a: 1}}", "sqs.filterPatterns", "must be a list"),
    ],
)
def test_event_errors(tmp_path: Path, event: str, where: str, problem: str) -> None:
    error = failure(tmp_path, f"f:\n  handler: h.f\n  events:\n    - {event}\n")
    assert error.where == f"functions.f.events[0].{where}"
    assert error.problem.startswith(problem)


def test_events_must_be_a_list(tmp_path: Path) -> None:
    error = failure(tmp_path, "f:\n  handler: h.f\n  events:\n    sqs: arn:aws:sqs:us-east-1:0:q\n")
    assert (error.where, error.problem) == ("functions.f.events", "must be a list of events")


def test_functions_from_several_files_are_merged(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("one:\n  handler: h.one\n")
    (tmp_path / "b.yml").write_text("two:\n  handler: h.two\n  role: {Fn::GetAtt: [TwoRole, Arn]}\n")
    source = tmp_path / "serverless.yml"
    source.write_text(
        "service: svc\nprovider:\n  name: aws\nfunctions:\n  - ${file(./a.yml)}\n  - ${file(./b.yml)}\n"
        "resources:\n  Resources:\n    TwoRole:\n      Type: AWS::IAM::Role\n"
    )
    app = load_serverless(source, env={})
    assert app.template.resources["OneLambdaFunction"].properties["Handler"] == "h.one"
    two = app.template.resources["TwoLambdaFunction"]
    assert two.properties["Role"] == {"Fn::GetAtt": ["TwoRole", "Arn"]}
    assert two.depends_on == ("TwoLogGroup", "TwoRole")


def test_function_url_is_compiled_without_warnings(tmp_path: Path) -> None:
    app = load(tmp_path, "f:\n  handler: h.f\n  url: true\n")
    assert app.warnings == ()
    assert app.template.resources["FLambdaFunctionUrl"].type == "AWS::Lambda::Url"
