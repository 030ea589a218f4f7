"""Checking a template body into the model, with CloudFormation's messages for malformed ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.cfn import parse_template, read_template_file
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import OutputDefinition, ParameterDefinition, ResourceDefinition, Template

TEMPLATES = Path(__file__).parent / "templates" / "cfn"
SOURCE = Path("/apps/orders/template.yaml")
QUEUE = {"Queue": {"Type": "AWS::SQS::Queue"}}


def parse_file(name: str) -> Template:
    path = TEMPLATES / name
    return parse_template(read_template_file(path), source=path)


def problem_of(body: dict[str, Any]) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        parse_template(body, source=SOURCE)
    assert caught.value.file == SOURCE
    return caught.value


def test_the_lambda_sqs_app() -> None:
    template = parse_file("lambda_sqs_app.yaml")
    assert template.description == "Orders service - an API-less worker that drains a queue into a function"
    assert template.source == TEMPLATES / "lambda_sqs_app.yaml"
    assert template.base_dir == TEMPLATES
    assert template.format == "cloudformation"
    assert list(template.resources) == [
        "OrdersDeadLetterQueue",
        "OrdersQueue",
        "WorkerRole",
        "WorkerFunction",
        "WorkerEventSource",
        "AlarmTopic",
        "DeadLetterAlarm",
    ]
    assert template.parameters["Stage"] == ParameterDefinition(
        name="Stage",
        type="String",
        default="dev",
        allowed_values=("dev", "staging", "prod"),
        description="Deployment stage",
    )
    assert template.parameters["MemorySize"] == ParameterDefinition(
        name="MemorySize", type="Number", default="256", min_value=128.0, max_value=10240.0
    )
    assert template.parameters["AlarmEmail"].constraint_description == "must be empty or an email address"
    assert template.mappings["StageSettings"]["prod"] == {
        "BatchSize": 100,
        "RetentionSeconds": 1209600,
        "LogLevel": "WARNING",
    }
    assert template.conditions["AlarmsEnabled"] == {
        "Fn::And": [{"Condition": "IsProd"}, {"Condition": "HasAlarmEmail"}]
    }
    alarm = template.resources["DeadLetterAlarm"]
    assert alarm.type == "AWS::CloudWatch::Alarm"
    assert alarm.condition == "AlarmsEnabled"
    assert alarm.depends_on == ("WorkerEventSource",)
    assert template.resources["WorkerFunction"].properties["Role"] == {"Fn::GetAtt": ["WorkerRole", "Arn"]}
    assert template.outputs["QueueUrl"] == OutputDefinition(
        name="QueueUrl",
        value={"Ref": "OrdersQueue"},
        description="Where producers send orders",
        export_name={"Fn::Sub": "${AWS::StackName}-QueueUrl"},
    )
    assert template.outputs["AlarmTopicArn"].condition == "AlarmsEnabled"


def test_the_json_app() -> None:
    template = parse_file("json_app.json")
    assert template.parameters["ThumbnailWidths"].type == "List<Number>"
    assert template.parameters["Timeout"].default == "30"
    assert template.resources["UploadBucket"].deletion_policy == "Retain"
    assert template.resources["ThumbnailFunction"].depends_on == ("ThumbnailRole",)
    assert template.outputs["FunctionArn"].export_name == "thumbnail-function"


def test_base_dir_and_format_are_kept() -> None:
    template = parse_template({"Resources": QUEUE}, source=SOURCE, base_dir=Path("/code"), format="serverless")
    assert template.base_dir == Path("/code")
    assert template.format == "serverless"
    assert template.resources["Queue"] == ResourceDefinition(logical_id="Queue", type="AWS::SQS::Queue")


def test_transform_rules_metadata_and_hooks_sections_are_accepted() -> None:
    body = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": ["AWS::LanguageExtensions"],
        "Metadata": {"AWS::CloudFormation::Interface": {}},
        "Rules": {},
        "Hooks": {},
        "Resources": QUEUE,
    }
    assert list(parse_template(body, source=SOURCE).resources) == ["Queue"]


def test_resource_attributes() -> None:
    body = {
        "Resources": {
            "Table": {
                "Type": "AWS::DynamoDB::Table",
                "DependsOn": "Queue",
                "Metadata": {"cfn-lint": {"config": {}}},
                "DeletionPolicy": "Snapshot",
                "UpdateReplacePolicy": "Retain",
                "Properties": None,
            },
            **QUEUE,
        }
    }
    table = parse_template(body, source=SOURCE).resources["Table"]
    assert table.depends_on == ("Queue",)
    assert table.metadata == {"cfn-lint": {"config": {}}}
    assert table.deletion_policy == "Snapshot"
    assert table.properties == {}


@pytest.mark.parametrize(
    "type_",
    [
        "String",
        "Number",
        "List<Number>",
        "CommaDelimitedList",
        "AWS::EC2::KeyPair::KeyName",
        "List<AWS::EC2::Subnet::Id>",
        "AWS::SSM::Parameter::Name",
        "AWS::SSM::Parameter::Value<String>",
        "AWS::SSM::Parameter::Value<List<String>>",
        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
        "AWS::SSM::Parameter::Value<List<AWS::EC2::VPC::Id>>",
    ],
)
def test_parameter_types_cloudformation_recognises(type_: str) -> None:
    body = {"Parameters": {"P": {"Type": type_}}, "Resources": QUEUE}
    assert parse_template(body, source=SOURCE).parameters["P"].type == type_


def test_parameter_attributes_become_text_and_numbers() -> None:
    body = {
        "Parameters": {
            "Size": {"Type": "Number", "Default": 128, "AllowedValues": [128, 256.5], "NoEcho": "true"},
            "Flag": {"Type": "String", "Default": True, "MinLength": "1", "MaxLength": 5},
            "Names": {"Type": "CommaDelimitedList", "Default": ["a", "b"]},
        },
        "Resources": QUEUE,
    }
    parameters = parse_template(body, source=SOURCE).parameters
    assert parameters["Size"].default == "128"
    assert parameters["Size"].allowed_values == ("128", "256.5")
    assert parameters["Size"].no_echo is True
    assert parameters["Flag"].default == "true"
    assert (parameters["Flag"].min_length, parameters["Flag"].max_length) == (1, 5)
    assert parameters["Names"].default == "a,b"


@pytest.mark.parametrize(
    ("name", "problem", "where"),
    [
        (
            "invalid_no_resources.yaml",
            "Template format error: At least one Resources member must be defined.",
            "Resources",
        ),
        (
            "invalid_missing_type.yaml",
            "Template format error: [/Resources/HelloFunction] Every Resources object must contain a Type member.",
            "Resources.HelloFunction",
        ),
        (
            "invalid_unknown_section.yaml",
            "Template format error: Invalid template property or properties [Output]",
            None,
        ),
        (
            "invalid_misplaced_property.yaml",
            "Invalid template resource property 'ManagedPolicyArns'",
            "Resources.WorkerRole",
        ),
        (
            "invalid_undefined_condition.yaml",
            "Template format error: Unresolved condition dependency IsProduction "
            "in the Resources block of the template",
            "Resources.Alarm",
        ),
        (
            "invalid_output_without_value.yaml",
            "Template format error: Every Outputs member must contain a Value object",
            "Outputs.QueueUrl",
        ),
        (
            "invalid_parameter_type.yaml",
            "Template format error: Unrecognized parameter type: Strnig",
            "Parameters.TableName",
        ),
    ],
)
def test_invalid_template_files(name: str, problem: str, where: str | None) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_file(name)
    assert caught.value.problem == problem
    assert caught.value.where == where
    assert caught.value.file == TEMPLATES / name


def test_the_message_names_file_place_and_problem() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_file("invalid_missing_type.yaml")
    assert str(caught.value) == (
        "invalid_missing_type.yaml: Resources.HelloFunction: "
        "Template format error: [/Resources/HelloFunction] Every Resources object must contain a Type member."
    )


@pytest.mark.parametrize(
    ("body", "problem", "where"),
    [
        ({}, "Template format error: At least one Resources member must be defined.", "Resources"),
        ({"Resources": {}}, "Template format error: At least one Resources member must be defined.", "Resources"),
        (
            {"Resources": ["Queue"]},
            "Template format error: At least one Resources member must be defined.",
            "Resources",
        ),
        (
            {"Resources": QUEUE, "outputs": {}, "Foo": 1},
            "Template format error: Invalid template property or properties [outputs, Foo]",
            None,
        ),
        (
            {"AWSTemplateFormatVersion": "2010-09-10", "Resources": QUEUE},
            "Template format error: Unsupported AWSTemplateFormatVersion 2010-09-10; the only version is 2010-09-09",
            "AWSTemplateFormatVersion",
        ),
        ({"Resources": QUEUE, "Outputs": ["x"]}, "Template format error: Outputs must be an object", "Outputs"),
        (
            {"Resources": {"Queue": "AWS::SQS::Queue"}},
            "Template format error: Any Resources member must be a JSON object.",
            "Resources.Queue",
        ),
        (
            {"Resources": {"Queue": {"Type": ["AWS::SQS::Queue"]}}},
            "Template format error: [/Resources/Queue/Type] Every Type member must be a string.",
            "Resources.Queue",
        ),
        (
            {"Resources": {"Orders_Queue": {"Type": "AWS::SQS::Queue"}}},
            "Template format error: Resource name Orders_Queue is non alphanumeric.",
            "Resources.Orders_Queue",
        ),
        (
            {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Properties": ["a"]}}},
            "Template format error: [/Resources/Queue/Properties] Every Properties member must be an object.",
            "Resources.Queue",
        ),
        (
            {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "DependsOn": 3}}},
            "Template format error: DependsOn must be a string or list of strings",
            "Resources.Queue",
        ),
        (
            {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "DependsOn": [{"Ref": "X"}]}}},
            "Template format error: DependsOn must be a string or list of strings",
            "Resources.Queue",
        ),
        (
            {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "DependsOn": ["Topic"]}}},
            "Template format error: Unresolved resource dependencies [Topic] in the Resources block of the template",
            "Resources.Queue",
        ),
        (
            {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "Condition": ["IsProd"]}}},
            "Template format error: Every Condition member must be a string.",
            "Resources.Queue",
        ),
        (
            {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "DeletionPolicy": "Keep"}}},
            "Template format error: Unrecognized DeletionPolicy Keep for resource Queue",
            "Resources.Queue",
        ),
        (
            {"Resources": QUEUE, "Outputs": {"Url": {"Value": {"Ref": "Queue"}, "Condition": "Missing"}}},
            "Template format error: Unresolved condition dependency Missing in the Outputs block of the template",
            "Outputs.Url",
        ),
        (
            {"Resources": QUEUE, "Outputs": {"Url": "x"}},
            "Template format error: Every Outputs member must contain a Value object",
            "Outputs.Url",
        ),
        (
            {"Resources": QUEUE, "Outputs": {"Url": {"Value": "x", "Export": {"Value": "y"}}}},
            "Template format error: Every Export member must contain a Name object",
            "Outputs.Url",
        ),
        (
            {"Resources": QUEUE, "Outputs": {"Queue-Url": {"Value": "x"}}},
            "Template format error: Output name Queue-Url is non alphanumeric.",
            "Outputs.Queue-Url",
        ),
        (
            {"Parameters": {"Stage": {"Default": "dev"}}, "Resources": QUEUE},
            "Template format error: Every Parameters object must contain a Type member.",
            "Parameters.Stage",
        ),
        (
            {"Parameters": {"Stage": "String"}, "Resources": QUEUE},
            "Template format error: Every Parameters object must contain a Type member.",
            "Parameters.Stage",
        ),
        (
            {"Parameters": {"Stage": {"Type": "Boolean"}}, "Resources": QUEUE},
            "Template format error: Unrecognized parameter type: Boolean",
            "Parameters.Stage",
        ),
        (
            {"Parameters": {"Stage": {"Type": "List<String>"}}, "Resources": QUEUE},
            "Template format error: Unrecognized parameter type: List<String>",
            "Parameters.Stage",
        ),
        (
            {"Parameters": {"Stage": {"Type": "String", "Allowed": ["a"]}}, "Resources": QUEUE},
            "Template format error: Invalid template parameter property 'Allowed'",
            "Parameters.Stage",
        ),
        (
            {"Parameters": {"Stage": {"Type": "String", "AllowedValues": "dev"}}, "Resources": QUEUE},
            "Template format error: Every AllowedValues member must be a list of strings.",
            "Parameters.Stage",
        ),
        (
            {"Parameters": {"Size": {"Type": "Number", "MinValue": "small"}}, "Resources": QUEUE},
            "Template format error: MinValue must be a number.",
            "Parameters.Size",
        ),
        (
            {"Parameters": {"Name": {"Type": "String", "MinLength": 1.5}}, "Resources": QUEUE},
            "Template format error: MinLength must be a non-negative integer.",
            "Parameters.Name",
        ),
        (
            {"Parameters": {"Name": {"Type": "String", "Default": {"a": 1}}}, "Resources": QUEUE},
            "Template format error: Every Default member must be a string.",
            "Parameters.Name",
        ),
        (
            {"Parameters": {"Name": {"Type": "String", "NoEcho": "maybe"}}, "Resources": QUEUE},
            "Template format error: NoEcho must be true or false.",
            "Parameters.Name",
        ),
        (
            {"Parameters": {"my-name": {"Type": "String"}}, "Resources": QUEUE},
            "Template format error: Parameter name my-name is non alphanumeric.",
            "Parameters.my-name",
        ),
        (
            {"Mappings": {"Regions": ["us-east-1"]}, "Resources": QUEUE},
            "Template format error: Every Mappings member Regions must be a map",
            "Mappings.Regions",
        ),
        (
            {"Mappings": {"Regions": {"us-east-1": "ami-1"}}, "Resources": QUEUE},
            "Template format error: [/Mappings/Regions/us-east-1] Every Mappings attribute must be a map",
            "Mappings.Regions",
        ),
        (
            {"Mappings": {"Regions": {"us-east-1": {"Ami": {"Ref": "X"}}}}, "Resources": QUEUE},
            "Template format error: Every Mappings attribute must be a String or a List.",
            "Mappings.Regions",
        ),
        (
            {"Conditions": {"IsProd": True}, "Resources": QUEUE},
            "Template format error: Conditions can only be boolean operations on parameters and other conditions",
            "Conditions.IsProd",
        ),
    ],
)
def test_malformed_templates(body: dict[str, Any], problem: str, where: str | None) -> None:
    error = problem_of(body)
    assert error.problem == problem
    assert error.where == where


def test_a_body_that_is_not_a_mapping() -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(["Resources"], source=SOURCE)  # type: ignore[arg-type]
    assert caught.value.problem == "Template format error: unsupported structure."


def test_unknown_resource_types_are_the_deployers_business() -> None:
    template = parse_template({"Resources": {"Thing": {"Type": "Custom::Whatever"}}}, source=SOURCE)
    assert template.resources["Thing"].type == "Custom::Whatever"


def test_an_intrinsic_deletion_policy_reads_as_delete() -> None:
    body = {"Resources": {"Queue": {"Type": "AWS::SQS::Queue", "DeletionPolicy": {"Ref": "Policy"}}}}
    assert parse_template(body, source=SOURCE).resources["Queue"].deletion_policy == "Delete"
