"""Evaluating intrinsic functions, pseudo parameters, conditions and outputs, with CloudFormation's errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.cfn import Evaluator, Pseudo, messages, parse_template, read_template_file, resolve_parameters
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import Template

TEMPLATES = Path(__file__).parent / "templates" / "cfn"
SOURCE = Path("template.yaml")
WHERE = "Resources.Function"

BASE: dict[str, Any] = {
    "Parameters": {
        "Stage": {"Type": "String", "Default": "dev"},
        "Size": {"Type": "Number", "Default": "3"},
        "Subnets": {"Type": "CommaDelimitedList", "Default": "subnet-a, subnet-b"},
        "Attribute": {"Type": "String", "Default": "QueueName"},
    },
    "Mappings": {"Regions": {"us-east-1": {"Ami": "ami-east", "Zones": ["a", "b"], "Count": 2}}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
    },
    "Resources": {
        "Queue": {"Type": "AWS::SQS::Queue"},
        "ProdTopic": {"Type": "AWS::SNS::Topic", "Condition": "IsProd"},
    },
    "Outputs": {
        "QueueUrl": {"Value": {"Ref": "Queue"}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-queue"}}},
        "TopicArn": {"Value": {"Ref": "ProdTopic"}, "Condition": "IsProd"},
    },
}


class FakeLookup:
    """Physical ids shaped like CloudFormation's (``stack-Queue-ABC``), an Arn for everything."""

    def __init__(self, attributes: dict[str, dict[str, Any]] | None = None) -> None:
        self.attributes = attributes or {"Queue": {"QueueName": "stack-Queue-ABC"}}

    def ref(self, logical_id: str) -> Any:
        return f"stack-{logical_id}-ABC"

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if attribute == "Arn":
            return f"arn:aws:sqs:us-east-1:000000000000:stack-{logical_id}-ABC"
        return self.attributes[logical_id][attribute]  # a KeyError for an attribute the resource lacks


LOOKUP = FakeLookup()


def template_of(body: dict[str, Any]) -> Template:
    return parse_template(body, source=SOURCE)


def evaluator_of(
    body: dict[str, Any] | None = None,
    overrides: dict[str, str] | None = None,
    pseudo: Pseudo | None = None,
) -> Evaluator:
    template = template_of(body or BASE)
    return Evaluator(
        template,
        resolve_parameters(template, overrides or {}),
        pseudo or Pseudo(),
        imports={"shared-vpc": "vpc-123"},
    )


def evaluate(value: Any, **kwargs: Any) -> Any:
    return evaluator_of(**kwargs).evaluate(value, LOOKUP, where=WHERE)


def problem_of(value: Any, **kwargs: Any) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        evaluate(value, **kwargs)
    assert caught.value.file == SOURCE
    return caught.value


def with_conditions(conditions: dict[str, Any], **parameters: Any) -> dict[str, Any]:
    return {
        **BASE,
        "Conditions": {**BASE["Conditions"], **conditions},
        "Parameters": {**BASE["Parameters"], **parameters},
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Stage"}, "dev"),
        ({"Ref": "Size"}, "3"),
        ({"Ref": "Subnets"}, ["subnet-a", "subnet-b"]),
        ({"Ref": "Queue"}, "stack-Queue-ABC"),
        ({"Ref": "AWS::AccountId"}, "000000000000"),
        ({"Ref": "AWS::Region"}, "us-east-1"),
        ({"Ref": "AWS::StackName"}, "stack"),
        ({"Ref": "AWS::Partition"}, "aws"),
        ({"Ref": "AWS::URLSuffix"}, "amazonaws.com"),
        ({"Ref": "AWS::NotificationARNs"}, []),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, "arn:aws:sqs:us-east-1:000000000000:stack-Queue-ABC"),
        ({"Fn::GetAtt": "Queue.Arn"}, "arn:aws:sqs:us-east-1:000000000000:stack-Queue-ABC"),
        ({"Fn::GetAtt": ["Queue", {"Ref": "Attribute"}]}, "stack-Queue-ABC"),
        ({"Fn::Sub": "${AWS::Region}-${Stage}"}, "us-east-1-dev"),
        ({"Fn::Sub": "${Queue}|${Queue.Arn}"}, "stack-Queue-ABC|arn:aws:sqs:us-east-1:000000000000:stack-Queue-ABC"),
        ({"Fn::Sub": "${!Literal}-${Stage}"}, "${Literal}-dev"),
        ({"Fn::Sub": ["${A}/${B}/${Stage}", {"A": {"Ref": "Size"}, "B": 5}]}, "3/5/dev"),
        ({"Fn::Sub": ["${Stage}", {"Stage": "shadowed"}]}, "shadowed"),
        ({"Fn::Sub": "costs $5, ${ Stage }, {x} ${unclosed"}, "costs $5, dev, {x} ${unclosed"),
        ({"Fn::Sub": ["plain"]}, "plain"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Stage"}, 3, True]]}, "a-dev-3-true"),
        ({"Fn::Join": [",", {"Ref": "Subnets"}]}, "subnet-a,subnet-b"),
        ({"Fn::Join": ["-", ["a", {"Ref": "AWS::NoValue"}, "b"]]}, "a-b"),
        ({"Fn::Join": ["", []]}, ""),
        ({"Fn::Select": [1, ["a", "b"]]}, "b"),
        ({"Fn::Select": ["1", {"Ref": "Subnets"}]}, "subnet-b"),
        ({"Fn::Select": [{"Fn::FindInMap": ["Regions", "us-east-1", "Count"]}, ["a", "b", "c"]]}, "c"),
        ({"Fn::Select": [0, {"Fn::GetAZs": ""}]}, "us-east-1a"),
        ({"Fn::Split": [",", "a,,b"]}, ["a", "", "b"]),
        ({"Fn::Split": ["/", {"Fn::Sub": "${Stage}/x"}]}, ["dev", "x"]),
        ({"Fn::If": ["IsProd", "big", "small"]}, "small"),
        ({"Fn::If": ["IsDev", {"Ref": "Stage"}, {"Ref": "ProdTopic"}]}, "dev"),
        ({"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Ami"]}, "ami-east"),
        ({"Fn::FindInMap": ["Regions", "us-east-1", "Zones"]}, ["a", "b"]),
        ({"Fn::FindInMap": ["Regions", "eu-west-1", "Ami", {"DefaultValue": "ami-default"}]}, "ami-default"),
        ({"Fn::FindInMap": ["Nope", "x", "y", {"DefaultValue": {"Ref": "Stage"}}]}, "dev"),
        ({"Fn::ImportValue": "shared-vpc"}, "vpc-123"),
        ({"Fn::Base64": "hello world"}, "aGVsbG8gd29ybGQ="),
        ({"Fn::Base64": {"Fn::Sub": "stage=${Stage}"}}, "c3RhZ2U9ZGV2"),
        ({"Fn::GetAZs": ""}, ["us-east-1a", "us-east-1b", "us-east-1c"]),
        ({"Fn::GetAZs": "eu-west-1"}, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
        ({"Fn::GetAZs": {"Ref": "AWS::Region"}}, ["us-east-1a", "us-east-1b", "us-east-1c"]),
        ({"Fn::ToJsonString": {"a": [1, {"Ref": "Stage"}], "b": {"c": True}}}, '{"a":[1,"dev"],"b":{"c":true}}'),
        ({"Fn::ToJsonString": [{"Ref": "Stage"}]}, '["dev"]'),
        ({"Fn::Length": [1, 2, 3]}, 3),
        ({"Fn::Length": {"Ref": "Subnets"}}, 2),
        ({"Fn::Cidr": ["10.0.0.0/16", 3, 8]}, ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]),
        ({"Fn::Cidr": ["192.168.7.9/24", "2", "5"]}, ["192.168.7.0/27", "192.168.7.32/27"]),
        ({"Fn::Cidr": ["2600:1f18:abc:de00::/56", 2, 64]}, ["2600:1f18:abc:de00::/64", "2600:1f18:abc:de01::/64"]),
        ({"Fn::Equals": [{"Ref": "Size"}, 3]}, True),
        ({"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "b"]}]}, False),
        # only one-key objects are functions: anything else is data whose values are evaluated
        ({"Ref": "Stage", "Extra": {"Ref": "Stage"}}, {"Ref": "Stage", "Extra": "dev"}),
        ({"Condition": "IsProd"}, {"Condition": "IsProd"}),
        ({"Custom": [{"Ref": "Stage"}, [{"Ref": "Size"}]]}, {"Custom": ["dev", ["3"]]}),
        (5, 5),
        (None, None),
    ],
)
def test_values(value: Any, expected: Any) -> None:
    assert evaluate(value) == expected


def test_no_value_removes_the_key_or_item_it_is_given_to() -> None:
    assert evaluate({"A": {"Ref": "AWS::NoValue"}, "B": 1}) == {"B": 1}
    assert evaluate(["a", {"Fn::If": ["IsProd", "b", {"Ref": "AWS::NoValue"}]}, "c"]) == ["a", "c"]
    assert evaluate({"Ref": "AWS::NoValue"}) is None


def test_the_untaken_branch_is_not_evaluated() -> None:
    # ProdTopic is not created in dev: naming it in the branch not taken is the usual pattern
    value = {"Topic": {"Fn::If": ["IsProd", {"Ref": "ProdTopic"}, {"Ref": "AWS::NoValue"}]}}
    assert evaluate(value) == {}
    assert evaluate(value, overrides={"Stage": "prod"}) == {"Topic": "stack-ProdTopic-ABC"}


def test_every_short_tag_template() -> None:
    path = TEMPLATES / "every_short_tag.yaml"
    template = parse_template(read_template_file(path), source=path)
    evaluator = Evaluator(template, resolve_parameters(template, {}), Pseudo(), imports={"shared-vpc-id": "vpc-9"})
    lookup = FakeLookup({"Bucket": {"DomainName": "bucket.example"}})
    properties = evaluator.evaluate(template.resources["Function"].properties, lookup, where=WHERE)
    assert properties == {
        "FunctionName": "stack-config-${Literal}",
        "Role": "arn:aws:sqs:us-east-1:000000000000:stack-Bucket-ABC",
        "Code": {"S3Bucket": "stack-Bucket-ABC", "S3Key": "code/prod/app.zip"},
        "Environment": {
            "Variables": {
                "BUCKET_DOMAIN": "bucket.example",
                "SHARED_VPC": "vpc-9",
                "CONFIG": '{"prefix":"/orders/config","zones":["us-east-1a","us-east-1b","us-east-1c"]}',
                "SUBNET_COUNT": 3,
                "USER_DATA": "ZW52PXByb2Q=",
                "FIRST_BLOCK": "10.0.0.0/24",
                "FALLBACK_BLOCK": "10.1.0.0/16",
                "MODE": "fast",
            }
        },
    }
    assert [name for name in template.conditions if evaluator.condition(name)] == [
        "IsProd",
        "IsUs",
        "ProdInUs",
        "NotDev",
        "ProdOrUs",
    ]
    with pytest.raises(TemplateError) as caught:
        evaluator.evaluate(template.resources["Function"].metadata, lookup, where="Resources.Function.Metadata")
    assert caught.value.problem == "Fn::Transform (macro AWS::Include) is not supported: macros cannot run locally"
    assert caught.value.where == "Resources.Function.Metadata.Snippet.Fn::Transform"
    assert caught.value.file == path


@pytest.mark.parametrize(
    ("value", "problem", "where"),
    [
        ({"Ref": ["Stage"]}, messages.REF_NOT_STRING, "Ref"),
        ({"Ref": "Missing"}, messages.unresolved_resources(["Missing"]), "Ref"),
        ({"Ref": "ProdTopic"}, messages.unresolved_resources(["ProdTopic"]), "Ref"),
        (
            {"Fn::GetAtt": ["Missing", "Arn"]},
            "Template error: instance of Fn::GetAtt references undefined resource Missing",
            "Fn::GetAtt",
        ),
        ({"Fn::GetAtt": ["ProdTopic", "TopicName"]}, messages.unresolved_resources(["ProdTopic"]), "Fn::GetAtt"),
        ({"Fn::GetAtt": ["Queue"]}, messages.GETATT_ARGUMENTS, "Fn::GetAtt"),
        ({"Fn::GetAtt": "Queue"}, messages.GETATT_ARGUMENTS, "Fn::GetAtt"),
        ({"Fn::GetAtt": ["Queue", ""]}, messages.GETATT_ARGUMENTS, "Fn::GetAtt"),
        (
            {"Fn::GetAtt": ["Queue", "Nope"]},
            "Template error: resource Queue does not support attribute type Nope in Fn::GetAtt",
            "Fn::GetAtt",
        ),
        ({"Fn::Sub": "${Missing}-x"}, messages.unresolved_resources(["Missing"]), "Fn::Sub"),
        ({"Fn::Sub": "${ProdTopic.TopicName}"}, messages.unresolved_resources(["ProdTopic"]), "Fn::Sub"),
        ({"Fn::Sub": "${Missing.Arn}"}, messages.unresolved_resources(["Missing.Arn"]), "Fn::Sub"),
        (
            {"Fn::Sub": "${Subnets}"},
            "Template error: variable Subnets in Fn::Sub expression does not resolve to a string",
            "Fn::Sub",
        ),
        (
            {"Fn::ImportValue": {"Fn::Sub": "shared-${AWS::NoValue}vpc"}},
            "Template error: variable AWS::NoValue in Fn::Sub expression does not resolve to a string",
            "Fn::ImportValue.Fn::Sub",
        ),
        ({"Fn::Sub": "${bad-name}"}, messages.SUB_VARIABLE_NAME, "Fn::Sub"),
        ({"Fn::Sub": "${}"}, messages.SUB_VARIABLE_NAME, "Fn::Sub"),
        ({"Fn::Sub": ["a", {}, "c"]}, messages.SUB_ARGUMENTS, "Fn::Sub"),
        ({"Fn::Sub": ["a", ["b"]]}, messages.SUB_ARGUMENTS, "Fn::Sub"),
        ({"Fn::Sub": 5}, messages.SUB_ARGUMENTS, "Fn::Sub"),
        ({"Fn::Join": ["-"]}, messages.JOIN_ARGUMENTS, "Fn::Join"),
        ({"Fn::Join": ["-", "a"]}, messages.JOIN_ARGUMENTS, "Fn::Join"),
        ({"Fn::Join": ["-", [["a"]]]}, messages.JOIN_ARGUMENTS, "Fn::Join"),
        ({"Fn::Join": [{"Ref": "Subnets"}, ["a"]]}, messages.JOIN_ARGUMENTS, "Fn::Join"),
        (
            {"Fn::Select": [5, ["a", "b"]]},
            "Template error: Fn::Select cannot select nonexistent value at index 5",
            "Fn::Select",
        ),
        (
            {"Fn::Select": [-1, ["a"]]},
            "Template error: Fn::Select cannot select nonexistent value at index -1",
            "Fn::Select",
        ),
        ({"Fn::Select": ["first", ["a"]]}, messages.SELECT_ARGUMENTS, "Fn::Select"),
        ({"Fn::Select": [True, ["a"]]}, messages.SELECT_ARGUMENTS, "Fn::Select"),
        ({"Fn::Select": [0, "a,b"]}, messages.SELECT_ARGUMENTS, "Fn::Select"),
        ({"Fn::Select": [0]}, messages.SELECT_ARGUMENTS, "Fn::Select"),
        ({"Fn::Split": [","]}, messages.SPLIT_ARGUMENTS, "Fn::Split"),
        ({"Fn::Split": ["", "a"]}, messages.SPLIT_ARGUMENTS, "Fn::Split"),
        ({"Fn::Split": [",", ["a"]]}, messages.SPLIT_ARGUMENTS, "Fn::Split"),
        ({"Fn::If": ["Nope", 1, 2]}, "Template error: unresolved condition dependency Nope in Fn::If", "Fn::If"),
        ({"Fn::If": ["IsProd", 1]}, messages.IF_ARGUMENTS, "Fn::If"),
        ({"Fn::If": [{"Condition": "IsProd"}, 1, 2]}, messages.IF_CONDITION, "Fn::If"),
        (
            {"Fn::FindInMap": ["Nope", "a", "b"]},
            "Template error: Mapping named 'Nope' is not present in the 'Mappings' section of template.",
            "Fn::FindInMap",
        ),
        (
            {"Fn::FindInMap": ["Regions", "eu-west-1", "Ami"]},
            "Template error: Unable to get mapping for Regions::eu-west-1::Ami",
            "Fn::FindInMap",
        ),
        (
            {"Fn::FindInMap": ["Regions", "us-east-1", "Nope"]},
            "Template error: Unable to get mapping for Regions::us-east-1::Nope",
            "Fn::FindInMap",
        ),
        ({"Fn::FindInMap": ["Regions", "us-east-1"]}, messages.FIND_IN_MAP_ARGUMENTS, "Fn::FindInMap"),
        ({"Fn::FindInMap": ["Regions", ["us-east-1"], "Ami"]}, messages.FIND_IN_MAP_ARGUMENTS, "Fn::FindInMap"),
        ({"Fn::FindInMap": ["Regions", "a", "b", {"Default": 1}]}, messages.FIND_IN_MAP_ARGUMENTS, "Fn::FindInMap"),
        ({"Fn::ImportValue": "other-vpc"}, "No export named other-vpc found", "Fn::ImportValue"),
        ({"Fn::ImportValue": ["a"]}, messages.IMPORT_VALUE_ARGUMENT, "Fn::ImportValue"),
        ({"Fn::Base64": ["a"]}, messages.BASE64_ARGUMENT, "Fn::Base64"),
        ({"Fn::GetAZs": 5}, messages.GET_AZS_ARGUMENT, "Fn::GetAZs"),
        ({"Fn::ToJsonString": "text"}, messages.TO_JSON_STRING_ARGUMENT, "Fn::ToJsonString"),
        ({"Fn::Length": "abc"}, messages.LENGTH_ARGUMENT, "Fn::Length"),
        (
            {"Fn::Cidr": ["10.0.0.0/24", 9, 5]},
            "Template error: Fn::Cidr cannot fit 9 subnets with 5 bits in 10.0.0.0/24",
            "Fn::Cidr",
        ),
        (
            {"Fn::Cidr": ["10.0/16", 1, 8]},
            "Template error: Fn::Cidr ipBlock 10.0/16 is not a valid CIDR block",
            "Fn::Cidr",
        ),
        ({"Fn::Cidr": ["10.0.0.0/16", 0, 8]}, messages.CIDR_ARGUMENTS, "Fn::Cidr"),
        ({"Fn::Cidr": ["10.0.0.0/16", 1, 20]}, messages.CIDR_ARGUMENTS, "Fn::Cidr"),
        ({"Fn::Cidr": ["10.0.0.0/16", 1]}, messages.CIDR_ARGUMENTS, "Fn::Cidr"),
        ({"Fn::Nope": 1}, "Template format error: Encountered unsupported function: Fn::Nope", "Fn::Nope"),
        (
            {"Fn::ForEach::Topics": ["T", ["a"], {}]},
            "Template format error: Encountered unsupported function: Fn::ForEach::Topics",
            "Fn::ForEach::Topics",
        ),
        ({"Fn::Equals": ["a"]}, messages.EQUALS_ARGUMENTS, "Fn::Equals"),
        ({"Fn::Equals": [{"Ref": "Subnets"}, "a"]}, messages.EQUALS_ARGUMENTS, "Fn::Equals"),
    ],
)
def test_errors(value: Any, problem: str, where: str) -> None:
    error = problem_of(value)
    assert error.problem == problem
    assert error.where == f"{WHERE}.{where}"


def test_errors_are_located_inside_the_value() -> None:
    value = {"Environment": {"Variables": {"X": {"Fn::Join": ["-", ["a", {"Fn::Select": [3, ["b"]]}]]}}}}
    assert problem_of(value).where == f"{WHERE}.Environment.Variables.X.Fn::Join[1][1].Fn::Select"


def test_a_lookup_error_is_located() -> None:
    class Failing(FakeLookup):
        def ref(self, logical_id: str) -> Any:
            raise TemplateError(f"Template format error: Unresolved resource dependencies [{logical_id}]")

    evaluator = evaluator_of()
    with pytest.raises(TemplateError) as caught:
        evaluator.evaluate({"Queues": [{"Ref": "Queue"}]}, Failing(), where=WHERE)
    assert caught.value.problem == "Template format error: Unresolved resource dependencies [Queue]"
    assert caught.value.where == f"{WHERE}.Queues[0].Ref"
    assert caught.value.file == SOURCE


def test_a_parameter_without_a_value_cannot_be_referred_to() -> None:
    template = template_of(
        {"Parameters": {"Stage": {"Type": "String"}}, "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}
    )
    evaluator = Evaluator(template, {}, Pseudo())
    with pytest.raises(TemplateError) as caught:
        evaluator.evaluate({"Ref": "Stage"}, LOOKUP, where=WHERE)
    assert caught.value.problem == "Parameters: [Stage] must have values"


def test_pseudo_parameters_follow_the_stack() -> None:
    pseudo = Pseudo(
        account="123456789012",
        region="cn-north-1",
        stack_name="orders",
        partition="aws-cn",
        url_suffix="amazonaws.com.cn",
    )
    value = {
        "Fn::Sub": "arn:${AWS::Partition}:s3:::${AWS::StackName}-${AWS::AccountId}.s3.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert evaluate(value, pseudo=pseudo) == "arn:aws-cn:s3:::orders-123456789012.s3.cn-north-1.amazonaws.com.cn"
    assert evaluate({"Fn::GetAZs": ""}, pseudo=pseudo) == ["cn-north-1a", "cn-north-1b", "cn-north-1c"]


def test_the_stack_id_is_stable_for_a_stack() -> None:
    stack_id = Pseudo(stack_name="orders").stack_id
    assert re.fullmatch(r"arn:aws:cloudformation:us-east-1:000000000000:stack/orders/[0-9a-f-]{36}", stack_id)
    assert Pseudo(stack_name="orders").stack_id == stack_id
    assert Pseudo(stack_name="billing").stack_id != stack_id
    assert evaluate({"Ref": "AWS::StackId"}, pseudo=Pseudo(stack_name="orders")) == stack_id
    assert (
        Pseudo(stack_id="arn:aws:cloudformation:us-east-1:1:stack/x/y").stack_id
        == "arn:aws:cloudformation:us-east-1:1:stack/x/y"
    )


class TestConditions:
    def test_the_lambda_sqs_app(self) -> None:
        path = TEMPLATES / "lambda_sqs_app.yaml"
        template = parse_template(read_template_file(path), source=path)

        def conditions(overrides: dict[str, str]) -> dict[str, bool]:
            evaluator = Evaluator(template, resolve_parameters(template, overrides), Pseudo())
            return {name: evaluator.condition(name) for name in template.conditions}

        assert conditions({}) == {"IsProd": False, "HasAlarmEmail": False, "AlarmsEnabled": False}
        assert conditions({"Stage": "prod"}) == {"IsProd": True, "HasAlarmEmail": False, "AlarmsEnabled": False}
        assert conditions({"Stage": "prod", "AlarmEmail": "ops@example.com"}) == {
            "IsProd": True,
            "HasAlarmEmail": True,
            "AlarmsEnabled": True,
        }

    def test_functions_conditions_may_use(self) -> None:
        conditions = {
            "InUs": {"Fn::Equals": [{"Fn::Select": [0, {"Fn::Split": ["-", {"Ref": "AWS::Region"}]}]}, "us"]},
            "EastAmi": {"Fn::Equals": [{"Fn::FindInMap": ["Regions", {"Ref": "AWS::Region"}, "Ami"]}, "ami-east"]},
            "Named": {"Fn::Equals": [{"Fn::Sub": "${AWS::StackName}-${Stage}"}, "stack-dev"]},
            "TwoSubnets": {"Fn::Equals": [{"Fn::Length": {"Ref": "Subnets"}}, 2]},
            "Everything": {"Fn::And": [{"Condition": "InUs"}, {"Condition": "EastAmi"}, {"Condition": "Named"}]},
            "Either": {"Fn::Or": [{"Fn::Not": [{"Condition": "Everything"}]}, {"Fn::Equals": ["a", "a"]}]},
        }
        evaluator = evaluator_of(with_conditions(conditions))
        assert {name: evaluator.condition(name) for name in conditions} == dict.fromkeys(conditions, True)

    def test_a_condition_may_refer_to_one_written_after_it(self) -> None:
        conditions = {
            "Later": {"Fn::Not": [{"Condition": "IsProd"}]},
            "IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
        }
        assert evaluator_of(with_conditions(conditions)).condition("Later") is True

    def test_an_unknown_condition(self) -> None:
        with pytest.raises(TemplateError) as caught:
            evaluator_of().condition("Nope")
        assert caught.value.problem == "Template format error: Condition Nope is not defined in the Conditions section"

    @pytest.mark.parametrize(
        ("conditions", "problem", "where"),
        [
            (
                {"A": {"Fn::Not": [{"Condition": "B"}]}, "B": {"Fn::Not": [{"Condition": "A"}]}},
                "Template format error: Circular dependency between conditions: [A, B]",
                "Conditions.A",
            ),
            (
                {"A": {"Fn::Not": [{"Condition": "A"}]}},
                "Template format error: Circular dependency between conditions: [A]",
                "Conditions.A",
            ),
            (
                {"A": {"Fn::Equals": [{"Ref": "Queue"}, "x"]}},
                "Template format error: Unresolved dependencies [Queue]. "
                "Cannot reference resources in the Conditions block of the template",
                "Conditions.A.Fn::Equals[0].Ref",
            ),
            (
                {"A": {"Fn::Equals": [{"Fn::GetAtt": ["Queue", "Arn"]}, "x"]}},
                "Template format error: Unresolved dependencies [Queue]. "
                "Cannot reference resources in the Conditions block of the template",
                "Conditions.A.Fn::Equals[0].Fn::GetAtt",
            ),
            (
                {"A": {"Fn::Equals": [{"Fn::Sub": "${Queue}"}, "x"]}},
                "Template format error: Unresolved dependencies [Queue]. "
                "Cannot reference resources in the Conditions block of the template",
                "Conditions.A.Fn::Equals[0].Fn::Sub",
            ),
            (
                {"A": {"Fn::Not": [{"Condition": "Nope"}]}},
                "Template error: unresolved condition dependency Nope in Condition",
                "Conditions.A.Fn::Not[0].Condition",
            ),
            (
                {"A": {"Fn::And": [{"Fn::Equals": ["a", "a"]}]}},
                "Template error: every Fn::And object requires a list of at least 2 and at most 10 boolean parameters.",
                "Conditions.A.Fn::And",
            ),
            (
                {"A": {"Fn::Or": [{"Fn::Equals": ["a", "b"]}] * 11}},
                "Template error: every Fn::Or object requires a list of at least 2 and at most 10 boolean parameters.",
                "Conditions.A.Fn::Or",
            ),
            (
                {"A": {"Fn::And": ["true", "false"]}},
                "Template error: every Fn::And object requires a list of at least 2 and at most 10 boolean parameters.",
                "Conditions.A.Fn::And[0]",
            ),
            (
                {"A": {"Fn::Not": [{"Fn::Equals": ["a", "a"]}, {"Fn::Equals": ["a", "a"]}]}},
                "Template error: every Fn::Not object requires a list with exactly 1 boolean parameter.",
                "Conditions.A.Fn::Not",
            ),
            (
                {"A": {"Fn::Not": [{"Ref": "Stage"}]}},
                "Template error: every Fn::Not object requires a list with exactly 1 boolean parameter.",
                "Conditions.A.Fn::Not[0]",
            ),
            (
                {"A": {"Fn::Equals": ["a", "b", "c"]}},
                "Template error: every Fn::Equals object requires a list of 2 string parameters.",
                "Conditions.A.Fn::Equals",
            ),
            (
                {"A": {"Fn::Equals": [{"Ref": "Subnets"}, ""]}},
                "Template error: every Fn::Equals object requires a list of 2 string parameters.",
                "Conditions.A.Fn::Equals",
            ),
            (
                {"A": {"Fn::If": ["B", {"Fn::Equals": ["a", "a"]}, {"Fn::Equals": ["a", "b"]}]}},
                "Template format error: Conditions can only be boolean operations on parameters and other conditions",
                "Conditions.A",
            ),
        ],
    )
    def test_malformed_conditions(self, conditions: dict[str, Any], problem: str, where: str) -> None:
        with pytest.raises(TemplateError) as caught:
            evaluator_of(with_conditions(conditions))
        assert caught.value.problem == problem
        assert caught.value.where == where
        assert caught.value.file == SOURCE

    def test_and_or_take_up_to_ten(self) -> None:
        operands = [{"Fn::Equals": ["a", "a"]}] * 10
        evaluator = evaluator_of(with_conditions({"All": {"Fn::And": operands}, "Any": {"Fn::Or": operands}}))
        assert evaluator.condition("All") and evaluator.condition("Any")


class TestOutputs:
    def test_outputs_whose_condition_holds(self) -> None:
        assert evaluator_of().outputs(LOOKUP) == {"QueueUrl": "stack-Queue-ABC"}
        assert evaluator_of(overrides={"Stage": "prod"}).outputs(LOOKUP) == {
            "QueueUrl": "stack-Queue-ABC",
            "TopicArn": "stack-ProdTopic-ABC",
        }

    def test_exports(self) -> None:
        assert evaluator_of(pseudo=Pseudo(stack_name="orders")).exports(LOOKUP) == {"orders-queue": "stack-Queue-ABC"}

    def test_an_output_of_a_resource_that_is_not_created(self) -> None:
        body = {**BASE, "Outputs": {"TopicArn": {"Value": {"Ref": "ProdTopic"}}}}
        with pytest.raises(TemplateError) as caught:
            evaluator_of(body).outputs(LOOKUP)
        assert caught.value.problem == (
            "Template format error: Unresolved resource dependencies [ProdTopic] in the Outputs block of the template"
        )
        assert caught.value.where == "Outputs.TopicArn.Ref"

    def test_an_export_name_must_be_text(self) -> None:
        body = {**BASE, "Outputs": {"Url": {"Value": "x", "Export": {"Name": ["a"]}}}}
        with pytest.raises(TemplateError) as caught:
            evaluator_of(body).exports(LOOKUP)
        assert caught.value.problem == "Template error: every Export Name must be a non-empty string"
        assert caught.value.where == "Outputs.Url.Export.Name"


def test_the_lambda_sqs_app_outputs_in_prod() -> None:
    path = TEMPLATES / "lambda_sqs_app.yaml"
    template = parse_template(read_template_file(path), source=path)
    overrides = {"Stage": "prod", "AlarmEmail": "ops@example.com"}
    evaluator = Evaluator(template, resolve_parameters(template, overrides), Pseudo(stack_name="orders"))
    assert evaluator.outputs(LOOKUP) == {
        "QueueUrl": "stack-OrdersQueue-ABC",
        "WorkerArn": "arn:aws:sqs:us-east-1:000000000000:stack-WorkerFunction-ABC",
        "AlarmTopicArn": "stack-AlarmTopic-ABC",
    }
    assert evaluator.exports(LOOKUP) == {"orders-QueueUrl": "stack-OrdersQueue-ABC"}
    function = evaluator.evaluate(
        template.resources["WorkerFunction"].properties, LOOKUP, where="Resources.WorkerFunction"
    )
    assert function["FunctionName"] == "orders-worker-prod"
    assert function["MemorySize"] == "256"
    assert function["Environment"]["Variables"] == {
        "QUEUE_URL": "stack-OrdersQueue-ABC",
        "LOG_LEVEL": "WARNING",
        "ALARM_TOPIC": "stack-AlarmTopic-ABC",
        "ALLOWED_ORIGINS": "https://example.com,https://admin.example.com",
        "REGION_ZONE": "us-east-1a",
    }
