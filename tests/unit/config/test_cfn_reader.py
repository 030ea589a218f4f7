"""Reading templates: short-form tags to long form, YAML 1.1 choices, JSON, and located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.cfn import read_template_file, read_template_text
from triggerfish.config.errors import TemplateError

TEMPLATES = Path(__file__).parent / "templates" / "cfn"
SOURCE = Path("template.yaml")


def read(text: str) -> dict[str, Any]:
    return read_template_text(text, SOURCE)


def value_of(text: str) -> Any:
    """The value of ``V`` in a one-key document."""
    return read(f"V: {text}\n")["V"]


def problem_of(text: str, source: Path = SOURCE) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        read_template_text(text, source)
    return caught.value


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("!Ref Bucket", {"Ref": "Bucket"}),
        ("!Ref 'AWS::Region'", {"Ref": "AWS::Region"}),
        ("!Condition IsProd", {"Condition": "IsProd"}),
        ("!GetAtt Queue.Arn", {"Fn::GetAtt": ["Queue", "Arn"]}),
        ("!GetAtt Stack.Outputs.BucketName", {"Fn::GetAtt": ["Stack", "Outputs.BucketName"]}),
        ("!GetAtt [Queue, Arn]", {"Fn::GetAtt": ["Queue", "Arn"]}),
        ("!GetAtt [Queue, !Ref Attribute]", {"Fn::GetAtt": ["Queue", {"Ref": "Attribute"}]}),
        ("!Sub '${AWS::StackName}-queue'", {"Fn::Sub": "${AWS::StackName}-queue"}),
        ("!Sub ['${A}-x', {A: !Ref B}]", {"Fn::Sub": ["${A}-x", {"A": {"Ref": "B"}}]}),
        ("!Join [':', [a, b]]", {"Fn::Join": [":", ["a", "b"]]}),
        ("!Select [0, !GetAZs '']", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        ("!Split [',', 'a,b']", {"Fn::Split": [",", "a,b"]}),
        ("!If [IsProd, a, b]", {"Fn::If": ["IsProd", "a", "b"]}),
        ("!Equals [!Ref Stage, prod]", {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}),
        ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Not [!Condition A]", {"Fn::Not": [{"Condition": "A"}]}),
        ("!FindInMap [Map, !Ref 'AWS::Region', Ami]", {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Ami"]}),
        ("!ImportValue shared-vpc", {"Fn::ImportValue": "shared-vpc"}),
        ("!ImportValue {'Fn::Sub': '${Env}-vpc'}", {"Fn::ImportValue": {"Fn::Sub": "${Env}-vpc"}}),
        ("!Base64 hello", {"Fn::Base64": "hello"}),
        ("!GetAZs ''", {"Fn::GetAZs": ""}),
        ("!GetAZs", {"Fn::GetAZs": ""}),
        ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
        (
            "!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
            {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}},
        ),
        ("!ToJsonString {a: [1, 2]}", {"Fn::ToJsonString": {"a": [1, 2]}}),
        ("!Length [a, b]", {"Fn::Length": ["a", "b"]}),
    ],
)
def test_short_forms_become_the_long_form(written: str, expected: Any) -> None:
    assert value_of(written) == expected


def test_a_tagged_scalar_stays_text() -> None:
    # a tag decides the type, so `!Ref 123` names "123" rather than a number
    assert value_of("!Ref 123") == {"Ref": "123"}
    assert value_of("!Base64 true") == {"Fn::Base64": "true"}


def test_a_block_sequence_under_a_tag() -> None:
    body = read("V: !Sub\n  - '${Name}-x'\n  - Name: !Ref Stage\n")
    assert body["V"] == {"Fn::Sub": ["${Name}-x", {"Name": {"Ref": "Stage"}}]}


def test_every_short_tag_template_reads_into_long_forms() -> None:
    body = read_template_file(TEMPLATES / "every_short_tag.yaml")
    variables = body["Resources"]["Function"]["Properties"]["Environment"]["Variables"]
    assert variables["SUBNET_COUNT"] == {"Fn::Length": {"Ref": "Subnets"}}
    assert variables["FIRST_BLOCK"] == {
        "Fn::Select": [0, {"Fn::Cidr": [{"Fn::FindInMap": ["Network", {"Ref": "AWS::Region"}, "Cidr"]}, 4, 8]}]
    }
    assert variables["MODE"] == {"Fn::If": ["ProdInUs", "fast", {"Fn::If": ["NotDev", "normal", "slow"]}]}
    assert body["Conditions"]["ProdInUs"] == {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "IsUs"}]}
    assert body["Resources"]["Function"]["Metadata"]["Snippet"] == {
        "Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://bucket/snippet.yaml"}}
    }


def test_dates_stay_strings() -> None:
    body = read("AWSTemplateFormatVersion: 2010-09-09\nV: {Version: 2012-10-17, At: 2024-01-02 03:04:05}\n")
    assert body["AWSTemplateFormatVersion"] == "2010-09-09"
    assert body["V"] == {"Version": "2012-10-17", "At": "2024-01-02 03:04:05"}


def test_yaml_1_1_booleans_as_cloudformation_reads_them() -> None:
    assert read("A: yes\nB: Off\nC: 'yes'\nD: true\n") == {"A": True, "B": False, "C": "yes", "D": True}


def test_core_booleans_for_serverless_yml() -> None:
    # the Serverless Framework reads YAML 1.2 booleans: `yes` is a word there
    text = "A: yes\nB: Off\nC: true\nD: 2012-10-17\nE: !Ref X\n"
    assert read_template_text(text, SOURCE, core_booleans=True) == {
        "A": "yes",
        "B": "Off",
        "C": True,
        "D": "2012-10-17",
        "E": {"Ref": "X"},
    }


def test_keys_keep_the_text_written() -> None:
    assert read("Mappings: {On: 1, Yes: 2, 10: 3, 1.50: 4}\n")["Mappings"] == {"On": 1, "Yes": 2, "10": 3, "1.50": 4}


def test_numbers_and_nulls() -> None:
    assert read("A: 10\nB: 1.5\nC: ~\nD: '010'\n") == {"A": 10, "B": 1.5, "C": None, "D": "010"}


def test_anchors_and_merge_keys_are_resolved() -> None:
    text = "Base: &base {Runtime: python3.12, Timeout: 3}\nFn:\n  <<: *base\n  Timeout: 30\nAgain: *base\n"
    body = read(text)
    assert body["Fn"] == {"Runtime": "python3.12", "Timeout": 30}
    assert body["Again"] == {"Runtime": "python3.12", "Timeout": 3}


def test_json_template() -> None:
    body = read_template_file(TEMPLATES / "json_app.json")
    function = body["Resources"]["ThumbnailFunction"]
    assert function["Properties"]["Role"] == {"Fn::GetAtt": "ThumbnailRole.Arn"}
    assert function["DependsOn"] == ["ThumbnailRole"]
    assert body["Parameters"]["Timeout"]["Default"] == 30
    assert list(body["Resources"]) == [
        "UploadTopic",
        "ThumbnailRole",
        "ThumbnailFunction",
        "ThumbnailSubscription",
        "UploadBucket",
    ]


def test_json_errors_name_the_line() -> None:
    error = problem_of('{\n  "Resources": {\n    "Q": {"Type": "AWS::SQS::Queue",}\n  }\n}\n')
    assert error.problem == (
        "Template format error: JSON not well-formed. (line 3, column 37): "
        "Expecting property name enclosed in double quotes"
    )
    assert error.where == "line 3"


def test_json_duplicate_keys_are_an_error() -> None:
    error = problem_of('{\n  "Resources": {},\n  "Resources": {}\n}\n')
    assert error.problem == (
        "Template format error: JSON not well-formed. (line 3, column 3): duplicate key 'Resources' (first at line 2)"
    )
    assert error.where == "line 3"


def test_json_has_no_nan() -> None:
    error = problem_of('{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"D": NaN}}}}')
    assert error.problem == "Template format error: JSON not well-formed. NaN is not a JSON number"


def test_duplicate_keys_are_an_error_with_their_line() -> None:
    with pytest.raises(TemplateError) as caught:
        read_template_file(TEMPLATES / "invalid_duplicate_key.yaml")
    assert caught.value.problem == (
        "Template format error: YAML not well-formed. (line 9, column 7): duplicate key 'Handler' (first at line 7)"
    )
    assert caught.value.where == "line 9"
    assert str(caught.value).startswith("invalid_duplicate_key.yaml: line 9: Template format error:")


def test_a_key_may_override_a_merged_one_but_not_itself() -> None:
    assert read("B: &b {x: 1}\nM: {<<: *b, x: 2}\n")["M"] == {"x": 2}
    assert problem_of("M: {x: 1, y: 2, x: 3}\n").problem == (
        "Template format error: YAML not well-formed. (line 1, column 17): duplicate key 'x' (first at line 1)"
    )


def test_yaml_syntax_errors_name_the_line() -> None:
    with pytest.raises(TemplateError) as caught:
        read_template_file(TEMPLATES / "invalid_syntax.yaml")
    assert caught.value.where == "line 7"
    assert caught.value.file == TEMPLATES / "invalid_syntax.yaml"
    assert caught.value.problem.startswith("Template format error: YAML not well-formed. (line 7, column 6): ")


def test_json_syntax_errors_in_a_file() -> None:
    with pytest.raises(TemplateError) as caught:
        read_template_file(TEMPLATES / "invalid_syntax.json")
    assert caught.value.where == "line 4"
    assert caught.value.problem.startswith("Template format error: JSON not well-formed. (line 4, column 41)")


@pytest.mark.parametrize("text", ["- a\n- b\n", "", "# only a comment\n", "just text\n", "42\n"])
def test_the_top_level_must_be_a_mapping(text: str) -> None:
    error = problem_of(text)
    assert error.problem == "Template format error: unsupported structure."
    assert error.where == "line 1"


def test_a_list_template_file() -> None:
    with pytest.raises(TemplateError) as caught:
        read_template_file(TEMPLATES / "invalid_top_level_list.yaml")
    assert str(caught.value) == "invalid_top_level_list.yaml: line 1: Template format error: unsupported structure."


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("V: !Foo x\n", "(line 1, column 4): could not determine a constructor for the tag '!Foo'"),
        ("V: !!binary aGk=\n", "(line 1, column 4): the tag:yaml.org,2002:binary tag is not supported in templates"),
        ("V: !!set {a, b}\n", "(line 1, column 4): the tag:yaml.org,2002:set tag is not supported in templates"),
        ("A: 1\n---\nB: 2\n", "(line 2, column 1): but found another document"),
        ("[a]: 1\n", "(line 1, column 1): a mapping key must be a string"),
        ("V: 'open\n", "(line 2, column 1): found unexpected end of stream"),
    ],
)
def test_yaml_that_templates_cannot_hold(text: str, detail: str) -> None:
    assert problem_of(text).problem == f"Template format error: YAML not well-formed. {detail}"


def test_a_file_that_is_not_utf8() -> None:
    with pytest.raises(TemplateError) as caught:
        read_template_file(TEMPLATES / "invalid_latin1.yaml")
    assert caught.value.problem == "the template is not UTF-8 text"
    assert caught.value.where == "line 2"


def test_a_missing_file() -> None:
    with pytest.raises(TemplateError) as caught:
        read_template_file(TEMPLATES / "no_such_template.yaml")
    assert caught.value.problem == "cannot read the template: No such file or directory"
    assert caught.value.file == TEMPLATES / "no_such_template.yaml"


def test_a_leading_brace_after_whitespace_is_json() -> None:
    assert read('\n  {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}') == {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}}
    }
