"""Asynchronous invocation settings: destinations, onError, retries, event age and reserved concurrency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless import load_serverless

SERVICE = Path(__file__).parent.parent / "templates" / "serverless" / "async" / "serverless.yml"


@pytest.fixture
def app() -> AppDefinition:
    return load_serverless(SERVICE, env={})


def statements(app: AppDefinition) -> list[dict[str, Any]]:
    policy = app.template.resources["IamRoleLambdaExecution"].properties["Policies"][0]
    return list(policy["PolicyDocument"]["Statement"])


def test_stage_from_provider(app: AppDefinition) -> None:
    assert app.stack_name == "orders-prod"
    assert app.template.resources["PlaceLambdaFunction"].properties["FunctionName"] == "orders-prod-place"


def test_destinations_to_a_function_of_the_service_and_a_queue(app: AppDefinition) -> None:
    config = app.template.resources["PlaceLambdaEvConf"]
    assert config.type == "AWS::Lambda::EventInvokeConfig"
    assert config.depends_on == ()
    assert dict(config.properties) == {
        "FunctionName": {"Ref": "PlaceLambdaFunction"},
        "DestinationConfig": {
            "OnSuccess": {"Destination": {"Fn::GetAtt": ["AuditLambdaFunction", "Arn"]}},
            "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:orders-failed"},
        },
        "Qualifier": "$LATEST",
        "MaximumEventAgeInSeconds": 3600,
        "MaximumRetryAttempts": 1,
    }
    assert app.template.resources["PlaceLambdaFunction"].properties["ReservedConcurrentExecutions"] == 5


def test_typed_destination_and_zero_retries(app: AppDefinition) -> None:
    assert dict(app.template.resources["NotifyLambdaEvConf"].properties) == {
        "FunctionName": {"Ref": "NotifyLambdaFunction"},
        "DestinationConfig": {"OnFailure": {"Destination": {"Ref": "FailureTopic"}}},
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": 0,
    }


def test_on_error_is_the_dead_letter_target(app: AppDefinition) -> None:
    audit = app.template.resources["AuditLambdaFunction"].properties
    assert audit["DeadLetterConfig"] == {"TargetArn": "arn:aws:sns:us-east-1:000000000000:orders-dlq"}
    assert "AuditLambdaEvConf" not in app.template.resources


def test_function_with_its_own_role(app: AppDefinition) -> None:
    legacy = app.template.resources["LegacyLambdaFunction"]
    assert legacy.properties["Role"] == "arn:aws:iam::000000000000:role/legacy-orders"
    assert legacy.depends_on == ("LegacyLogGroup",)
    assert app.template.resources["LegacyLambdaEvConf"].properties["DestinationConfig"] == {
        "OnSuccess": {"Destination": "arn:aws:lambda:us-east-1:000000000000:function:other-service-prod-audit"}
    }


def test_the_generated_role_may_reach_the_destinations(app: AppDefinition) -> None:
    granted = statements(app)[2:]
    assert granted == [
        {
            "Effect": "Allow",
            "Action": ["lambda:InvokeFunction"],
            "Resource": [
                {"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orders-prod-audit"}
            ],
        },
        {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage"],
            "Resource": ["arn:aws:sqs:us-east-1:000000000000:orders-failed"],
        },
        {
            "Effect": "Allow",
            "Action": ["sns:Publish"],
            "Resource": ["arn:aws:sns:us-east-1:000000000000:orders-dlq", {"Ref": "FailureTopic"}],
        },
    ]
