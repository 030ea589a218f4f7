"""Local code, layer content and OpenAPI files: where a SAM template's files are, and what the output says."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.sam import transform_sam

SAM = "AWS::Serverless-2016-10-31"


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """An app folder: ``app/template.yaml`` (never read: bodies are given), ``app/src``, ``shared/lib``."""
    folder = tmp_path / "app"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "shared" / "lib").mkdir(parents=True)
    return folder


def function(**properties: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Serverless::Function",
        "Properties": {"Handler": "app.handler", "Runtime": "python3.12", **properties},
    }


def translate(app: Path, resources: dict[str, Any], **sections: Any) -> dict[str, Any]:
    overrides = sections.pop("overrides", {})
    options = {key: sections.pop(key) for key in ("region", "account", "stack_name") if key in sections}
    body = {"Transform": SAM, "Resources": resources, **sections}
    return transform_sam(body, source=app / "template.yaml", parameter_overrides=overrides, **options)


def code_of(template: dict[str, Any], logical_id: str = "Fn") -> Any:
    return template["Resources"][logical_id]["Properties"]["Code"]


@pytest.mark.parametrize("written", ["src", "src/", "./src", "./src/", "src/../src", "./src/./"])
def test_a_local_folder_comes_out_relative_to_the_template(app: Path, written: str) -> None:
    assert code_of(translate(app, {"Fn": function(CodeUri=written)})) == "src"


def test_an_absolute_path_comes_out_relative_too(app: Path) -> None:
    assert code_of(translate(app, {"Fn": function(CodeUri=str(app / "src"))})) == "src"


def test_a_path_outside_the_template_folder_is_fine_when_it_exists(app: Path) -> None:
    assert code_of(translate(app, {"Fn": function(CodeUri="../shared/lib")})) == "../shared/lib"


def test_a_missing_path_is_an_error_naming_the_property(app: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        translate(app, {"Fn": function(CodeUri="../shared/missing")})
    assert caught.value.where == "Resources.Fn.Properties.CodeUri"
    assert caught.value.file == app / "template.yaml"
    assert caught.value.problem == (
        f"local path '../shared/missing' does not exist (looked for {app.parent / 'shared' / 'missing'})"
    )


def test_no_code_at_all_means_the_template_folder(app: Path) -> None:
    assert code_of(translate(app, {"Fn": function()})) == "."


def test_code_from_globals_wins_over_the_template_folder_default(app: Path) -> None:
    template = translate(app, {"Fn": function()}, Globals={"Function": {"CodeUri": "src/"}})
    assert code_of(template) == "src"


def test_a_function_ignoring_the_global_code_gets_the_template_folder(app: Path) -> None:
    resource = {**function(), "IgnoreGlobals": ["CodeUri"]}
    template = translate(app, {"Fn": resource}, Globals={"Function": {"CodeUri": "src/"}})
    assert code_of(template) == "."


def test_inline_code_is_kept_even_with_a_global_code_uri(app: Path) -> None:
    template = translate(app, {"Fn": function(InlineCode="x = 1")}, Globals={"Function": {"CodeUri": "src/"}})
    assert code_of(template) == {"ZipFile": "x = 1"}


def test_an_image_function_gets_no_default_code(app: Path) -> None:
    image = {"Type": "AWS::Serverless::Function", "Properties": {"PackageType": "Image", "ImageUri": "repo:tag"}}
    assert code_of(translate(app, {"Fn": image})) == {"ImageUri": "repo:tag"}


def test_code_uri_from_parameters_and_pseudo_parameters(app: Path) -> None:
    (app / "builds" / "eu-west-1" / "123456789012").mkdir(parents=True)
    parameters = {"Folder": {"Type": "String", "Default": "builds"}}
    resources = {
        "Fn": function(CodeUri={"Fn::Sub": "${Folder}/${AWS::Region}/${AWS::AccountId}"}),
        "Other": function(CodeUri={"Ref": "Other"}),
        "Joined": function(CodeUri={"Fn::Join": ["/", [{"Ref": "Folder"}, "eu-west-1"]]}),
    }
    parameters["Other"] = {"Type": "String"}
    template = translate(
        app,
        resources,
        Parameters=parameters,
        overrides={"Other": "src"},
        region="eu-west-1",
        account="123456789012",
    )
    assert code_of(template) == "builds/eu-west-1/123456789012"
    assert code_of(template, "Other") == "src"
    assert code_of(template, "Joined") == "builds/eu-west-1"


def test_a_code_uri_the_template_cannot_resolve_is_left_to_the_translator(app: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        translate(app, {"Fn": function(CodeUri={"Fn::GetAtt": ["Bucket", "Arn"]})})
    assert (
        caught.value.problem
        == "Resource with id [Fn] is invalid. 'CodeUri' requires Bucket and Key properties to be specified."
    )


def test_a_resolved_s3_uri_is_used_as_s3(app: Path) -> None:
    template = translate(
        app,
        {"Fn": function(CodeUri={"Fn::Sub": "s3://${Bucket}/app.zip"})},
        Parameters={"Bucket": {"Type": "String", "Default": "artifacts"}},
    )
    assert code_of(template) == {"S3Bucket": "artifacts", "S3Key": "app.zip"}


def test_layer_content_from_a_local_folder_and_a_missing_one(app: Path) -> None:
    layer = {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": "../shared/lib/"}}
    template = translate(app, {"Lib": layer})
    [(logical_id, resource)] = template["Resources"].items()
    assert logical_id.startswith("Lib")
    assert resource["Properties"]["Content"] == "../shared/lib"
    missing = {"Type": "AWS::Serverless::LayerVersion", "Properties": {"ContentUri": "layer/"}}
    with pytest.raises(TemplateError) as caught:
        translate(app, {"Lib": missing})
    assert caught.value.where == "Resources.Lib.Properties.ContentUri"


def test_the_given_body_is_not_modified(app: Path) -> None:
    body = {
        "Transform": SAM,
        "Globals": {"Function": {"Timeout": 5}},
        "Resources": {
            "Fn": function(CodeUri="src", Events={"Get": {"Type": "Api", "Properties": {"Path": "/", "Method": "get"}}})
        },
    }
    before = copy.deepcopy(body)
    transform_sam(body, source=app / "template.yaml", parameter_overrides={})
    assert body == before


def test_other_transforms_listed_with_sam_stay_listed(app: Path) -> None:
    template = transform_sam(
        {"Transform": ["AWS::LanguageExtensions", SAM], "Resources": {"Fn": function(CodeUri="src")}},
        source=app / "template.yaml",
        parameter_overrides={},
    )
    assert template["Transform"] == ["AWS::LanguageExtensions"]


def test_an_openapi_json_file_is_inlined_and_a_missing_one_is_an_error(app: Path) -> None:
    definition = {"openapi": "3.0.1", "info": {"title": "t", "version": "1"}, "paths": {}}
    (app / "api.json").write_text(json.dumps(definition))
    api = {"Type": "AWS::Serverless::HttpApi", "Properties": {"DefinitionUri": "api.json"}}
    body = translate(app, {"Api": api})["Resources"]["Api"]["Properties"]["Body"]
    assert body["info"] == {"title": "t", "version": "1"}
    missing = {"Type": "AWS::Serverless::Api", "Properties": {"StageName": "v1", "DefinitionUri": "gone.yaml"}}
    with pytest.raises(TemplateError) as caught:
        translate(app, {"Api": missing})
    assert caught.value.where == "Resources.Api.Properties.DefinitionUri"
    assert caught.value.problem.startswith("local OpenAPI file 'gone.yaml' does not exist")


def test_an_s3_definition_object_stays_in_s3(app: Path) -> None:
    api = {
        "Type": "AWS::Serverless::Api",
        "Properties": {"StageName": "v1", "DefinitionUri": {"Bucket": "b", "Key": "k"}},
    }
    properties = translate(app, {"Api": api})["Resources"]["Api"]["Properties"]
    assert properties["BodyS3Location"] == {"Bucket": "b", "Key": "k"}


def test_a_nested_application_from_a_local_template_is_a_stack(app: Path) -> None:
    application = {"Type": "AWS::Serverless::Application", "Properties": {"Location": "nested/template.yaml"}}
    resource = translate(app, {"Nested": application})["Resources"]["Nested"]
    assert resource["Type"] == "AWS::CloudFormation::Stack"
    assert resource["Properties"]["TemplateURL"] == "nested/template.yaml"
