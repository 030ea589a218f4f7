"""SAM templates shaped like real apps, through AWS's translator: the CloudFormation that comes out."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.cfn.reader import read_template_file
from triggerfish.config.sam import is_sam, transform_sam

TEMPLATES = Path(__file__).parent / "templates" / "sam"


@functools.cache
def _translated(name: str, overrides: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    path = TEMPLATES / name / "template.yaml"
    return transform_sam(read_template_file(path), source=path, parameter_overrides=dict(overrides))


def translated(name: str, **overrides: str) -> dict[str, Any]:
    """The translation of ``templates/sam/<name>/template.yaml`` (shared: tests only read it)."""
    return _translated(name, tuple(sorted(overrides.items())))


def resources(name: str, **overrides: str) -> dict[str, Any]:
    result: dict[str, Any] = translated(name, **overrides)["Resources"]
    return result


def properties(name: str, logical_id: str) -> dict[str, Any]:
    result: dict[str, Any] = resources(name)[logical_id]["Properties"]
    return result


def one_starting_with(found: dict[str, Any], prefix: str) -> str:
    matches = [logical_id for logical_id in found if logical_id.startswith(prefix)]
    assert len(matches) == 1, matches
    return matches[0]


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        ("AWS::Serverless-2016-10-31", True),
        (["AWS::Serverless-2016-10-31"], True),
        (["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"], True),
        ("AWS::LanguageExtensions", False),
        ("AWS::Serverless-2015-01-01", False),
        (None, False),
        ({"Name": "AWS::Serverless-2016-10-31"}, False),
    ],
)
def test_is_sam_finds_the_transform_as_a_name_or_in_a_list(transform: Any, expected: bool) -> None:
    body: dict[str, Any] = {"Resources": {}}
    if transform is not None:
        body["Transform"] = transform
    assert is_sam(body) is expected


# --- the app `sam init` makes: one function behind an implicit REST API -----------------------------


def test_hello_world_makes_the_resources_aws_makes() -> None:
    found = resources("hello_world")
    deployment = one_starting_with(found, "ServerlessRestApiDeployment")
    assert {logical_id: resource["Type"] for logical_id, resource in found.items()} == {
        "HelloWorldFunction": "AWS::Lambda::Function",
        "HelloWorldFunctionRole": "AWS::IAM::Role",
        "HelloWorldFunctionHelloWorldPermissionProd": "AWS::Lambda::Permission",
        "ServerlessRestApi": "AWS::ApiGateway::RestApi",
        deployment: "AWS::ApiGateway::Deployment",
        "ServerlessRestApiProdStage": "AWS::ApiGateway::Stage",
    }


def test_hello_world_function_runs_the_local_folder_with_global_timeout() -> None:
    function = properties("hello_world", "HelloWorldFunction")
    assert function["Code"] == "hello_world"
    assert function["Handler"] == "app.lambda_handler"
    assert function["Runtime"] == "python3.12"
    assert function["Timeout"] == 3
    assert function["Architectures"] == ["x86_64"]
    assert function["Role"] == {"Fn::GetAtt": ["HelloWorldFunctionRole", "Arn"]}


def test_hello_world_role_has_the_basic_execution_policy() -> None:
    role = properties("hello_world", "HelloWorldFunctionRole")
    assert role["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": ["lambda.amazonaws.com"]}


def test_hello_world_api_routes_get_hello_to_the_function() -> None:
    body = properties("hello_world", "ServerlessRestApi")["Body"]
    integration = body["paths"]["/hello"]["get"]["x-amazon-apigateway-integration"]
    assert integration["type"] == "aws_proxy"
    assert "${HelloWorldFunction.Arn}" in integration["uri"]["Fn::Sub"]
    stage = properties("hello_world", "ServerlessRestApiProdStage")
    assert stage["StageName"] == "Prod"
    permission = properties("hello_world", "HelloWorldFunctionHelloWorldPermissionProd")
    assert permission["FunctionName"] == {"Ref": "HelloWorldFunction"}
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["SourceArn"]["Fn::Sub"][0].endswith("/GET/hello")


def test_output_is_plain_cloudformation_with_outputs_kept() -> None:
    template = translated("hello_world")
    assert "Transform" not in template
    assert "Globals" not in template
    assert template["AWSTemplateFormatVersion"] == "2010-09-09"
    assert template["Outputs"]["HelloWorldFunctionIamRole"]["Value"] == {
        "Fn::GetAtt": ["HelloWorldFunctionRole", "Arn"]
    }
    serverless = [resource["Type"] for resource in template["Resources"].values()]
    assert not [kind for kind in serverless if kind.startswith("AWS::Serverless::")]


# --- Globals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logical_id", "expected"),
    [
        (
            "ListOrdersFunction",
            {"Code": "src", "Handler": "app.handler", "Runtime": "python3.11", "Timeout": 15, "MemorySize": 256},
        ),
        (
            "CreateOrderFunction",
            {"Code": "src", "Handler": "app.create", "Runtime": "python3.11", "Timeout": 30, "MemorySize": 256},
        ),
        (
            "ReportFunction",
            {"Code": "reports", "Handler": "app.handler", "Runtime": "python3.12", "Timeout": 15, "MemorySize": 1024},
        ),
    ],
)
def test_globals_apply_unless_the_function_overrides_them(logical_id: str, expected: dict[str, Any]) -> None:
    function = properties("globals", logical_id)
    assert {key: function[key] for key in expected} == expected
    assert function["TracingConfig"] == {"Mode": "Active"}


def test_globals_environment_merges_with_the_functions_own() -> None:
    assert properties("globals", "ListOrdersFunction")["Environment"]["Variables"] == {
        "LOG_LEVEL": {"Ref": "LogLevel"},
        "TABLE_NAME": "orders",
    }
    assert properties("globals", "CreateOrderFunction")["Environment"]["Variables"] == {
        "LOG_LEVEL": {"Ref": "LogLevel"},
        "TABLE_NAME": "orders-v2",
        "IDEMPOTENCY": "on",
    }


def test_globals_tags_join_the_tag_sam_adds() -> None:
    assert properties("globals", "ReportFunction")["Tags"] == [
        {"Key": "lambda:createdBy", "Value": "SAM"},
        {"Key": "team", "Value": "payments"},
    ]


# --- every event source, policies, DLQ, destinations, concurrency, alias ---------------------------


def test_event_sources_make_the_resources_aws_makes() -> None:
    found = resources("events")
    expected = {
        "QueueWorker": "AWS::Lambda::Function",
        "QueueWorkerRole": "AWS::IAM::Role",
        "QueueWorkerAliaslive": "AWS::Lambda::Alias",
        "QueueWorkerEventInvokeConfig": "AWS::Lambda::EventInvokeConfig",
        "QueueWorkerOrders": "AWS::Lambda::EventSourceMapping",
        "SchedulerNightly": "AWS::Events::Rule",
        "SchedulerNightlyPermission": "AWS::Lambda::Permission",
        "SchedulerEveryFiveMinutes": "AWS::Scheduler::Schedule",
        "SchedulerEveryFiveMinutesRole": "AWS::IAM::Role",
        "UploadHandlerUploadedPermission": "AWS::Lambda::Permission",
        "NotifierNotified": "AWS::SNS::Subscription",
        "NotifierNotifiedPermission": "AWS::Lambda::Permission",
        "StreamProcessorTableChanges": "AWS::Lambda::EventSourceMapping",
        "StreamProcessorClicks": "AWS::Lambda::EventSourceMapping",
        "EventRouterOrderPlaced": "AWS::Events::Rule",
        "EventRouterOrderPlacedPermission": "AWS::Lambda::Permission",
        "EventRouterOrderPlacedQueue": "AWS::SQS::Queue",
    }
    assert {logical_id: found[logical_id]["Type"] for logical_id in expected} == expected


def test_sqs_event_maps_the_queue_to_the_published_alias() -> None:
    mapping = properties("events", "QueueWorkerOrders")
    assert mapping["EventSourceArn"] == {"Fn::GetAtt": ["OrdersQueue", "Arn"]}
    assert mapping["FunctionName"] == {"Ref": "QueueWorkerAliaslive"}
    assert mapping["BatchSize"] == 10
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_auto_publish_alias_publishes_a_version_and_points_the_alias_at_it() -> None:
    found = resources("events")
    version = one_starting_with(found, "QueueWorkerVersion")
    assert found[version]["DeletionPolicy"] == "Retain"
    assert found[version]["Properties"] == {"FunctionName": {"Ref": "QueueWorker"}}
    assert properties("events", "QueueWorkerAliaslive") == {
        "Name": "live",
        "FunctionName": {"Ref": "QueueWorker"},
        "FunctionVersion": {"Fn::GetAtt": [version, "Version"]},
    }


def test_dead_letter_queue_and_reserved_concurrency() -> None:
    function = properties("events", "QueueWorker")
    assert function["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": ["OrdersDeadLetterQueue", "Arn"]}}
    assert function["ReservedConcurrentExecutions"] == 5
    assert function["Code"] == "src/orders"  # from Globals


def test_event_invoke_config_sends_results_to_its_destinations() -> None:
    config = properties("events", "QueueWorkerEventInvokeConfig")
    assert config["Qualifier"] == "live"
    assert config["MaximumRetryAttempts"] == 1
    assert config["MaximumEventAgeInSeconds"] == 300
    assert config["DestinationConfig"] == {
        "OnSuccess": {"Destination": {"Fn::GetAtt": ["OrdersDeadLetterQueue", "Arn"]}},
        "OnFailure": {"Destination": {"Ref": "FailuresTopic"}},
    }


def test_policies_managed_names_and_policy_templates() -> None:
    role = properties("events", "QueueWorkerRole")
    assert role["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",  # added for the SQS event
    ]
    statements = {policy["PolicyName"]: policy["PolicyDocument"]["Statement"][0] for policy in role["Policies"]}
    poller = statements["QueueWorkerRolePolicy1"]
    assert "sqs:ReceiveMessage" in poller["Action"]
    assert poller["Resource"]["Fn::Sub"][1] == {"queueName": {"Fn::GetAtt": ["OrdersQueue", "QueueName"]}}
    assert "dynamodb:PutItem" in statements["QueueWorkerRolePolicy2"]["Action"]
    assert statements["DeadLetterQueuePolicy"]["Action"] == "sqs:SendMessage"
    assert statements["QueueWorkerEventInvokeConfigOnFailureSNSPolicy"]["Action"] == "sns:publish"


def test_stream_roles_use_the_service_role_policies() -> None:
    assert properties("events", "StreamProcessorRole")["ManagedPolicyArns"] == [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole",
    ]


def test_schedule_events() -> None:
    rule = properties("events", "SchedulerNightly")
    assert rule["ScheduleExpression"] == "cron(0 3 * * ? *)"
    assert rule["Targets"][0]["Arn"] == {"Fn::GetAtt": ["Scheduler", "Arn"]}
    assert rule["Targets"][0]["Input"] == '{"job": "nightly"}'
    schedule = properties("events", "SchedulerEveryFiveMinutes")
    assert schedule["ScheduleExpression"] == "rate(5 minutes)"
    assert schedule["Target"]["Arn"] == {"Fn::GetAtt": ["Scheduler", "Arn"]}


def test_s3_event_adds_the_notification_to_the_bucket() -> None:
    bucket = resources("events")["UploadsBucket"]
    assert bucket["DependsOn"] == ["UploadHandlerUploadedPermission"]
    [notification] = bucket["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
    assert notification["Event"] == "s3:ObjectCreated:*"
    assert notification["Function"] == {"Fn::GetAtt": ["UploadHandler", "Arn"]}
    assert notification["Filter"] == {"S3Key": {"Rules": [{"Name": "prefix", "Value": "incoming/"}]}}


def test_sns_event_subscribes_the_function() -> None:
    subscription = properties("events", "NotifierNotified")
    assert subscription["Protocol"] == "lambda"
    assert subscription["TopicArn"] == {"Ref": "NotificationsTopic"}
    assert subscription["Endpoint"] == {"Fn::GetAtt": ["Notifier", "Arn"]}
    assert subscription["FilterPolicy"] == {"kind": ["order"]}


def test_dynamodb_and_kinesis_events_map_their_streams() -> None:
    table = properties("events", "StreamProcessorTableChanges")
    assert table["EventSourceArn"] == {"Fn::GetAtt": ["OrdersTable", "StreamArn"]}
    assert table["StartingPosition"] == "TRIM_HORIZON"
    assert table["BisectBatchOnFunctionError"] is True
    assert table["DestinationConfig"] == {
        "OnFailure": {"Destination": {"Fn::GetAtt": ["OrdersDeadLetterQueue", "Arn"]}}
    }
    clicks = properties("events", "StreamProcessorClicks")
    assert clicks["EventSourceArn"] == {"Fn::GetAtt": ["ClickStream", "Arn"]}
    assert clicks["StartingPosition"] == "LATEST"
    assert clicks["MaximumRetryAttempts"] == 2
    assert properties("events", "StreamProcessor")["Code"] == "src/audit"


def test_eventbridge_rule_event() -> None:
    rule = properties("events", "EventRouterOrderPlaced")
    assert rule["EventPattern"] == {"source": ["shop.orders"], "detail-type": ["OrderPlaced"]}
    [target] = rule["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["EventRouter", "Arn"]}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 3}
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["EventRouterOrderPlacedQueue", "Arn"]}}


# --- layers, names, OpenAPI files, code outside the template's folder --------------------------------


def test_local_layer_content_is_its_folder_and_s3_layers_stay_in_s3() -> None:
    found = resources("layers")
    common = one_starting_with(found, "CommonLayer")
    vendor = one_starting_with(found, "VendorLayer")
    assert found[common]["Type"] == "AWS::Lambda::LayerVersion"
    assert found[common]["Properties"]["Content"] == "layers/common"
    assert found[common]["Properties"]["LayerName"] == "common"
    assert found[vendor]["Properties"]["Content"] == {"S3Bucket": "shared-artifacts", "S3Key": "vendor-layer.zip"}
    function = found["ApiFunction"]["Properties"]
    assert function["Code"] == "functions/api"
    assert function["Layers"] == [{"Ref": common}, {"Ref": vendor}]


def test_function_names_are_kept_and_logical_ids_still_follow_the_template() -> None:
    orders = properties("function_name", "OrdersFunction")
    assert orders["FunctionName"] == {"Fn::Sub": "${AWS::StackName}-orders-${Stage}"}
    assert properties("function_name", "BillingFunction")["FunctionName"] == "billing"
    found = resources("function_name")
    assert found["OrdersFunctionGetOrdersPermission"]["Type"] == "AWS::Lambda::Permission"
    assert found["ServerlessHttpApi"]["Type"] == "AWS::ApiGatewayV2::Api"
    assert found["BillingFunctionUrl"]["Properties"] == {
        "TargetFunctionArn": {"Ref": "BillingFunction"},
        "AuthType": "NONE",
    }


def test_local_openapi_files_are_inlined_as_the_api_body() -> None:
    rest = properties("openapi", "PetsApi")
    route = rest["Body"]["paths"]["/pets/{id}"]["get"]["x-amazon-apigateway-integration"]
    assert route["uri"] == {
        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${PetsFunction.Arn}/invocations"
    }
    http = properties("openapi", "PetsHttpApi")
    assert http["Body"]["openapi"] == "3.0.1"
    assert "post" in http["Body"]["paths"]["/pets"]  # SAM adds the HttpApi event's route
    archived = properties("openapi", "ArchivedApi")
    assert archived["BodyS3Location"] == {"Bucket": "company-api-definitions", "Key": "archived.yaml"}


def test_code_may_live_outside_the_template_folder_and_defaults_to_it() -> None:
    found = resources("monorepo/services/orders")
    assert found["OrdersFunction"]["Properties"]["Code"] == "../../libs/orders_core"
    assert found["LocalFunction"]["Properties"]["Code"] == "."


@pytest.mark.parametrize(
    ("logical_id", "code"),
    [
        ("InlineFunction", {"ZipFile": 'def handler(event, context):\n    return "inline"\n'}),
        ("S3UriFunction", {"S3Bucket": "company-artifacts", "S3Key": "app.zip", "S3ObjectVersion": "3"}),
        ("S3ObjectFunction", {"S3Bucket": {"Ref": "ArtifactBucket"}, "S3Key": "app.zip"}),
        ("SubFunction", "src"),
        ("ZipFunction", "artifacts/app.zip"),
        ("ImageFunction", {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"}),
    ],
)
def test_every_way_of_giving_code(logical_id: str, code: Any) -> None:
    assert properties("code_forms", logical_id)["Code"] == code


def test_parameter_overrides_reach_code_paths() -> None:
    code = resources("code_forms", CodeDir="artifacts/app.zip")["SubFunction"]["Properties"]["Code"]
    assert code == "artifacts/app.zip"


@pytest.mark.parametrize(
    "name",
    [
        "hello_world",
        "globals",
        "events",
        "layers",
        "function_name",
        "openapi",
        "code_forms",
        "monorepo/services/orders",
    ],
)
def test_the_output_is_a_template_the_cloudformation_engine_reads(name: str) -> None:
    from triggerfish.config.cfn import parse_template

    path = TEMPLATES / name / "template.yaml"
    template = parse_template(copy.deepcopy(translated(name)), source=path, base_dir=path.parent, format="sam")
    assert set(template.resources) == set(resources(name))
    assert template.format == "sam"
