"""What the translator is given: parameter values, pseudo parameters, managed policy ARNs."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.config.sam.managed_policies import AwsManagedPolicies, managed_policy_arn
from triggerfish.config.sam.parameters import parameter_values, partition_of, resolve_text

VALUES = {"Stage": "prod", "Count": 3, "Flag": True, "Names": ["a", "b"], "AWS::Region": "eu-west-1"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ({"Ref": "Stage"}, "prod"),
        ({"Ref": "Count"}, "3"),
        ({"Ref": "Flag"}, None),
        ({"Ref": "Names"}, None),
        ({"Ref": "Missing"}, None),
        ({"Fn::Sub": "build/${Stage}/${AWS::Region}"}, "build/prod/eu-west-1"),
        ({"Fn::Sub": "${!Literal}-${Stage}"}, "${Literal}-prod"),
        ({"Fn::Sub": ["${Dir}/${Stage}", {"Dir": "out", "Stage": "shadowed"}]}, "out/shadowed"),
        ({"Fn::Sub": ["${Dir}", {"Dir": {"Ref": "Stage"}}]}, "prod"),
        ({"Fn::Sub": "${Bucket.Arn}"}, None),
        ({"Fn::Sub": ["${Dir}", {"Dir": {"Fn::GetAtt": ["A", "B"]}}]}, None),
        ({"Fn::Sub": ["a", "b", "c"]}, None),
        ({"Fn::Join": ["-", ["a", {"Ref": "Stage"}]]}, "a-prod"),
        ({"Fn::Join": ["-", [{"Ref": "Missing"}]]}, None),
        ({"Fn::Join": ["-", {"Ref": "Names"}]}, None),
        ({"Fn::GetAtt": ["A", "B"]}, None),
        ({"Bucket": "b", "Key": "k"}, None),
        (["a"], None),
        (7, None),
    ],
)
def test_resolve_text_resolves_parameters_only(value: Any, expected: str | None) -> None:
    assert resolve_text(value, VALUES) == expected


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [
        ("us-east-1", "aws", "amazonaws.com"),
        ("eu-central-2", "aws", "amazonaws.com"),
        ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
        ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
        ("us-iso-east-1", "aws-iso", "c2s.ic.gov"),
        ("us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov"),
    ],
)
def test_partition_of_a_region(region: str, partition: str, suffix: str) -> None:
    assert partition_of(region) == (partition, suffix)


def test_parameter_values_are_defaults_then_overrides_then_pseudo_parameters() -> None:
    body = {
        "Parameters": {
            "Stage": {"Type": "String", "Default": "dev"},
            "Memory": {"Type": "Number", "Default": 128},
            "Required": {"Type": "String"},
            "Broken": "not a mapping",
        }
    }
    values = parameter_values(
        body,
        {"Stage": "prod", "AWS::Region": "ignored"},
        region="cn-north-1",
        account="123456789012",
        stack_name="shop",
    )
    assert values == {
        "Stage": "prod",
        "Memory": 128,
        "AWS::Region": "cn-north-1",
        "AWS::AccountId": "123456789012",
        "AWS::StackName": "shop",
        "AWS::Partition": "aws-cn",
        "AWS::URLSuffix": "amazonaws.com.cn",
    }


@pytest.mark.parametrize(
    ("name", "arn"),
    [
        ("AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
        ("AWSLambdaSQSQueueExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole"),
        ("AWSLambdaDynamoDBExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole"),
        ("AWSLambdaKinesisExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaKinesisExecutionRole"),
        ("AWSLambdaVPCAccessExecutionRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"),
        ("AWSLambdaRole", "arn:aws:iam::aws:policy/service-role/AWSLambdaRole"),
        ("AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
    ],
)
def test_managed_policy_arns(name: str, arn: str) -> None:
    assert managed_policy_arn(name) == arn
    assert AwsManagedPolicies().get(name) == arn


def test_the_policy_lookup_answers_any_valid_name_in_its_partition() -> None:
    policies = AwsManagedPolicies("aws-cn")
    assert policies
    assert policies.get("BrandNewPolicy") == "arn:aws-cn:iam::aws:policy/BrandNewPolicy"
    assert policies.get("not a policy name") is None
    assert "AWSLambdaRole" in list(policies)
    assert len(policies) == len(list(policies))


def test_a_policy_name_the_translator_does_not_bundle_resolves_without_iam(tmp_path: Any) -> None:
    from triggerfish.config.sam import transform_sam

    (tmp_path / "src").mkdir()
    body = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "CodeUri": "src",
                    "Handler": "app.handler",
                    "Runtime": "python3.12",
                    "Policies": ["AWSLambdaBasicExecutionRole", "SomePolicyReleasedTomorrow"],
                },
            }
        },
    }
    template = transform_sam(body, source=tmp_path / "template.yaml", parameter_overrides={}, region="cn-north-1")
    assert template["Resources"]["FnRole"]["Properties"]["ManagedPolicyArns"] == [
        "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws-cn:iam::aws:policy/SomePolicyReleasedTomorrow",
    ]


def test_the_translator_resolves_auto_publish_alias_from_parameters_and_the_stack_name(tmp_path: Any) -> None:
    from triggerfish.config.sam import transform_sam

    (tmp_path / "src").mkdir()

    def function(alias: Any) -> dict[str, Any]:
        properties = {"CodeUri": "src", "Handler": "app.handler", "Runtime": "python3.12", "AutoPublishAlias": alias}
        return {"Type": "AWS::Serverless::Function", "Properties": properties}

    body = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Parameters": {"Alias": {"Type": "String", "Default": "live"}},
        "Resources": {"Fn": function({"Ref": "Alias"}), "Other": function({"Ref": "AWS::StackName"})},
    }
    template = transform_sam(
        body, source=tmp_path / "template.yaml", parameter_overrides={"Alias": "blue"}, stack_name="shop"
    )
    assert template["Resources"]["FnAliasblue"]["Properties"]["Name"] == "blue"
    assert template["Resources"]["OtherAliasshop"]["Properties"]["Name"] == "shop"
