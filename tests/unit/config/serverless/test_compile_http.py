"""``http`` events compiled to the REST API the Serverless Framework v3 generates, with the same logical ids."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from triggerfish.config.errors import TemplateError
from triggerfish.config.model import AppDefinition
from triggerfish.config.serverless import load_serverless, naming

API = {"Ref": "ApiGatewayRestApi"}
ROOT = {"Fn::GetAtt": ["ApiGatewayRestApi", "RootResourceId"]}
DEFAULT_HEADERS = (
    "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token,X-Amz-User-Agent,X-Amzn-Trace-Id"
)


def load(tmp_path: Path, functions: str, provider: str = "", *, stage: str | None = None) -> AppDefinition:
    source = tmp_path / "serverless.yml"
    source.write_text(
        "service: shop\nprovider:\n  name: aws\n  runtime: python3.11\n"
        + textwrap.indent(textwrap.dedent(provider), "  ")
        + "functions:\n"
        + textwrap.indent(textwrap.dedent(functions), "  ")
    )
    return load_serverless(source, stage=stage, env={})


def events(*items: str, key: str = "api") -> str:
    lines = "".join(f"    - http: {item}\n" for item in items)
    return f"{key}:\n  handler: h.api\n  events:\n{lines}"


def properties(app: AppDefinition, logical_id: str) -> dict[str, Any]:
    return dict(app.template.resources[logical_id].properties)


def failure(tmp_path: Path, functions: str, provider: str = "", *, stage: str | None = None) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        load(tmp_path, functions, provider, stage=stage)
    return caught.value


def invocation_uri(function_arn: Any) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":apigateway:",
                {"Ref": "AWS::Region"},
                ":lambda:path/2015-03-31/functions/",
                function_arn,
                "/invocations",
            ],
        ]
    }


API_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:",
            {"Ref": "AWS::Partition"},
            ":execute-api:",
            {"Ref": "AWS::Region"},
            ":",
            {"Ref": "AWS::AccountId"},
            ":",
            API,
            "/*/*",
        ],
    ]
}
FUNCTION = {"Fn::GetAtt": ["ApiLambdaFunction", "Arn"]}


def deployment_id(app: AppDefinition) -> str:
    (found,) = [key for key, item in app.template.resources.items() if item.type == "AWS::ApiGateway::Deployment"]
    return found


# the API, its resources and methods


def test_a_proxy_endpoint(tmp_path: Path) -> None:
    app = load(tmp_path, events("GET /users/{id}"))
    assert app.warnings == ()
    api = app.template.resources["ApiGatewayRestApi"]
    assert api.type == "AWS::ApiGateway::RestApi"
    assert dict(api.properties) == {"Name": "dev-shop", "EndpointConfiguration": {"Types": ["EDGE"]}}
    assert properties(app, "ApiGatewayResourceUsers") == {"ParentId": ROOT, "PathPart": "users", "RestApiId": API}
    assert properties(app, "ApiGatewayResourceUsersIdVar") == {
        "ParentId": {"Ref": "ApiGatewayResourceUsers"},
        "PathPart": "{id}",
        "RestApiId": API,
    }
    method = app.template.resources["ApiGatewayMethodUsersIdVarGet"]
    assert method.type == "AWS::ApiGateway::Method"
    assert method.depends_on == ("ApiLambdaPermissionApiGateway",)
    assert dict(method.properties) == {
        "HttpMethod": "GET",
        "RequestParameters": {},
        "ResourceId": {"Ref": "ApiGatewayResourceUsersIdVar"},
        "RestApiId": API,
        "ApiKeyRequired": False,
        "AuthorizationType": "NONE",
        "Integration": {"IntegrationHttpMethod": "POST", "Type": "AWS_PROXY", "Uri": invocation_uri(FUNCTION)},
        "MethodResponses": [],
    }
    assert properties(app, "ApiLambdaPermissionApiGateway") == {
        "FunctionName": FUNCTION,
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": API_ARN,
    }


def test_the_deployment_and_the_service_endpoint(tmp_path: Path) -> None:
    app = load(tmp_path, events("GET /users", "{path: users, method: post, cors: true}"), stage="prod")
    deployment = app.template.resources[deployment_id(app)]
    assert deployment_id(app).startswith("ApiGatewayDeployment")
    assert dict(deployment.properties) == {"RestApiId": API, "StageName": "prod"}
    # the preflight methods first, then the events' methods
    assert deployment.depends_on == (
        "ApiGatewayMethodUsersOptions",
        "ApiGatewayMethodUsersGet",
        "ApiGatewayMethodUsersPost",
    )
    output = app.template.outputs["ServiceEndpoint"]
    assert output.description == "URL of the service endpoint"
    assert output.value == {
        "Fn::Join": [
            "",
            ["https://", API, ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, "/prod"],
        ]
    }


def test_the_deployment_id_follows_the_api(tmp_path: Path) -> None:
    first = deployment_id(load(tmp_path, events("GET /users")))
    assert deployment_id(load(tmp_path, events("GET /users"))) == first
    assert deployment_id(load(tmp_path, events("GET /users", "POST /users"))) != first


def test_shorthand_forms_and_any(tmp_path: Path) -> None:
    app = load(tmp_path, events("get users/", "ANY /{proxy+}", "'post /'"))
    assert properties(app, "ApiGatewayMethodUsersGet")["HttpMethod"] == "GET"
    assert properties(app, "ApiGatewayMethodProxyVarAny")["HttpMethod"] == "ANY"
    assert properties(app, "ApiGatewayResourceProxyVar")["PathPart"] == "{proxy+}"
    # the root path's methods hang on the root resource
    assert properties(app, "ApiGatewayMethodPost")["ResourceId"] == ROOT


def test_resources_are_shared_between_functions(tmp_path: Path) -> None:
    app = load(tmp_path, events("GET /users", key="list") + events("GET /users/{id}", key="one"))
    resources = [key for key, item in app.template.resources.items() if item.type == "AWS::ApiGateway::Resource"]
    assert resources == ["ApiGatewayResourceUsers", "ApiGatewayResourceUsersIdVar"]
    assert "ListLambdaPermissionApiGateway" in app.template.resources
    assert "OneLambdaPermissionApiGateway" in app.template.resources


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("users/{userId}", "UsersUseridVar"),
        ("{proxy+}", "ProxyVar"),
        ("user-profile/avatar_image", "UserDashprofileAvatarimage"),
        ("v1/Hello.JSON", "V1Hellojson"),
        ("GET /users/{id}", "GetUsersIdVar"),
    ],
)
def test_path_normalization(path: str, expected: str) -> None:
    assert naming.normalize_path(path) == expected


def test_provider_settings_of_the_api(tmp_path: Path) -> None:
    provider = """\
        apiName: shop-api
        endpointType: regional
        apiGateway:
          binaryMediaTypes: ['image/*', '*/*']
          minimumCompressionSize: 1024
          apiKeySourceType: header
          description: The shop
          disableDefaultEndpoint: true
          resourcePolicy:
            - Effect: Allow
              Principal: '*'
              Action: execute-api:Invoke
              Resource: execute-api:/*
        """
    app = load(tmp_path, events("GET /"), provider)
    assert properties(app, "ApiGatewayRestApi") == {
        "Name": "shop-api",
        "BinaryMediaTypes": ["image/*", "*/*"],
        "DisableExecuteApiEndpoint": True,
        "EndpointConfiguration": {"Types": ["REGIONAL"]},
        "Policy": {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}
            ],
        },
        "ApiKeySourceType": "HEADER",
        "MinimumCompressionSize": 1024,
        "Description": "The shop",
    }


def test_name_starting_with_the_service(tmp_path: Path) -> None:
    app = load(tmp_path, events("GET /"), "apiGateway:\n  shouldStartNameWithService: true\n")
    assert properties(app, "ApiGatewayRestApi")["Name"] == "shop-dev"


def test_an_existing_rest_api_is_skipped(tmp_path: Path) -> None:
    provider = "apiGateway:\n  restApiId: abc123\n  restApiRootResourceId: root1\n"
    app = load(tmp_path, events("GET /users"), provider)
    assert not any(item.type.startswith("AWS::ApiGateway::") for item in app.template.resources.values())
    assert "ServiceEndpoint" not in app.template.outputs
    assert app.warnings == (
        "provider.apiGateway.restApiId: http events on a REST API outside the service are not supported",
    )


def test_api_keys_and_private_methods_are_warnings(tmp_path: Path) -> None:
    provider = "apiGateway:\n  apiKeys: [shop-key]\n"
    app = load(tmp_path, events("{path: admin, method: get, private: true}"), provider)
    assert properties(app, "ApiGatewayMethodAdminGet")["ApiKeyRequired"] is True
    assert app.warnings == (
        "provider.apiGateway.apiKeys: API keys and usage plans are not supported; skipped",
        "functions.api.events[0]: private: API keys are not checked locally; the method is open",
    )


def test_operation_id_timeout_and_request_parameters(tmp_path: Path) -> None:
    event = (
        "{path: items, method: get, operationId: listItems, timeoutInMillis: 5000,"
        " request: {parameters: {querystrings: {page: true, size: false}, headers: {X-Trace: {required: false}},"
        " paths: {}}}}"
    )
    app = load(tmp_path, events(event))
    method = properties(app, "ApiGatewayMethodItemsGet")
    assert method["OperationName"] == "listItems"
    assert method["Integration"]["TimeoutInMillis"] == 5000
    assert method["RequestParameters"] == {
        "method.request.querystring.page": True,
        "method.request.querystring.size": False,
        "method.request.header.X-Trace": False,
    }
    assert app.warnings == ()


def test_request_settings_that_proxies_ignore_are_warnings(tmp_path: Path) -> None:
    event = (
        "{path: items, method: post, request: {template: {application/json: '{}'}, schemas: {application/json: {}}}}"
    )
    app = load(tmp_path, events(event))
    assert app.warnings == (
        "functions.api.events[0]: request.template: does not apply to lambda-proxy integrations; ignored",
        "functions.api.events[0]: request.schemas: request body validation is not supported yet; skipped",
    )


# integrations other than lambda-proxy


def test_async_is_a_non_proxy_lambda_integration_invoked_as_an_event(tmp_path: Path) -> None:
    app = load(tmp_path, events("{path: jobs, method: post, async: true}"))
    assert properties(app, "ApiGatewayMethodJobsPost")["Integration"] == {
        "IntegrationHttpMethod": "POST",
        "Type": "AWS",
        "Uri": invocation_uri(FUNCTION),
        "PassthroughBehavior": "NEVER",
        "RequestParameters": {"integration.request.header.X-Amz-Invocation-Type": "'Event'"},
        "IntegrationResponses": [],
    }
    assert app.warnings == (
        "functions.api.events[0]: async: the asynchronous (non-proxy lambda) integration is not served locally; "
        "requests answer 500",
    )


def test_a_lambda_integration_is_a_warning(tmp_path: Path) -> None:
    event = (
        "{path: jobs, method: get, integration: lambda, request: {passThrough: WHEN_NO_TEMPLATES,"
        " parameters: {querystrings: {page: {required: true, mappedValue: \"'1'\"}}}}}"
    )
    app = load(tmp_path, events(event))
    integration = properties(app, "ApiGatewayMethodJobsGet")["Integration"]
    assert integration["Type"] == "AWS"
    assert integration["PassthroughBehavior"] == "WHEN_NO_TEMPLATES"
    assert integration["RequestParameters"] == {"integration.request.querystring.page": "'1'"}
    assert app.warnings == (
        "functions.api.events[0]: integration lambda: only lambda-proxy and mock integrations are served locally; "
        "requests answer 500",
    )


def test_a_mock_integration_answers_with_its_responses(tmp_path: Path) -> None:
    event = (
        "{path: ping, method: get, integration: mock, request: {template: {application/json: '{\"statusCode\": 200}'}},"
        " response: {headers: {X-Mock: \"'yes'\"}, statusCodes: {'200': {pattern: '', template: pong}}}}"
    )
    app = load(tmp_path, events(event))
    method = properties(app, "ApiGatewayMethodPingGet")
    assert method["Integration"] == {
        "IntegrationHttpMethod": "POST",
        "Type": "MOCK",
        "RequestTemplates": {"application/json": '{"statusCode": 200}'},
        "IntegrationResponses": [
            {
                "StatusCode": "200",
                "SelectionPattern": "",
                "ResponseParameters": {"method.response.header.X-Mock": "'yes'"},
                "ResponseTemplates": {"application/json": "pong"},
            }
        ],
    }
    assert method["MethodResponses"] == [
        {"StatusCode": "200", "ResponseParameters": {"method.response.header.X-Mock": True}, "ResponseModels": {}}
    ]
    assert app.warnings == ()


def test_an_http_proxy_integration(tmp_path: Path) -> None:
    event = "{path: legacy, method: get, integration: http-proxy, request: {uri: 'https://legacy.example/api'}}"
    app = load(tmp_path, events(event))
    assert properties(app, "ApiGatewayMethodLegacyGet")["Integration"] == {
        "IntegrationHttpMethod": "GET",
        "Type": "HTTP_PROXY",
        "Uri": "https://legacy.example/api",
    }


# CORS


def preflight(app: AppDefinition, logical_id: str) -> dict[str, str]:
    method = properties(app, logical_id)
    (response,) = method["Integration"]["IntegrationResponses"]
    return dict(response["ResponseParameters"])


def test_cors_true_makes_a_preflight_method(tmp_path: Path) -> None:
    app = load(tmp_path, events("{path: users, method: get, cors: true}"))
    method = app.template.resources["ApiGatewayMethodUsersOptions"]
    assert method.type == "AWS::ApiGateway::Method"
    headers = {
        "method.response.header.Access-Control-Allow-Origin": "'*'",
        "method.response.header.Access-Control-Allow-Headers": f"'{DEFAULT_HEADERS}'",
        "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,GET'",
    }
    assert dict(method.properties) == {
        "AuthorizationType": "NONE",
        "HttpMethod": "OPTIONS",
        "MethodResponses": [
            {"StatusCode": "200", "ResponseParameters": dict.fromkeys(headers, True), "ResponseModels": {}}
        ],
        "RequestParameters": {},
        "Integration": {
            "Type": "MOCK",
            "RequestTemplates": {"application/json": "{statusCode:200}"},
            "ContentHandling": "CONVERT_TO_TEXT",
            "IntegrationResponses": [
                {"StatusCode": "200", "ResponseParameters": headers, "ResponseTemplates": {"application/json": ""}}
            ],
        },
        "ResourceId": {"Ref": "ApiGatewayResourceUsers"},
        "RestApiId": API,
    }


def test_cors_settings(tmp_path: Path) -> None:
    cors = (
        "{origin: 'https://shop.example', headers: [Content-Type, X-Token], allowCredentials: true,"
        " maxAge: 600, cacheControl: 'max-age=600', methods: [GET]}"
    )
    app = load(tmp_path, events(f"{{path: users, method: post, cors: {cors}}}"))
    assert preflight(app, "ApiGatewayMethodUsersOptions") == {
        "method.response.header.Access-Control-Allow-Origin": "'https://shop.example'",
        "method.response.header.Access-Control-Allow-Headers": "'Content-Type,X-Token'",
        "method.response.header.Access-Control-Allow-Methods": "'GET,OPTIONS,POST'",
        "method.response.header.Access-Control-Allow-Credentials": "'true'",
        "method.response.header.Access-Control-Max-Age": "'600'",
        "method.response.header.Cache-Control": "'max-age=600'",
    }


def test_cors_of_one_path_is_merged_over_its_events(tmp_path: Path) -> None:
    app = load(
        tmp_path,
        events(
            "{path: users, method: get, cors: {headers: [X-One], allowCredentials: true, maxAge: 60}}",
            "{path: users, method: post, cors: {headers: [X-Two], origin: 'https://b.example'}}",
            "{path: users, method: any, cors: true}",
        ),
    )
    assert preflight(app, "ApiGatewayMethodUsersOptions") == {
        "method.response.header.Access-Control-Allow-Origin": "'*'",
        "method.response.header.Access-Control-Allow-Headers": f"'{DEFAULT_HEADERS},X-Two,X-One'",
        # the later event's methods first; ANY stands for every method
        "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,DELETE,GET,HEAD,PATCH,POST,PUT,POST,GET'",
        "method.response.header.Access-Control-Allow-Credentials": "'true'",
        "method.response.header.Access-Control-Max-Age": "'60'",
    }


def test_several_origins_answer_with_a_template(tmp_path: Path) -> None:
    cors = "{origins: ['https://a.example', 'https://*.b.example']}"
    app = load(tmp_path, events(f"{{path: users, method: get, cors: {cors}}}"))
    method = properties(app, "ApiGatewayMethodUsersOptions")
    (response,) = method["Integration"]["IntegrationResponses"]
    assert response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"] == "'https://a.example'"
    template = response["ResponseTemplates"]["application/json"]
    assert '$origin.matches("https://a[.]example") || $origin.matches("https://.+[.]b[.]example")' in template
    assert "$context.responseOverride.header.Access-Control-Allow-Origin = $origin" in template
    assert app.warnings == ("/users: CORS preflights answer with the first origin only (https://a.example) locally",)


def test_an_explicit_options_method_wins_over_the_preflight(tmp_path: Path) -> None:
    app = load(tmp_path, events("{path: users, method: get, cors: true}", "OPTIONS /users"))
    assert properties(app, "ApiGatewayMethodUsersOptions")["Integration"]["Type"] == "AWS_PROXY"


# authorizers


def test_an_authorizer_function_of_the_service(tmp_path: Path) -> None:
    functions = "auth:\n  handler: h.auth\n" + events("{path: orders, method: get, authorizer: auth}")
    app = load(tmp_path, functions)
    authorizer = app.template.resources["AuthApiGatewayAuthorizer"]
    auth_arn = {"Fn::GetAtt": ["AuthLambdaFunction", "Arn"]}
    assert authorizer.type == "AWS::ApiGateway::Authorizer"
    assert dict(authorizer.properties) == {
        "IdentitySource": "method.request.header.Authorization",
        "Name": "auth",
        "RestApiId": API,
        "AuthorizerUri": invocation_uri(auth_arn),
        "Type": "TOKEN",
    }
    assert properties(app, "AuthLambdaPermissionApiGateway") == {
        "FunctionName": auth_arn,
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": API_ARN,
    }
    method = app.template.resources["ApiGatewayMethodOrdersGet"]
    assert method.properties["AuthorizationType"] == "CUSTOM"
    assert method.properties["AuthorizerId"] == {"Ref": "AuthApiGatewayAuthorizer"}
    assert method.depends_on == ("AuthApiGatewayAuthorizer",)


def test_an_authorizer_given_by_arn(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:users-prod-checkToken"
    event = (
        f"{{path: orders, method: get, authorizer: {{arn: '{arn}', type: request, resultTtlInSeconds: 0,"
        " identityValidationExpression: '^Bearer .+$'}}"
    )
    app = load(tmp_path, events(event))
    assert properties(app, "CheckTokenApiGatewayAuthorizer") == {
        "AuthorizerResultTtlInSeconds": 0,
        "Name": "checkToken",
        "RestApiId": API,
        "IdentityValidationExpression": "^Bearer .+$",
        "AuthorizerUri": invocation_uri(arn),
        "Type": "REQUEST",
    }
    assert properties(app, "CheckTokenLambdaPermissionApiGateway")["FunctionName"] == arn


def test_an_authorizer_object_with_defaults_and_managed_externally(tmp_path: Path) -> None:
    functions = "auth:\n  handler: h.auth\n" + events(
        "{path: orders, method: get, authorizer: {name: auth, identitySource: method.request.header.X-Token,"
        " managedExternally: true}}"
    )
    app = load(tmp_path, functions)
    assert properties(app, "AuthApiGatewayAuthorizer")["AuthorizerResultTtlInSeconds"] == 300
    assert properties(app, "AuthApiGatewayAuthorizer")["IdentitySource"] == "method.request.header.X-Token"
    assert "AuthLambdaPermissionApiGateway" not in app.template.resources


@pytest.mark.parametrize("authorizer", ["aws_iam", "{type: AWS_IAM}"])
def test_iam_authorization(tmp_path: Path, authorizer: str) -> None:
    app = load(tmp_path, events(f"{{path: orders, method: get, authorizer: {authorizer}}}"))
    assert properties(app, "ApiGatewayMethodOrdersGet")["AuthorizationType"] == "AWS_IAM"
    assert not any(item.type == "AWS::ApiGateway::Authorizer" for item in app.template.resources.values())


def test_a_cognito_user_pool_authorizer(tmp_path: Path) -> None:
    pool = "arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_abc"
    event = f"{{path: orders, method: get, authorizer: {{name: pool, arn: '{pool}', scopes: [orders/read]}}}}"
    app = load(tmp_path, events(event))
    assert properties(app, "PoolApiGatewayAuthorizer") == {
        "AuthorizerResultTtlInSeconds": 300,
        "IdentitySource": "method.request.header.Authorization",
        "Name": "pool",
        "RestApiId": API,
        "Type": "COGNITO_USER_POOLS",
        "ProviderARNs": [pool],
    }
    method = properties(app, "ApiGatewayMethodOrdersGet")
    assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert method["AuthorizationScopes"] == ["orders/read"]
    assert "PoolLambdaPermissionApiGateway" not in app.template.resources
    assert app.warnings == ("functions.api.events[0]: authorizer: Cognito user pool tokens are not verified locally",)


def test_an_existing_authorizer_leaves_the_method_open(tmp_path: Path) -> None:
    app = load(tmp_path, events("{path: orders, method: get, authorizer: {type: token, authorizerId: abc123}}"))
    assert properties(app, "ApiGatewayMethodOrdersGet")["AuthorizationType"] == "NONE"
    assert len(app.warnings) == 1
    assert "authorizerId: an authorizer outside this service cannot run locally" in app.warnings[0]


# errors


@pytest.mark.parametrize(
    ("event", "where", "problem"),
    [
        ("GET", "functions.api.events[0].http", "must be '<method> <path>'"),
        ("[GET, /]", "functions.api.events[0].http", "must be '<method> <path>' or an object"),
        ("{method: get}", "functions.api.events[0].http.path", "missing 'path'"),
        ("{path: users}", "functions.api.events[0].http.method", "missing 'method'"),
        ("FETCH /users", "functions.api.events[0].http.method", "must be one of get, post"),
        ("{path: 'a//b', method: get}", "functions.api.events[0].http.path", "without blanks or empty segments"),
        ("{path: a, method: get, verb: x}", "functions.api.events[0].http", "unknown setting(s) verb"),
        ("{path: a, method: get, integration: soap}", "functions.api.events[0].http.integration", "must be lambda"),
        ("{path: a, method: get, cors: maybe}", "functions.api.events[0].http.cors", "must be true or an object"),
        ("{path: a, method: get, cors: {maxAge: 0}}", "functions.api.events[0].http.cors.maxAge", "at least 1"),
        ("{path: a, method: get, cors: {methods: [FETCH]}}", "functions.api.events[0].http.cors.methods", "may only"),
        ("{path: a, method: get, cors: {origin: '*', verbs: []}}", "functions.api.events[0].http.cors", "unknown CORS"),
        ("{path: a, method: get, cors: {origins: []}}", "functions.api.events[0].http.cors.origins", "at least one"),
        (
            "{path: a, method: get, timeoutInMillis: 10}",
            "functions.api.events[0].http.timeoutInMillis",
            "at least 50",
        ),
        (
            "{path: a, method: get, integration: http}",
            "functions.api.events[0].http.request.uri",
            "You need to set the request uri when using the HTTP integration.",
        ),
        (
            "{path: a, method: get, authorizer: {type: token}}",
            "functions.api.events[0].http.authorizer",
            "Please provide either an authorizer name or ARN",
        ),
        (
            "{path: a, method: get, authorizer: {type: oauth, name: x}}",
            "functions.api.events[0].http.authorizer.type",
            "must be token, request, cognito_user_pools or aws_iam",
        ),
        (
            "{path: a, method: get, authorizer: {name: x, resultTtlInSeconds: 7200}}",
            "functions.api.events[0].http.authorizer.resultTtlInSeconds",
            "from 0 to 3600",
        ),
        (
            "{path: a, method: get, authorizer: {arn: {Ref: Pool}, type: COGNITO_USER_POOLS}}",
            "functions.api.events[0].http.authorizer.name",
            "Please provide an authorizer name for authorizers of type COGNITO_USER_POOLS",
        ),
    ],
)
def test_invalid_events(tmp_path: Path, event: str, where: str, problem: str) -> None:
    error = failure(tmp_path, events(event))
    assert error.where == where
    assert problem in error.problem
    assert str(error).startswith(f"serverless.yml: {where}: ")


def test_an_authorizer_function_that_does_not_exist(tmp_path: Path) -> None:
    error = failure(tmp_path, events("{path: a, method: get, authorizer: missing}"))
    assert error.where == "functions.api.events[0].http.authorizer"
    assert error.problem == 'Function "missing" doesn\'t exist in this Service'


def test_a_method_defined_twice(tmp_path: Path) -> None:
    error = failure(tmp_path, events("GET /users", key="one") + events("get users/", key="two"))
    assert error.where == "functions.two.events[0].http"
    assert error.problem == "GET /users is already defined by functions.one.events[0].http"


def test_paths_that_share_a_logical_id(tmp_path: Path) -> None:
    error = failure(tmp_path, events("GET /users", "GET /Users/x"))
    assert error.where == "functions.api.events[1].http.path"
    assert "same resource name (ApiGatewayResourceUsers)" in error.problem


def test_stage_names_api_gateway_accepts(tmp_path: Path) -> None:
    error = failure(tmp_path, events("GET /users"), stage="dev.1")
    assert error.where == "functions.api.events[0].http"
    assert error.problem.startswith("Invalid stage name dev.1: it should contains only [-_a-zA-Z0-9]")


@pytest.mark.parametrize(
    ("provider", "where", "problem"),
    [
        ("endpointType: global\n", "provider.endpointType", 'endpointType must be one of "REGIONAL, EDGE, PRIVATE"'),
        (
            "vpcEndpointIds: [vpce-1]\n",
            "provider.vpcEndpointIds",
            "VPC endpoint IDs are only available for private APIs",
        ),
        ("apiGateway:\n  binaryMediaTypes: image/png\n", "provider.apiGateway.binaryMediaTypes", "must be a list"),
    ],
)
def test_invalid_provider_settings(tmp_path: Path, provider: str, where: str, problem: str) -> None:
    error = failure(tmp_path, events("GET /users"), provider)
    assert error.where == where
    assert problem in error.problem


def test_private_endpoints_with_vpc_endpoints(tmp_path: Path) -> None:
    app = load(tmp_path, events("GET /users"), "endpointType: PRIVATE\nvpcEndpointIds: [vpce-1]\n")
    assert properties(app, "ApiGatewayRestApi")["EndpointConfiguration"] == {
        "Types": ["PRIVATE"],
        "VpcEndpointIds": ["vpce-1"],
    }
