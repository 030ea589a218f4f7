"""Parameter values: overrides and defaults, types as CloudFormation passes them, constraints and their messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.cfn import parse_template, read_template_file, resolve_parameters
from triggerfish.config.cfn.parameters import is_ssm_type
from triggerfish.config.errors import TemplateError
from triggerfish.config.model import Template

TEMPLATES = Path(__file__).parent / "templates" / "cfn"
SOURCE = Path("template.yaml")


def template_with(parameters: dict[str, Any]) -> Template:
    return parse_template(
        {"Parameters": parameters, "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}, source=SOURCE
    )


def resolve(parameters: dict[str, Any], overrides: dict[str, str] | None = None) -> dict[str, Any]:
    return resolve_parameters(template_with(parameters), overrides or {})


def problem_of(parameters: dict[str, Any], overrides: dict[str, str] | None = None) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        resolve(parameters, overrides)
    assert caught.value.file == SOURCE
    return caught.value


def test_defaults_of_the_lambda_sqs_app() -> None:
    path = TEMPLATES / "lambda_sqs_app.yaml"
    template = parse_template(read_template_file(path), source=path)
    assert resolve_parameters(template, {}) == {
        "Stage": "dev",
        "MemorySize": "256",
        "AlarmEmail": "",
        "AllowedOrigins": ["https://example.com", "https://admin.example.com"],
    }


def test_overrides_win_over_defaults() -> None:
    values = resolve(
        {"Stage": {"Type": "String", "Default": "dev"}, "Name": {"Type": "String"}}, {"Stage": "prod", "Name": "x"}
    )
    assert values == {"Stage": "prod", "Name": "x"}


def test_a_number_stays_the_text_given() -> None:
    # Number: validated as a number, but Ref gives the string (Parameters reference)
    assert resolve({"Size": {"Type": "Number"}}, {"Size": "1.50"}) == {"Size": "1.50"}
    assert resolve({"Size": {"Type": "Number", "Default": 128}}) == {"Size": "128"}


def test_list_types_become_lists_of_strings() -> None:
    values = resolve(
        {
            "Widths": {"Type": "List<Number>", "Default": "128, 256,512"},
            "Origins": {"Type": "CommaDelimitedList", "Default": " a , b,c "},
            "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "subnet-1,subnet-2"},
            "Empty": {"Type": "CommaDelimitedList", "Default": ""},
        }
    )
    assert values == {
        "Widths": ["128", "256", "512"],
        "Origins": ["a", "b", "c"],
        "Subnets": ["subnet-1", "subnet-2"],
        "Empty": [""],
    }


def test_aws_specific_and_ssm_types_keep_the_value_given() -> None:
    values = resolve(
        {
            "Key": {"Type": "AWS::EC2::KeyPair::KeyName", "Default": "my-key"},
            "Ami": {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": "/aws/service/ami"},
            "Hosts": {"Type": "AWS::SSM::Parameter::Value<List<String>>", "Default": "/app/hosts"},
        }
    )
    assert values == {"Key": "my-key", "Ami": "/aws/service/ami", "Hosts": "/app/hosts"}
    template = template_with({"Ami": {"Type": "AWS::SSM::Parameter::Value<String>"}, "P": {"Type": "String"}})
    assert is_ssm_type(template.parameters["Ami"])
    assert not is_ssm_type(template.parameters["P"])


def test_scalar_defaults_become_text() -> None:
    assert resolve({"Flag": {"Type": "String", "Default": True}, "Ratio": {"Type": "Number", "Default": 0.5}}) == {
        "Flag": "true",
        "Ratio": "0.5",
    }


def test_parameters_without_values() -> None:
    error = problem_of({"A": {"Type": "String"}, "B": {"Type": "Number"}, "C": {"Type": "String", "Default": "c"}})
    assert error.problem == "Parameters: [A, B] must have values"
    assert error.where == "Parameters"


def test_an_empty_string_is_a_value() -> None:
    assert resolve({"A": {"Type": "String"}}, {"A": ""}) == {"A": ""}


def test_overrides_for_undeclared_parameters() -> None:
    error = problem_of({"A": {"Type": "String", "Default": "a"}}, {"Stage": "prod", "Region": "x"})
    assert error.problem == "Parameters: [Stage, Region] do not exist in the template"
    assert error.where == "Parameters"


@pytest.mark.parametrize(
    ("definition", "value", "problem"),
    [
        ({"Type": "String", "AllowedValues": ["dev", "prod"]}, "test", "Parameter 'P' must be one of AllowedValues"),
        ({"Type": "Number", "AllowedValues": [1, 2]}, "3", "Parameter 'P' must be one of AllowedValues"),
        ({"Type": "String", "AllowedPattern": "[a-z]+"}, "Orders", "Parameter 'P' must match pattern [a-z]+"),
        ({"Type": "String", "AllowedPattern": "[a-z]+"}, "ord3rs", "Parameter 'P' must match pattern [a-z]+"),
        ({"Type": "String", "MinLength": 3}, "ab", "Parameter 'P' must contain at least 3 characters"),
        ({"Type": "String", "MaxLength": 8}, "abcdefghi", "Parameter 'P' must contain at most 8 characters"),
        ({"Type": "Number"}, "soon", "Parameter 'P' must be a number"),
        ({"Type": "Number"}, "", "Parameter 'P' must be a number"),
        ({"Type": "Number"}, "NaN", "Parameter 'P' must be a number"),
        ({"Type": "Number", "MinValue": 0}, "-1", "Parameter 'P' must be a number not less than 0"),
        ({"Type": "Number", "MaxValue": 43200}, "50000", "Parameter 'P' must be a number not greater than 43200"),
        ({"Type": "Number", "MaxValue": 2.5}, "3", "Parameter 'P' must be a number not greater than 2.5"),
        ({"Type": "List<Number>"}, "1,two,3", "Parameter 'P' must be a number"),
        ({"Type": "List<Number>", "MaxValue": 10}, "1,20", "Parameter 'P' must be a number not greater than 10"),
        (
            {"Type": "CommaDelimitedList", "AllowedValues": ["a", "b"]},
            "a,c",
            "Parameter 'P' must be one of AllowedValues",
        ),
        ({"Type": "CommaDelimitedList", "AllowedPattern": "[a-z]"}, "a, bb", "Parameter 'P' must match pattern [a-z]"),
        (
            {"Type": "String", "AllowedPattern": "[a-z]+", "ConstraintDescription": "lower-case letters only"},
            "Orders",
            "Parameter 'P' failed to satisfy constraint: lower-case letters only",
        ),
        (
            {"Type": "String", "AllowedValues": ["a"], "ConstraintDescription": "must be a"},
            "b",
            "Parameter 'P' failed to satisfy constraint: must be a",
        ),
        (
            {"Type": "Number", "MinValue": 10, "ConstraintDescription": "at least ten"},
            "9",
            "Parameter 'P' failed to satisfy constraint: at least ten",
        ),
        (
            {"Type": "String", "AllowedPattern": "[a-z"},
            "a",
            "Template format error: Parameter 'P' AllowedPattern must be a valid regular expression.",
        ),
    ],
)
def test_constraints(definition: dict[str, Any], value: str, problem: str) -> None:
    error = problem_of({"P": definition}, {"P": value})
    assert error.problem == problem
    assert error.where == "Parameters.P"


@pytest.mark.parametrize(
    ("definition", "value"),
    [
        ({"Type": "String", "AllowedPattern": "[a-z]+", "MinLength": 2, "MaxLength": 5}, "abc"),
        ({"Type": "String", "AllowedPattern": "^$|^[^@]+@[^@]+$"}, ""),
        ({"Type": "Number", "MinValue": 0, "MaxValue": 10}, "10"),
        ({"Type": "Number", "MinValue": -1.5}, "-1.5"),
        ({"Type": "Number"}, "1e3"),
        ({"Type": "Number"}, ".5"),
        ({"Type": "Number", "AllowedValues": [128, 256]}, "256"),
        ({"Type": "AWS::EC2::VPC::Id", "AllowedPattern": "vpc-[0-9a-f]+"}, "vpc-0abc"),
    ],
)
def test_values_that_satisfy_their_constraints(definition: dict[str, Any], value: str) -> None:
    assert resolve({"P": definition}, {"P": value})["P"] == value


def test_defaults_are_checked_too() -> None:
    error = problem_of({"Stage": {"Type": "String", "Default": "qa", "AllowedValues": ["dev", "prod"]}})
    assert error.problem == "Parameter 'Stage' must be one of AllowedValues"
