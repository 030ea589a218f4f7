"""A basic Python service compiled to the functions, log groups and role the framework generates."""

from __future__ import annotations

from pathlib import Path

import pytest

from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless import load_serverless

SERVICE = Path(__file__).parent.parent / "templates" / "serverless" / "basic" / "serverless.yml"
LOG_GROUP_ARN = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"


@pytest.fixture
def app() -> AppDefinition:
    return load_serverless(SERVICE, env={})


def test_stack_region_and_format(app: AppDefinition) -> None:
    assert app.stack_name == "hello-api-dev"
    assert app.region == "eu-west-1"
    assert app.template.format == "serverless"
    assert app.template.source == SERVICE
    assert app.template.base_dir == SERVICE.parent
    assert app.template.description == "The AWS CloudFormation template for this Serverless application"
    assert app.watched_files == (SERVICE.resolve(),)


def test_resources_in_order(app: AppDefinition) -> None:
    assert [(r.logical_id, r.type) for r in app.template.resources.values()] == [
        ("HelloLogGroup", "AWS::Logs::LogGroup"),
        ("SendDashmailUnderscorev2LogGroup", "AWS::Logs::LogGroup"),
        ("IamRoleLambdaExecution", "AWS::IAM::Role"),
        ("HelloLambdaFunction", "AWS::Lambda::Function"),
        ("HttpApi", "AWS::ApiGatewayV2::Api"),
        ("HttpApiStage", "AWS::ApiGatewayV2::Stage"),
        ("HttpApiIntegrationHello", "AWS::ApiGatewayV2::Integration"),
        ("HelloLambdaPermissionHttpApi", "AWS::Lambda::Permission"),
        ("HttpApiRouteGetHello", "AWS::ApiGatewayV2::Route"),
        ("SendDashmailUnderscorev2LambdaFunction", "AWS::Lambda::Function"),
        ("ApiGatewayRestApi", "AWS::ApiGateway::RestApi"),
        ("ApiGatewayResourceMail", "AWS::ApiGateway::Resource"),
        ("ApiGatewayMethodMailPost", "AWS::ApiGateway::Method"),
        ("SendDashmailUnderscorev2LambdaPermissionApiGateway", "AWS::Lambda::Permission"),
        ("ApiGatewayDeployment90074a5816876776", "AWS::ApiGateway::Deployment"),
    ]


def test_function_with_provider_defaults(app: AppDefinition) -> None:
    function = app.template.resources["HelloLambdaFunction"]
    assert function.depends_on == ("HelloLogGroup",)
    assert dict(function.properties) == {
        "Code": ".",
        "Handler": "src/handler.hello",
        "Runtime": "python3.11",
        "FunctionName": "hello-api-dev-hello",
        "MemorySize": 512,
        "Timeout": 6,
        "Architectures": ["arm64"],
        "Description": "Says hello",
        "Tags": [{"Key": "team", "Value": "platform"}],
        "Environment": {"Variables": {"TABLE_NAME": "hello-table", "LOG_LEVEL": "INFO"}},
        "Role": {"Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"]},
    }


def test_function_settings_override_the_provider(app: AppDefinition) -> None:
    function = app.template.resources["SendDashmailUnderscorev2LambdaFunction"]
    assert dict(function.properties) == {
        "Code": ".",
        "Handler": "src/mail.send",
        "Runtime": "python3.12",
        "FunctionName": "mailer",
        "MemorySize": 256,
        "Timeout": 30,
        "Architectures": ["arm64"],
        "Tags": [{"Key": "team", "Value": "platform"}, {"Key": "owner", "Value": "mail"}],
        "Environment": {
            "Variables": {"TABLE_NAME": "hello-table", "LOG_LEVEL": "DEBUG", "SENDER": "noreply@example.com"}
        },
        "Role": {"Fn::GetAtt": ["IamRoleLambdaExecution", "Arn"]},
        "ReservedConcurrentExecutions": 0,
    }


def test_log_groups_follow_function_names(app: AppDefinition) -> None:
    assert dict(app.template.resources["HelloLogGroup"].properties) == {
        "LogGroupName": "/aws/lambda/hello-api-dev-hello",
        "RetentionInDays": 14,
    }
    assert app.template.resources["SendDashmailUnderscorev2LogGroup"].properties["LogGroupName"] == "/aws/lambda/mailer"


def test_execution_role(app: AppDefinition) -> None:
    role = app.template.resources["IamRoleLambdaExecution"].properties
    assert role["RoleName"] == {"Fn::Join": ["-", ["hello-api", "dev", {"Ref": "AWS::Region"}, "lambdaRole"]]}
    assert role["Path"] == "/"
    assert role["AssumeRolePolicyDocument"] == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}
        ],
    }
    (policy,) = role["Policies"]
    assert policy["PolicyName"] == {"Fn::Join": ["-", ["hello-api", "dev", "lambda"]]}
    statements = policy["PolicyDocument"]["Statement"]
    # canonically named functions share one log-group prefix; "mailer" has its own
    assert statements[0]["Resource"] == [
        {"Fn::Sub": f"{LOG_GROUP_ARN}/aws/lambda/hello-api-dev*:*"},
        {"Fn::Sub": f"{LOG_GROUP_ARN}/aws/lambda/mailer:*"},
    ]
    assert statements[1] == {
        "Effect": "Allow",
        "Action": ["logs:PutLogEvents"],
        "Resource": [
            {"Fn::Sub": f"{LOG_GROUP_ARN}/aws/lambda/hello-api-dev*:*:*"},
            {"Fn::Sub": f"{LOG_GROUP_ARN}/aws/lambda/mailer:*:*"},
        ],
    }
    assert statements[2] == {
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
        "Resource": "arn:aws:dynamodb:eu-west-1:000000000000:table/hello-table",
    }


def test_skipped_things_are_warnings(app: AppDefinition) -> None:
    assert app.warnings == ("plugins: plugins are not run (serverless-python-requirements); skipped",)


def test_stage_and_region_arguments_win() -> None:
    app = load_serverless(SERVICE, stage="prod", region="us-west-2", env={})
    assert (app.stack_name, app.region) == ("hello-api-prod", "us-west-2")
    assert app.template.resources["HelloLambdaFunction"].properties["FunctionName"] == "hello-api-prod-hello"


def test_minimal_service_defaults(tmp_path: Path) -> None:
    source = tmp_path / "serverless.yml"
    source.write_text(
        "service:\n  name: tiny\nprovider:\n  name: aws\n  stackName: custom-stack\n"
        "package:\n  artifact: dist/app.zip\nfunctions:\n  run:\n    handler: main.run\n"
        "  local:\n    handler: main.local\n    package:\n      artifact: build/local\n    disableLogs: true\n"
        "unknownThing: 1\n"
    )
    app = load_serverless(source, env={})
    assert app.stack_name == "custom-stack"
    assert app.region == "us-east-1"
    run = app.template.resources["RunLambdaFunction"].properties
    # no runtime anywhere: Runtime is left out and the host's Python is used
    assert "Runtime" not in run
    assert (run["Code"], run["MemorySize"], run["Timeout"]) == ("dist/app.zip", 1024, 6)
    local = app.template.resources["LocalLambdaFunction"]
    assert local.properties["Code"] == "build/local"
    assert local.depends_on == ()
    assert "LocalLogGroup" not in app.template.resources
    assert app.warnings == ("unknownThing: unrecognized top-level property; ignored",)


def test_yaml_1_2_scalars_in_the_file_and_included_files(tmp_path: Path) -> None:
    (tmp_path / "env.yml").write_text("INCLUDED: on\n")
    source = tmp_path / "serverless.yml"
    source.write_text(
        "service: s\nprovider:\n  name: aws\n  environment:\n    FLAG: yes\n    OTHER: ${file(./env.yml):INCLUDED}\n"
        "    DATE: 2024-01-02\nfunctions:\n  f:\n    handler: h.f\n"
    )
    variables = load_serverless(source, env={}).template.resources["FLambdaFunction"].properties["Environment"]
    assert variables == {"Variables": {"FLAG": "yes", "OTHER": "on", "DATE": "2024-01-02"}}
