"""The Serverless Framework's logical ids and generated names."""

from __future__ import annotations

import hashlib

import pytest

from triggerfish.config.serverless import naming


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("hello", "Hello"),
        ("hello-world", "HelloDashworld"),
        ("send_mail", "SendUnderscoremail"),
        ("send-mail_v2", "SendDashmailUnderscorev2"),
        ("API", "API"),
        ("9lives", "9lives"),
    ],
)
def test_function_names_replace_dash_and_underscore(key: str, expected: str) -> None:
    assert naming.normalize_function_name(key) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("my-queue.fifo", "Myqueuefifo"), ("media_uploads", "Mediauploads"), ("jobs", "Jobs"), ("a:b/c", "Abc")],
)
def test_resource_names_keep_alphanumerics_only(name: str, expected: str) -> None:
    assert naming.normalize_alphanumeric(name) == expected


def test_function_logical_ids() -> None:
    assert naming.lambda_logical_id("hello-world") == "HelloDashworldLambdaFunction"
    assert naming.log_group_logical_id("hello-world") == "HelloDashworldLogGroup"
    assert naming.event_invoke_config_logical_id("hello") == "HelloLambdaEvConf"
    assert naming.default_function_name("svc", "dev", "hello") == "svc-dev-hello"
    assert naming.log_group_name("svc-dev-hello") == "/aws/lambda/svc-dev-hello"


def test_event_logical_ids() -> None:
    assert naming.queue_logical_id("worker", "my-jobs") == "WorkerEventSourceMappingSQSMyjobs"
    assert naming.stream_logical_id("w", "dynamodb", "Images-Table") == "WEventSourceMappingDynamodbImagesTable"
    assert naming.schedule_logical_id("cron-job", 2) == "CronDashjobEventsRuleSchedule2"
    assert naming.schedule_permission_logical_id("cron", 1) == "CronLambdaPermissionEventsRuleSchedule1"
    assert naming.schedule_target_id("cron-job") == "cron-jobSchedule"
    assert naming.topic_logical_id("my-topic") == "SNSTopicMytopic"
    assert naming.sns_subscription_logical_id("f", "my-topic") == "FSnsSubscriptionMytopic"
    assert naming.sns_permission_logical_id("f", "my-topic") == "FLambdaPermissionMytopicSNS"
    assert naming.bucket_logical_id("media-uploads") == "S3BucketMediauploads"
    assert naming.s3_permission_logical_id("f", "media-uploads") == "FLambdaPermissionMediauploadsS3"
    assert naming.event_bus_logical_id("media-bus") == "MediaDashbusEventBridgeEventBus"
    assert naming.event_bridge_rule_logical_id("svc-dev-f", 3) == "Svcdevfrule3EventBridgeRule"
    assert naming.event_bridge_permission_logical_id("f", 3) == "FEventBridgeLambdaPermission3"


def test_event_bridge_rule_names_are_hashed_past_64_characters() -> None:
    assert naming.event_bridge_rule_name("svc-dev-f", 1) == "svc-dev-f-rule-1"
    assert naming.event_bridge_target_id("svc-dev-f-rule-1") == "svc-dev-f-rule-1-target"
    long_name = "a-very-long-service-name-for-testing-dev-a-very-long-function-name"
    rule = naming.event_bridge_rule_name(long_name, 1)
    # 31 - len("rule-1") characters of the name, the md5 of the whole name, then the suffix: 64 in all
    digest = hashlib.md5(f"{long_name}-rule-1".encode()).hexdigest()
    assert rule == f"{long_name[:25]}{digest}-rule-1"
    assert len(rule) == 64
    target = naming.event_bridge_target_id(rule)
    assert len(target) == 64 and target.endswith("-target")
