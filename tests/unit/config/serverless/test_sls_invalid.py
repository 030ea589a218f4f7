"""Invalid serverless.yml files: each fails with a TemplateError naming the file, the place and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.serverless import load_serverless

INVALID = Path(__file__).parent.parent / "templates" / "serverless" / "invalid"


@pytest.mark.parametrize(
    ("name", "where", "problem"),
    [
        ("missing-service.yml", "service", "missing; every serverless.yml names its service"),
        ("provider-not-aws.yml", "provider.name", "provider 'azure' is not supported; only 'aws' is"),
        (
            "missing-handler.yml",
            "functions.hello.handler",
            'Either "handler" or "image" property needs to be set on function "hello"',
        ),
        ("image-function.yml", "functions.hello.image", "container image functions are not supported"),
        ("functions-not-mapping.yml", "functions", "must be an object, not str"),
        (
            "bad-function-name.yml",
            "functions.hello.world",
            "function names may only hold letters, digits, '-' and '_'",
        ),
        (
            "bad-event.yml",
            "functions.hello.events[0]",
            "each event is an object with one event type, e.g. {sqs: <queue arn>}",
        ),
        (
            "missing-env.yml",
            "provider.environment.DATABASE_URL",
            'Cannot resolve variable at "provider.environment.DATABASE_URL": Value not found at "env" source',
        ),
        (
            "ssm-without-fallback.yml",
            "provider.environment.API_TOKEN",
            'Cannot resolve variable at "provider.environment.API_TOKEN": "ssm" variables read SSM parameters '
            "from an AWS account and cannot be resolved locally; give a fallback value: ${ssm:..., 'local value'}",
        ),
        (
            "file-outside.yml",
            "custom.stolen",
            'Cannot resolve variable at "custom.stolen": "../../serverless/basic/serverless.yml" is outside the '
            "service folder; only files inside it can be included",
        ),
        ("circular.yml", "custom.first", 'Circular reference among "custom.second" and "custom.first" properties'),
        (
            "unterminated-variable.yml",
            "provider.stage",
            "Cannot resolve variable at \"provider.stage\": Missing variable closing bracket in ${opt:stage, 'dev'",
        ),
        (
            "unknown-destination.yml",
            "functions.hello.destinations.onSuccess",
            'function "goodbye" is not defined in this service',
        ),
        (
            "invalid-bucket.yml",
            "functions.hello.events[0].s3.bucket",
            '"Uploads_Bucket" is not a valid bucket name: 3 to 63 lower-case letters, digits, "." and "-", '
            "starting and ending with a letter or digit",
        ),
        (
            "schedule-name-with-rates.yml",
            "functions.hello.events[0].schedule.name",
            "You cannot specify a name when defining more than one rate expression",
        ),
        (
            "event-bridge-two-inputs.yml",
            "functions.hello.events[0].eventBridge",
            "You can only set one of input, inputPath, or inputTransformer properties for eventBridge events.",
        ),
    ],
)
def test_invalid_files(name: str, where: str, problem: str) -> None:
    source = INVALID / name
    with pytest.raises(TemplateError) as caught:
        load_serverless(source, env={})
    error = caught.value
    assert (error.file, error.where, error.problem) == (source, where, problem)
    assert str(error) == f"{name}: {where}: {problem}"


def test_invalid_yaml_names_the_line() -> None:
    source = INVALID / "bad-yaml.yml"
    with pytest.raises(TemplateError) as caught:
        load_serverless(source, env={})
    assert caught.value.file == source
    assert caught.value.where == "line 5"
    assert caught.value.problem.startswith("Template format error: YAML not well-formed. (line 5, column 2)")


def test_a_missing_file() -> None:
    with pytest.raises(TemplateError) as caught:
        load_serverless(INVALID / "nope.yml", env={})
    assert caught.value.file == INVALID / "nope.yml"
    assert caught.value.problem.startswith("cannot read the template")
