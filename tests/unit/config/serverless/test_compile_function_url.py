"""A function's ``url`` compiled as the Serverless Framework v3 does: the URL, its permission and its output."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless import load_serverless

DEFAULT_HEADERS = [
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amzn-Trace-Id",
]


def load(tmp_path: Path, functions: str) -> AppDefinition:
    source = tmp_path / "serverless.yml"
    source.write_text(
        "service: svc\nprovider:\n  name: aws\n  runtime: python3.11\nfunctions:\n"
        + textwrap.indent(textwrap.dedent(functions), "  ")
    )
    return load_serverless(source, env={})


def url_function(url: str, key: str = "web") -> str:
    return f"{key}:\n  handler: h.web\n  url: {url}\n"


def properties(app: AppDefinition, logical_id: str) -> dict[str, Any]:
    return dict(app.template.resources[logical_id].properties)


def failure(tmp_path: Path, url: str) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        load(tmp_path, url_function(url))
    return caught.value


TARGET = {"Fn::GetAtt": ["WebLambdaFunction", "Arn"]}


def test_a_public_url_gets_the_permission_and_an_output(tmp_path: Path) -> None:
    app = load(tmp_path, url_function("true"))
    url = app.template.resources["WebLambdaFunctionUrl"]
    assert url.type == "AWS::Lambda::Url"
    assert dict(url.properties) == {"AuthType": "NONE", "TargetFunctionArn": TARGET}
    permission = app.template.resources["WebLambdaPermissionFnUrl"]
    assert permission.type == "AWS::Lambda::Permission"
    assert dict(permission.properties) == {
        "FunctionName": TARGET,
        "Action": "lambda:InvokeFunctionUrl",
        "Principal": "*",
        "FunctionUrlAuthType": "NONE",
    }
    output = app.template.outputs["WebLambdaFunctionUrl"]
    assert output.description == "Lambda Function URL"
    assert output.value == {"Fn::GetAtt": ["WebLambdaFunctionUrl", "FunctionUrl"]}
    assert app.warnings == ()


def test_an_empty_object_is_a_public_url(tmp_path: Path) -> None:
    app = load(tmp_path, url_function("{}"))
    assert properties(app, "WebLambdaFunctionUrl") == {"AuthType": "NONE", "TargetFunctionArn": TARGET}
    assert "WebLambdaPermissionFnUrl" in app.template.resources


def test_an_iam_url_has_no_public_permission(tmp_path: Path) -> None:
    app = load(tmp_path, url_function("{authorizer: aws_iam}"))
    assert properties(app, "WebLambdaFunctionUrl") == {"AuthType": "AWS_IAM", "TargetFunctionArn": TARGET}
    assert "WebLambdaPermissionFnUrl" not in app.template.resources
    assert "WebLambdaFunctionUrl" in app.template.outputs


def test_function_names_are_normalized(tmp_path: Path) -> None:
    app = load(tmp_path, url_function("true", key="hello-world_v2"))
    assert "HelloDashworldUnderscorev2LambdaFunctionUrl" in app.template.resources
    assert "HelloDashworldUnderscorev2LambdaPermissionFnUrl" in app.template.resources
    assert app.template.outputs["HelloDashworldUnderscorev2LambdaFunctionUrl"].value == {
        "Fn::GetAtt": ["HelloDashworldUnderscorev2LambdaFunctionUrl", "FunctionUrl"]
    }


def test_no_url_when_false(tmp_path: Path) -> None:
    app = load(tmp_path, url_function("false"))
    assert not any(resource.type == "AWS::Lambda::Url" for resource in app.template.resources.values())
    assert dict(app.template.outputs) == {}


def test_cors_true_allows_everything_with_the_default_headers(tmp_path: Path) -> None:
    app = load(tmp_path, url_function("{cors: true}"))
    assert properties(app, "WebLambdaFunctionUrl")["Cors"] == {
        "AllowHeaders": DEFAULT_HEADERS,
        "AllowMethods": ["*"],
        "AllowOrigins": ["*"],
    }


def test_cors_settings_replace_the_defaults(tmp_path: Path) -> None:
    cors = (
        "{cors: {allowedOrigins: [https://a.example, https://a.example, https://b.example], allowedMethods: [GET],"
        " allowCredentials: true, exposedResponseHeaders: [X-Total], maxAge: 600}}"
    )
    app = load(tmp_path, url_function(cors))
    assert properties(app, "WebLambdaFunctionUrl")["Cors"] == {
        "AllowCredentials": True,
        "AllowHeaders": DEFAULT_HEADERS,
        "AllowMethods": ["GET"],
        "AllowOrigins": ["https://a.example", "https://b.example"],
        "ExposeHeaders": ["X-Total"],
        "MaxAge": 600,
    }


def test_cors_null_removes_a_default(tmp_path: Path) -> None:
    app = load(tmp_path, url_function("{cors: {allowedHeaders: null, allowedMethods: null}}"))
    assert properties(app, "WebLambdaFunctionUrl")["Cors"] == {"AllowOrigins": ["*"]}


def test_response_streaming(tmp_path: Path) -> None:
    streamed = load(tmp_path, url_function("{invokeMode: RESPONSE_STREAM}"))
    assert properties(streamed, "WebLambdaFunctionUrl")["InvokeMode"] == "RESPONSE_STREAM"
    buffered = load(tmp_path, url_function("{invokeMode: BUFFERED}"))
    assert "InvokeMode" not in properties(buffered, "WebLambdaFunctionUrl")


@pytest.mark.parametrize(
    ("url", "where", "problem"),
    [
        ("yes-please", "functions.web.url", "must be true or an object (authorizer, cors, invokeMode)"),
        ("0", "functions.web.url", "must be true or an object (authorizer, cors, invokeMode)"),
        ("{authorizer: cognito}", "functions.web.url.authorizer", "the only authorizer of a function URL is aws_iam"),
        ("{invokeMode: STREAM}", "functions.web.url.invokeMode", "must be BUFFERED or RESPONSE_STREAM"),
        ("{auth: none}", "functions.web.url", "unknown setting(s) auth; allowed: authorizer, cors, invokeMode"),
        ("{cors: sometimes}", "functions.web.url.cors", "must be true or an object of CORS settings"),
        ("{cors: {origins: ['*']}}", "functions.web.url.cors", "unknown CORS setting(s) origins"),
        ("{cors: {allowedMethods: [1]}}", "functions.web.url.cors.allowedMethods", "must be a string or a list"),
        ("{cors: {maxAge: 90000}}", "functions.web.url.cors.maxAge", "from 0 to 86400"),
    ],
)
def test_invalid_urls(tmp_path: Path, url: str, where: str, problem: str) -> None:
    error = failure(tmp_path, url)
    assert error.where == where
    assert problem in error.problem
    assert str(error).startswith(f"serverless.yml: {where}: ")
