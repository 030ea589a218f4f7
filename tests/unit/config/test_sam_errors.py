"""Invalid SAM templates, the translator's failures, and what the translator must never do (network, noise)."""

from __future__ import annotations

import logging
import socket
import warnings
from pathlib import Path
from typing import Any, NoReturn

import pytest

from triggerfish.config.cfn.reader import read_template_file
from triggerfish.config.errors import TemplateError
from triggerfish.config.sam import transform_sam

TEMPLATES = Path(__file__).parent / "templates" / "sam"
INVALID = TEMPLATES / "invalid"


def translate(path: Path) -> dict[str, Any]:
    return transform_sam(read_template_file(path), source=path, parameter_overrides={})


@pytest.mark.parametrize(
    ("name", "where", "problem"),
    [
        (
            "bad_event.yaml",
            "Resources.HelloFunction.Properties.Events.Orders",
            "Resource with id [HelloFunctionOrders] is invalid. Missing required property 'Queue'.",
        ),
        (
            "duplicate_generated_id.yaml",
            "Resources.HelloFunction",
            "Transforming resource with id [HelloFunction] attempts to create a new resource with id "
            '[HelloFunctionRole] and type "AWS::IAM::Role". A resource with that id already exists within this '
            "template. Please use a different id for that resource.",
        ),
        (
            "two_invalid_functions.yaml",
            "Resources",
            "Invalid Serverless Application Specification document. Number of errors found: 2. "
            "Resource with id [FirstFunctionNightly] is invalid. Missing required property 'Schedule'. "
            "Resource with id [SecondFunction] is invalid. "
            "To set ProvisionedConcurrencyConfig AutoPublishALias must be defined on the function",
        ),
        (
            "no_resources.yaml",
            None,
            "Structure of the SAM template is invalid. 'Resources' section is required",
        ),
        (
            "state_machine_file.yaml",
            "Resources.OrderFlow",
            "Resource with id [OrderFlow] is invalid. 'DefinitionUri' is not a valid S3 Uri of the form "
            "'s3://bucket/key' with optional versionId query parameter.",
        ),
        (
            "repository_application.yaml",
            "Resources.ImageResizer.Properties.Location",
            "an application from the Serverless Application Repository (Location.ApplicationId) cannot be "
            "deployed locally; give Location as the path of its template instead",
        ),
        (
            "missing_code.yaml",
            "Resources.HelloFunction.Properties.CodeUri",
            f"local path '../no_such_folder/' does not exist (looked for {TEMPLATES / 'no_such_folder'})",
        ),
        (
            "missing_global_code.yaml",
            "Globals.Function.CodeUri",
            f"local path 'build/' does not exist (looked for {INVALID / 'build'})",
        ),
        (
            "missing_openapi.yaml",
            "Resources.PetsApi.Properties.DefinitionUri",
            f"local OpenAPI file 'api/missing.yaml' does not exist (looked for {INVALID / 'api' / 'missing.yaml'})",
        ),
    ],
)
def test_invalid_templates_name_the_file_the_place_and_the_problem(name: str, where: str | None, problem: str) -> None:
    with pytest.raises(TemplateError) as caught:
        translate(INVALID / name)
    assert caught.value.problem == problem
    assert caught.value.where == where
    assert caught.value.file == INVALID / name
    assert str(caught.value).startswith(f"{name}: ")


def test_an_invalid_globals_section_is_placed_at_globals() -> None:
    with pytest.raises(TemplateError) as caught:
        translate(INVALID / "bad_globals.yaml")
    assert caught.value.where == "Globals"
    assert caught.value.problem.startswith(
        "'Globals' section is invalid. 'FunctionName' is not a supported property of 'Function'. "
        "Must be one of the following values - ['Handler', 'Runtime', 'CodeUri',"
    )


def test_an_invalid_event_inside_a_function_message_is_placed_at_the_event(tmp_path: Path) -> None:
    body = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Fn": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "InlineCode": "x = 1",
                    "Handler": "index.handler",
                    "Runtime": "python3.12",
                    "Events": {"Get": {"Type": "Api", "Properties": {"Path": 5, "Method": "get"}}},
                },
            }
        },
    }
    with pytest.raises(TemplateError) as caught:
        transform_sam(body, source=tmp_path / "template.yaml", parameter_overrides={})
    assert caught.value.where == "Resources.Fn.Properties.Events.Get"
    assert (
        caught.value.problem
        == "Resource with id [Fn] is invalid. Event with id [Get] is invalid. Property 'Path' should be a string."
    )


def test_anything_else_the_translator_raises_is_a_template_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

    def broken(*args: Any, **kwargs: Any) -> NoReturn:
        raise KeyError("Properties")

    monkeypatch.setattr(Translator, "translate", broken)
    path = TEMPLATES / "hello_world" / "template.yaml"
    with pytest.raises(TemplateError) as caught:
        translate(path)
    assert caught.value.problem == "the SAM transform failed: KeyError: 'Properties'"
    assert caught.value.file == path


VALID = ["hello_world", "globals", "events", "layers", "function_name", "openapi", "code_forms"]


def test_nothing_reaches_the_network_or_a_boto3_session(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3
    import botocore.session

    def refused(*args: Any, **kwargs: Any) -> NoReturn:
        raise AssertionError("the SAM transform tried to reach AWS")

    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket, "create_connection", refused)
    monkeypatch.setattr(socket, "getaddrinfo", refused)
    monkeypatch.setattr(boto3.session.Session, "__init__", refused)
    monkeypatch.setattr(boto3, "client", refused)
    monkeypatch.setattr(botocore.session.Session, "create_client", refused)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    for name in VALID:
        path = TEMPLATES / name / "template.yaml"
        assert translate(path)["Resources"]


def test_the_translator_logs_nothing_above_debug_and_its_logger_is_restored(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("samtranslator")
    before = logger.level
    with caplog.at_level(logging.DEBUG):
        translate(TEMPLATES / "events" / "template.yaml")
    noisy = [
        record
        for record in caplog.records
        if record.name.startswith("samtranslator") and record.levelno >= logging.INFO
    ]
    assert noisy == []
    assert logger.level == before


def test_the_translators_own_warnings_are_silenced_and_nobody_elses(monkeypatch: pytest.MonkeyPatch) -> None:
    from samtranslator.translator.translator import Translator

    original = Translator.translate

    def warning(self: Any, *args: Any, **kwargs: Any) -> Any:
        # attributed to the translator's module, as its own deprecation notices are
        warnings.warn_explicit("old API", DeprecationWarning, "translator.py", 1, module="samtranslator.translator")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Translator, "translate", warning)
    translate(TEMPLATES / "hello_world" / "template.yaml")  # filterwarnings=error: a leaked warning fails here

    def foreign(self: Any, *args: Any, **kwargs: Any) -> Any:
        warnings.warn_explicit("not ours", DeprecationWarning, "app.py", 1, module="someone.else")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Translator, "translate", foreign)
    with pytest.raises(TemplateError, match="DeprecationWarning: not ours"):
        translate(TEMPLATES / "hello_world" / "template.yaml")
