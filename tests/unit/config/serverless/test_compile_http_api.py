"""``httpApi`` events compiled to the HTTP API the Serverless Framework v3 generates, with the same logical ids."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless import load_serverless

API = {"Ref": "HttpApi"}
DEFAULT_HEADERS = [
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
]
FUNCTION = {"Fn::GetAtt": ["ApiLambdaFunction", "Arn"]}
AUTHORIZERS = """\
httpApi:
  authorizers:
    jwtAuth:
      identitySource: $request.header.Authorization
      issuerUrl: https://issuer.example.com
      audience: [shop-client, shop-client]
    lambdaAuth:
      name: custom-auth
      type: request
      functionName: auth
      identitySource: [$request.header.X-Token]
      resultTtlInSeconds: 60
      enableSimpleResponses: true
      payloadVersion: '1.0'
"""


def load(tmp_path: Path, functions: str, provider: str = "") -> AppDefinition:
    source = tmp_path / "serverless.yml"
    source.write_text(
        "service: shop\nprovider:\n  name: aws\n  runtime: python3.11\n"
        + textwrap.indent(textwrap.dedent(provider), "  ")
        + "functions:\n"
        + textwrap.indent(textwrap.dedent(functions), "  ")
    )
    return load_serverless(source, env={})


def events(*items: str, key: str = "api", extra: str = "") -> str:
    lines = "".join(f"    - httpApi: {item}\n" for item in items)
    return f"{key}:\n  handler: h.api\n{extra}  events:\n{lines}"


def properties(app: AppDefinition, logical_id: str) -> dict[str, Any]:
    return dict(app.template.resources[logical_id].properties)


def failure(tmp_path: Path, functions: str, provider: str = "") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        load(tmp_path, functions, provider)
    return caught.value


def source_arn() -> dict[str, Any]:
    parts = ["arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":"]
    return {"Fn::Join": ["", [*parts, {"Ref": "AWS::AccountId"}, ":", API, "/*"]]}


def test_a_route_with_its_api_stage_integration_and_permission(tmp_path: Path) -> None:
    app = load(tmp_path, events("'GET /users/{id}'"))
    assert app.warnings == ()
    api = app.template.resources["HttpApi"]
    assert api.type == "AWS::ApiGatewayV2::Api"
    assert dict(api.properties) == {"Name": "dev-shop", "ProtocolType": "HTTP"}
    stage = app.template.resources["HttpApiStage"]
    assert stage.type == "AWS::ApiGatewayV2::Stage"
    assert dict(stage.properties) == {
        "ApiId": API,
        "StageName": "$default",
        "AutoDeploy": True,
        "DefaultRouteSettings": {"DetailedMetricsEnabled": False},
    }
    integration = app.template.resources["HttpApiIntegrationApi"]
    assert integration.type == "AWS::ApiGatewayV2::Integration"
    assert dict(integration.properties) == {
        "ApiId": API,
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": FUNCTION,
        "PayloadFormatVersion": "2.0",
        "TimeoutInMillis": 6500,
    }
    route = app.template.resources["HttpApiRouteGetUsersIdVar"]
    assert route.type == "AWS::ApiGatewayV2::Route"
    assert route.depends_on == ("HttpApiIntegrationApi",)
    assert dict(route.properties) == {
        "ApiId": API,
        "RouteKey": "GET /users/{id}",
        "Target": {"Fn::Join": ["/", ["integrations", {"Ref": "HttpApiIntegrationApi"}]]},
    }
    assert properties(app, "ApiLambdaPermissionHttpApi") == {
        "FunctionName": FUNCTION,
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": source_arn(),
    }


def test_outputs(tmp_path: Path) -> None:
    app = load(tmp_path, events("'*'"))
    assert app.template.outputs["HttpApiId"].value == API
    assert app.template.outputs["HttpApiUrl"].description == "URL of the HTTP API"
    assert app.template.outputs["HttpApiUrl"].value == {
        "Fn::Join": ["", ["https://", API, ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}]]
    }


def test_route_forms(tmp_path: Path) -> None:
    app = load(
        tmp_path,
        events(
            "'*'",
            "'post /users'",
            "{method: '*', path: '/{proxy+}'}",
            "{method: delete, path: '/users/{user-id}'}",
            key="one",
        )
        + events("{path: /items, method: PATCH}", key="two"),
    )
    routes = {
        logical_id: (item.properties["RouteKey"], item.properties["Target"]["Fn::Join"][1][1]["Ref"])
        for logical_id, item in app.template.resources.items()
        if item.type == "AWS::ApiGatewayV2::Route"
    }
    assert routes == {
        "HttpApiRouteDefault": ("$default", "HttpApiIntegrationOne"),
        "HttpApiRoutePostUsers": ("POST /users", "HttpApiIntegrationOne"),
        "HttpApiRouteAnyProxyVar": ("ANY /{proxy+}", "HttpApiIntegrationOne"),
        "HttpApiRouteDeleteUsersUserDashidVar": ("DELETE /users/{user-id}", "HttpApiIntegrationOne"),
        "HttpApiRoutePatchItems": ("PATCH /items", "HttpApiIntegrationTwo"),
    }
    # one integration and one permission per function
    assert [key for key, item in app.template.resources.items() if item.type == "AWS::ApiGatewayV2::Integration"] == [
        "HttpApiIntegrationOne",
        "HttpApiIntegrationTwo",
    ]


def test_the_default_route_as_an_object(tmp_path: Path) -> None:
    app = load(tmp_path, events("{path: '*', method: '*'}"))
    assert properties(app, "HttpApiRouteDefault")["RouteKey"] == "$default"
    error = failure(tmp_path, events("{path: '*'}", "'*'"))
    assert error.problem == "Duplicate route '*' configuration in function api for httpApi event in serverless.yml"


def test_api_settings(tmp_path: Path) -> None:
    provider = """\
        tags: {team: shop}
        httpApi:
          name: shop-http
          disableDefaultEndpoint: true
          useProviderTags: true
          metrics: true
          payload: '1.0'
        """
    app = load(tmp_path, events("'GET /'"), provider)
    assert properties(app, "HttpApi") == {
        "Name": "shop-http",
        "ProtocolType": "HTTP",
        "DisableExecuteApiEndpoint": True,
        "Tags": {"team": "shop"},
    }
    assert properties(app, "HttpApiStage")["Tags"] == {"team": "shop"}
    assert properties(app, "HttpApiStage")["DefaultRouteSettings"] == {"DetailedMetricsEnabled": True}
    assert properties(app, "HttpApiIntegrationApi")["PayloadFormatVersion"] == "1.0"


def test_name_starting_with_the_service_and_a_function_payload(tmp_path: Path) -> None:
    provider = "httpApi:\n  shouldStartNameWithService: true\n  payload: '1.0'\n"
    app = load(tmp_path, events("'GET /'", extra="  httpApi:\n    payload: 2.0\n"), provider)
    assert properties(app, "HttpApi")["Name"] == "shop-dev"
    assert properties(app, "HttpApiIntegrationApi")["PayloadFormatVersion"] == "2.0"


@pytest.mark.parametrize(
    ("function_timeout", "provider", "expected", "warning"),
    [
        ("", "", 6500, None),
        ("  timeout: 10\n", "", 10500, None),
        ("", "timeout: 3\n", 3500, None),
        ("  timeout: 28.5\n", "", 29000, None),
        ("  timeout: 29\n", "", 29000, "leaves no margin under an HTTP API's wait (29 s)"),
        ("  timeout: 900\n", "", 29000, "is longer than an HTTP API waits (29 s)"),
    ],
)
def test_the_integration_times_out_after_the_function(
    tmp_path: Path, function_timeout: str, provider: str, expected: int, warning: str | None
) -> None:
    app = load(tmp_path, events("'GET /'", extra=function_timeout), provider)
    assert properties(app, "HttpApiIntegrationApi")["TimeoutInMillis"] == expected
    if warning is None:
        assert app.warnings == ()
    else:
        (line,) = app.warnings
        assert line.startswith("functions.api: the timeout (")
        assert warning in line


def test_cors_true_allows_the_routes_methods(tmp_path: Path) -> None:
    app = load(tmp_path, events("'GET /users'", "'POST /users'", "'GET /items'"), "httpApi:\n  cors: true\n")
    assert properties(app, "HttpApi")["CorsConfiguration"] == {
        "AllowHeaders": DEFAULT_HEADERS,
        "AllowMethods": ["OPTIONS", "GET", "POST"],
        "AllowOrigins": ["*"],
    }


def test_cors_with_any_allows_every_method(tmp_path: Path) -> None:
    app = load(tmp_path, events("'*'"), "httpApi:\n  cors: {allowedOrigins: https://shop.example}\n")
    assert properties(app, "HttpApi")["CorsConfiguration"] == {
        "AllowHeaders": DEFAULT_HEADERS,
        "AllowMethods": ["OPTIONS", "GET", "POST", "PUT", "PATCH", "HEAD", "DELETE"],
        "AllowOrigins": ["https://shop.example"],
    }


def test_cors_settings(tmp_path: Path) -> None:
    provider = """\
        httpApi:
          cors:
            allowedOrigins: [https://a.example, https://b.example]
            allowedHeaders: [Content-Type]
            allowedMethods: [GET]
            allowCredentials: true
            exposedResponseHeaders: [X-Total]
            maxAge: 600
        """
    app = load(tmp_path, events("'POST /users'"), provider)
    assert properties(app, "HttpApi")["CorsConfiguration"] == {
        "AllowCredentials": True,
        "AllowHeaders": ["Content-Type"],
        "AllowMethods": ["GET"],
        "AllowOrigins": ["https://a.example", "https://b.example"],
        "ExposeHeaders": ["X-Total"],
        "MaxAge": 600,
    }


def test_an_existing_api_is_skipped(tmp_path: Path) -> None:
    app = load(tmp_path, events("'GET /users'"), "httpApi:\n  id: abc123\n")
    assert not any(item.type.startswith("AWS::ApiGatewayV2::") for item in app.template.resources.values())
    assert "HttpApiUrl" not in app.template.outputs
    assert app.warnings == (
        "provider.httpApi.id: httpApi events on an HTTP API outside the service are not supported; skipped",
    )


def test_access_logs_are_a_warning(tmp_path: Path) -> None:
    app = load(tmp_path, events("'GET /users'"), "logs:\n  httpApi: true\n")
    assert app.warnings == ("provider.logs.httpApi: HTTP API access logs are not supported; skipped",)


# authorizers


def test_configured_authorizers(tmp_path: Path) -> None:
    app = load(tmp_path, "auth:\n  handler: h.auth\n" + events("'GET /'"), AUTHORIZERS)
    jwt = app.template.resources["HttpApiAuthorizerJwtAuth"]
    assert jwt.type == "AWS::ApiGatewayV2::Authorizer"
    assert dict(jwt.properties) == {
        "ApiId": API,
        "Name": "jwtAuth",
        "IdentitySource": ["$request.header.Authorization"],
        "AuthorizerType": "JWT",
        "JwtConfiguration": {"Audience": ["shop-client"], "Issuer": "https://issuer.example.com"},
    }
    auth_arn = {"Fn::GetAtt": ["AuthLambdaFunction", "Arn"]}
    uri_parts = ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"}]
    assert properties(app, "HttpApiAuthorizerCustomDashauth") == {
        "ApiId": API,
        "Name": "custom-auth",
        "IdentitySource": ["$request.header.X-Token"],
        "AuthorizerType": "REQUEST",
        "EnableSimpleResponses": True,
        "AuthorizerResultTtlInSeconds": 60,
        "AuthorizerPayloadFormatVersion": "1.0",
        "AuthorizerUri": {
            "Fn::Join": ["", [*uri_parts, ":lambda:path/2015-03-31/functions/", auth_arn, "/invocations"]]
        },
    }
    assert properties(app, "CustomDashauthLambdaAuthorizerPermissionHttpApi") == {
        "FunctionName": auth_arn,
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": source_arn(),
    }


def test_routes_use_authorizers(tmp_path: Path) -> None:
    functions = "auth:\n  handler: h.auth\n" + events(
        "{method: get, path: /jwt, authorizer: {name: jwtAuth, scopes: [read, read, write]}}",
        "{method: get, path: /custom, authorizer: lambdaAuth}",
        "{method: get, path: /iam, authorizer: {type: aws_iam}}",
    )
    app = load(tmp_path, functions, AUTHORIZERS)
    jwt = properties(app, "HttpApiRouteGetJwt")
    assert (jwt["AuthorizationType"], jwt["AuthorizerId"], jwt["AuthorizationScopes"]) == (
        "JWT",
        {"Ref": "HttpApiAuthorizerJwtAuth"},
        ["read", "write"],
    )
    custom = properties(app, "HttpApiRouteGetCustom")
    assert (custom["AuthorizationType"], custom["AuthorizerId"]) == (
        "CUSTOM",
        {"Ref": "HttpApiAuthorizerCustomDashauth"},
    )
    iam = properties(app, "HttpApiRouteGetIam")
    assert iam["AuthorizationType"] == "AWS_IAM"
    assert "AuthorizerId" not in iam


def test_an_authorizer_by_arn_managed_externally(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:authorize"
    authorizer = f"{{type: request, functionArn: '{arn}', managedExternally: true}}"
    provider = f"httpApi:\n  authorizers:\n    ext: {authorizer}\n"
    app = load(tmp_path, events("'GET /'"), provider)
    uri = properties(app, "HttpApiAuthorizerExt")["AuthorizerUri"]
    assert arn in uri["Fn::Join"][1]
    assert "ExtLambdaAuthorizerPermissionHttpApi" not in app.template.resources


# errors


@pytest.mark.parametrize(
    ("event", "where", "problem"),
    [
        ("'GET users'", "functions.api.events[0].httpApi", "must be '*' or '<method> <path>'"),
        ("42", "functions.api.events[0].httpApi", "must be '*', '<method> <path>' or an object"),
        ("{method: get}", "functions.api.events[0].httpApi.path", "missing 'path'"),
        ("{method: get, path: users}", "functions.api.events[0].httpApi.path", "must be '*' or start with '/'"),
        (
            "{path: /users}",
            "functions.api.events[0].httpApi.method",
            'Missing "method" property in function api for httpApi event in serverless.yml',
        ),
        (
            "{method: fetch, path: /users}",
            "functions.api.events[0].httpApi.method",
            'Invalid "method" property in function api for httpApi event in serverless.yml',
        ),
        (
            "{method: get, path: '*'}",
            "functions.api.events[0].httpApi.path",
            'Invalid "path" property in function api for httpApi event in serverless.yml',
        ),
        ("{method: get, path: /a, cors: true}", "functions.api.events[0].httpApi", "unknown setting(s) cors"),
        (
            "{method: get, path: /a, authorizer: nope}",
            "functions.api.events[0].httpApi.authorizer",
            "Event references not configured authorizer 'nope'",
        ),
        (
            "{method: get, path: /a, authorizer: {scopes: [x]}}",
            "functions.api.events[0].httpApi.authorizer",
            'When configuring an authorizer with type: "jwt", property "id" or "name" has to be specified.',
        ),
        (
            "{method: get, path: /a, authorizer: {type: aws_iam, name: x}}",
            "functions.api.events[0].httpApi.authorizer",
            'When configuring authorizer with type: "aws_iam", all other properties are not supported.',
        ),
        (
            "{method: get, path: /a, authorizer: {id: abc}}",
            "functions.api.events[0].httpApi.authorizer.id",
            "Event references external authorizer 'abc', but httpApi is part of the current stack.",
        ),
    ],
)
def test_invalid_events(tmp_path: Path, event: str, where: str, problem: str) -> None:
    error = failure(tmp_path, events(event))
    assert error.where == where
    assert problem in error.problem
    assert str(error).startswith(f"serverless.yml: {where}: ")


def test_a_route_defined_twice(tmp_path: Path) -> None:
    error = failure(tmp_path, events("'GET /users'", key="one") + events("{method: GET, path: /users}", key="two"))
    assert error.where == "functions.two.events[0].httpApi"
    assert (
        error.problem
        == "Duplicate route 'GET /users' configuration in function two for httpApi event in serverless.yml"
    )


def test_routes_that_share_a_logical_id(tmp_path: Path) -> None:
    error = failure(tmp_path, events("'GET /users'", "'GET /Users'"))
    assert error.problem == "route 'GET /Users' has the same logical id (HttpApiRouteGetUsers) as route 'GET /users'"


@pytest.mark.parametrize(
    ("authorizer", "where", "problem"),
    [
        ("{type: request}", "provider.httpApi.authorizers.a", 'Either "functionArn" or "functionName" property'),
        (
            "{type: request, functionName: api, functionArn: 'arn:aws:lambda:us-east-1:1:function:x'}",
            "provider.httpApi.authorizers.a",
            'Either "functionArn" or "functionName" (not both) property needs to be set on authorizer "a"',
        ),
        (
            "{type: request, functionName: api, resultTtlInSeconds: 60}",
            "provider.httpApi.authorizers.a",
            'Property "identitySource" has to be set on authorizer "a"',
        ),
        ("{type: oauth}", "provider.httpApi.authorizers.a.type", "must be jwt or request"),
        ("{issuerUrl: 'https://issuer.example'}", "provider.httpApi.authorizers.a", "needs 'issuerUrl' and 'audience'"),
        (
            "{type: request, functionName: api, payloadVersion: '3.0'}",
            "provider.httpApi.authorizers.a.payloadVersion",
            "must be '1.0' or '2.0'",
        ),
        (
            "{type: request, functionName: missing}",
            "provider.httpApi.authorizers.a.functionName",
            'Function "missing" for HTTP API authorizer "a" not found in service.',
        ),
    ],
)
def test_invalid_authorizers(tmp_path: Path, authorizer: str, where: str, problem: str) -> None:
    error = failure(tmp_path, events("'GET /'"), f"httpApi:\n  authorizers:\n    a: {authorizer}\n")
    assert error.where == where
    assert problem in error.problem


@pytest.mark.parametrize(
    ("provider", "where", "problem"),
    [
        ("httpApi: yes\n", "provider.httpApi", "must be an object"),
        ("httpApi:\n  payload: '3.0'\n", "provider.httpApi.payload", "must be '1.0' or '2.0'"),
        ("httpApi:\n  cors: everything\n", "provider.httpApi.cors", "must be true or an object"),
        ("httpApi:\n  cors: {allowedOrigins: [1]}\n", "provider.httpApi.cors.allowedOrigins", "list of strings"),
        ("httpApi:\n  cors: {maxAge: -1}\n", "provider.httpApi.cors.maxAge", "whole number of seconds"),
    ],
)
def test_invalid_provider_settings(tmp_path: Path, provider: str, where: str, problem: str) -> None:
    error = failure(tmp_path, events("'GET /'"), provider)
    assert error.where == where
    assert problem in error.problem
