"""Event sources compiled as the framework does: SQS, streams, schedules, SNS, S3 and EventBridge."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.model import AppDefinition, ResourceDefinition
from triggerfish.config.serverless import load_serverless

SERVICE = Path(__file__).parent.parent / "templates" / "serverless" / "events" / "serverless.yml"


@pytest.fixture(scope="module")
def app() -> AppDefinition:
    return load_serverless(SERVICE, env={})


def resource(app: AppDefinition, logical_id: str) -> ResourceDefinition:
    return app.template.resources[logical_id]


def arn_of(function: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [f"{function}LambdaFunction", "Arn"]}


def test_unsupported_and_skipped_events_are_warnings(app: AppDefinition) -> None:
    assert app.warnings == (
        "functions.thumbnails.events[2]: 's3' events on existing buckets are not supported yet; skipped",
        "functions.indexer.events[1]: 'websocket' events are not supported yet; skipped",
    )


def test_sqs_with_defaults(app: AppDefinition) -> None:
    mapping = resource(app, "WorkerEventSourceMappingSQSJobs")
    assert mapping.type == "AWS::Lambda::EventSourceMapping"
    assert mapping.depends_on == ("IamRoleLambdaExecution",)
    assert dict(mapping.properties) == {
        "BatchSize": 10,
        "EventSourceArn": "arn:aws:sqs:us-east-1:000000000000:jobs",
        "FunctionName": arn_of("Worker"),
        "Enabled": True,
    }


def test_sqs_with_every_setting(app: AppDefinition) -> None:
    assert dict(resource(app, "WorkerEventSourceMappingSQSResizeQueue").properties) == {
        "BatchSize": 5,
        "MaximumBatchingWindowInSeconds": 10,
        "EventSourceArn": {"Fn::GetAtt": ["ResizeQueue", "Arn"]},
        "FunctionName": arn_of("Worker"),
        "Enabled": True,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "FilterCriteria": {"Filters": [{"Pattern": '{"body":{"kind":["resize"]}}'}]},
        "ScalingConfig": {"MaximumConcurrency": 3},
    }


def test_dynamodb_stream(app: AppDefinition) -> None:
    mapping = resource(app, "StreamsEventSourceMappingDynamodbImagesTable")
    assert mapping.depends_on == ("IamRoleLambdaExecution",)
    assert dict(mapping.properties) == {
        "BatchSize": 100,
        "Enabled": True,
        "EventSourceArn": {"Fn::GetAtt": ["ImagesTable", "StreamArn"]},
        "FunctionName": arn_of("Streams"),
        "StartingPosition": "LATEST",
        "MaximumRetryAttempts": 2,
        "BisectBatchOnFunctionError": True,
        "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:stream-failures"}},
        "FilterCriteria": {"Filters": [{"Pattern": '{"eventName":["INSERT"]}'}]},
    }


def test_kinesis_stream_through_a_generated_consumer(app: AppDefinition) -> None:
    consumer = resource(app, "StreamsclicksConsumerStreamConsumer")
    assert consumer.type == "AWS::Kinesis::StreamConsumer"
    assert dict(consumer.properties) == {
        "StreamARN": "arn:aws:kinesis:us-east-1:000000000000:stream/clicks",
        "ConsumerName": "streamsclicksConsumer",
    }
    mapping = resource(app, "StreamsEventSourceMappingKinesisClicks")
    assert mapping.depends_on == ("IamRoleLambdaExecution", "StreamsclicksConsumerStreamConsumer")
    assert dict(mapping.properties) == {
        "BatchSize": 10,
        "Enabled": True,
        "EventSourceArn": {"Ref": "StreamsclicksConsumerStreamConsumer"},
        "FunctionName": arn_of("Streams"),
        "ParallelizationFactor": 2,
        "StartingPosition": "TRIM_HORIZON",
        "MaximumBatchingWindowInSeconds": 5,
    }


def test_schedules_are_numbered_per_function(app: AppDefinition) -> None:
    rules = {
        logical_id: dict(definition.properties)
        for logical_id, definition in app.template.resources.items()
        if logical_id.startswith("CronEventsRuleSchedule")
    }
    target = {"Arn": arn_of("Cron"), "Id": "cronSchedule"}
    payload = '{"source":"cron","body":{"full":true}}'
    assert rules == {
        "CronEventsRuleSchedule1": {"ScheduleExpression": "rate(10 minutes)", "State": "ENABLED", "Targets": [target]},
        "CronEventsRuleSchedule2": {
            "ScheduleExpression": "cron(0 12 * * ? *)",
            "State": "DISABLED",
            "Targets": [{"Input": payload, **target}],
        },
        "CronEventsRuleSchedule3": {
            "ScheduleExpression": "rate(1 hour)",
            "State": "DISABLED",
            "Targets": [{"Input": payload, **target}],
        },
        "CronEventsRuleSchedule4": {
            "ScheduleExpression": "rate(1 day)",
            "State": "ENABLED",
            "Name": "nightly-report",
            "Description": "Builds the nightly report",
            "Targets": [
                {"InputTransformer": {"InputTemplate": '{"at": <time>}', "InputPathsMap": {"time": "$.time"}}, **target}
            ],
        },
    }


def test_schedule_permissions(app: AppDefinition) -> None:
    permission = resource(app, "CronLambdaPermissionEventsRuleSchedule2")
    assert permission.type == "AWS::Lambda::Permission"
    assert dict(permission.properties) == {
        "FunctionName": arn_of("Cron"),
        "Action": "lambda:InvokeFunction",
        "Principal": "events.amazonaws.com",
        "SourceArn": {"Fn::GetAtt": ["CronEventsRuleSchedule2", "Arn"]},
    }


def topic_arn(name: str) -> dict[str, Any]:
    parts = ["arn:", {"Ref": "AWS::Partition"}, ":sns:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}]
    return {"Fn::Join": ["", [*parts, ":", name]]}


def test_sns_topic_created_by_name(app: AppDefinition) -> None:
    assert dict(resource(app, "SNSTopicUploads").properties) == {
        "TopicName": "uploads",
        "Subscription": [{"Endpoint": arn_of("Topics"), "Protocol": "lambda"}],
    }
    assert dict(resource(app, "TopicsLambdaPermissionUploadsSNS").properties) == {
        "FunctionName": arn_of("Topics"),
        "Action": "lambda:InvokeFunction",
        "Principal": "sns.amazonaws.com",
        "SourceArn": topic_arn("uploads"),
    }


def test_sns_filter_policy_makes_a_subscription(app: AppDefinition) -> None:
    assert dict(resource(app, "SNSTopicAlerts").properties) == {"TopicName": "alerts", "DisplayName": "Alerts"}
    assert dict(resource(app, "TopicsSnsSubscriptionAlerts").properties) == {
        "Endpoint": arn_of("Topics"),
        "Protocol": "lambda",
        "TopicArn": {"Ref": "SNSTopicAlerts"},
        "FilterPolicy": {"severity": ["high"]},
    }


def test_sns_existing_topic_by_arn(app: AppDefinition) -> None:
    arn = "arn:aws:sns:us-east-1:000000000000:shared-events"
    assert "SNSTopicSharedevents" not in app.template.resources
    assert dict(resource(app, "TopicsSnsSubscriptionSharedevents").properties) == {
        "TopicArn": arn,
        "Protocol": "lambda",
        "Endpoint": arn_of("Topics"),
    }
    assert resource(app, "TopicsLambdaPermissionSharedeventsSNS").properties["SourceArn"] == arn


def test_s3_bucket_shared_by_events_of_two_functions(app: AppDefinition) -> None:
    bucket = resource(app, "S3BucketMediauploads")
    assert bucket.type == "AWS::S3::Bucket"
    assert bucket.depends_on == ("ThumbnailsLambdaPermissionMediauploadsS3", "IndexerLambdaPermissionMediauploadsS3")
    assert dict(bucket.properties) == {
        "BucketName": "media-uploads",
        "NotificationConfiguration": {
            "LambdaConfigurations": [
                {"Event": "s3:ObjectCreated:*", "Function": arn_of("Thumbnails")},
                {
                    "Event": "s3:ObjectRemoved:*",
                    "Function": arn_of("Thumbnails"),
                    "Filter": {
                        "S3Key": {
                            "Rules": [{"Name": "prefix", "Value": "images/"}, {"Name": "suffix", "Value": ".jpg"}]
                        }
                    },
                },
                {"Event": "s3:ObjectCreated:*", "Function": arn_of("Indexer")},
            ]
        },
    }
    assert dict(resource(app, "IndexerLambdaPermissionMediauploadsS3").properties) == {
        "FunctionName": arn_of("Indexer"),
        "Action": "lambda:InvokeFunction",
        "Principal": "s3.amazonaws.com",
        "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::media-uploads"]]},
        "SourceAccount": {"Ref": "AWS::AccountId"},
    }
    assert "S3BucketLegacybucket" not in app.template.resources


def rule_arn(*path: str) -> dict[str, Any]:
    account = [{"Ref": "AWS::Partition"}, "events", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}]
    return {"Fn::Join": [":", ["arn", *account, {"Fn::Join": ["/", ["rule", *path]]}]]}


def test_event_bridge_rule_on_the_default_bus(app: AppDefinition) -> None:
    rule = resource(app, "Mediadevrulesrule1EventBridgeRule")
    assert rule.depends_on == ()
    assert dict(rule.properties) == {
        "EventPattern": {"source": ["media.upload"]},
        "Name": "media-dev-rules-rule-1",
        "State": "ENABLED",
        "Targets": [{"Arn": arn_of("Rules"), "Id": "media-dev-rules-rule-1-target"}],
    }
    assert dict(resource(app, "RulesEventBridgeLambdaPermission1").properties) == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": arn_of("Rules"),
        "Principal": "events.amazonaws.com",
        "SourceArn": rule_arn("media-dev-rules-rule-1"),
    }


def test_event_bridge_bus_created_by_name(app: AppDefinition) -> None:
    bus = resource(app, "MediaDashbusEventBridgeEventBus")
    assert (bus.type, dict(bus.properties)) == ("AWS::Events::EventBus", {"Name": "media-bus"})
    rule = resource(app, "Mediadevrulesrule2EventBridgeRule")
    assert rule.depends_on == ("MediaDashbusEventBridgeEventBus",)
    assert dict(rule.properties) == {
        "EventBusName": "media-bus",
        "EventPattern": {"detail-type": ["ImageResized"]},
        "Name": "media-dev-rules-rule-2",
        "State": "ENABLED",
        "Targets": [{"Arn": arn_of("Rules"), "Id": "media-dev-rules-rule-2-target", "Input": '{"key":"value"}'}],
    }
    assert resource(app, "RulesEventBridgeLambdaPermission2").properties["SourceArn"] == rule_arn(
        "media-bus", "media-dev-rules-rule-2"
    )


def test_event_bridge_schedule_on_an_existing_bus(app: AppDefinition) -> None:
    assert "PartnerDashbusEventBridgeEventBus" not in app.template.resources
    assert dict(resource(app, "Mediadevrulesrule3EventBridgeRule").properties) == {
        "EventBusName": "partner-bus",
        "Name": "media-dev-rules-rule-3",
        "ScheduleExpression": "rate(5 minutes)",
        "State": "ENABLED",
        "Targets": [
            {
                "Arn": arn_of("Rules"),
                "Id": "media-dev-rules-rule-3-target",
                "RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3},
                "DeadLetterConfig": {"Arn": "arn:aws:sqs:us-east-1:000000000000:rule-dlq"},
            }
        ],
    }


def test_the_role_may_poll_the_sources(app: AppDefinition) -> None:
    policy = resource(app, "IamRoleLambdaExecution").properties["Policies"][0]
    by_action = {
        tuple(statement["Action"]): statement["Resource"] for statement in policy["PolicyDocument"]["Statement"]
    }
    assert by_action[("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")] == [
        "arn:aws:sqs:us-east-1:000000000000:jobs",
        {"Fn::GetAtt": ["ResizeQueue", "Arn"]},
    ]
    assert by_action[
        ("dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams")
    ] == [{"Fn::GetAtt": ["ImagesTable", "StreamArn"]}]
    assert by_action[("kinesis:SubscribeToShard",)] == [{"Ref": "StreamsclicksConsumerStreamConsumer"}]
