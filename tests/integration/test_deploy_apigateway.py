"""Deploying API Gateway resources: REST APIs (v1) and HTTP APIs (v2) from CloudFormation, SAM and
serverless.yml, checked through the views the gateway serves stages from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from triggerfish.cloud import Cloud
from triggerfish.config.errors import TemplateError
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigateway.views import MethodView, RestStageView
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.views import HttpStageView
from triggerfish.services.lambda_.service import Scope

HANDLER = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'hello'}\n"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


@pytest.fixture(scope="module")
def http_apis(cloud: Cloud) -> HttpApiService:
    return cloud.app.http_apis


def _app(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "src").mkdir()
    (folder / "src" / "app.py").write_text(HANDLER)
    (folder / "handler.py").write_text(HANDLER)
    for file_name, text in files.items():
        (folder / file_name).write_text(text)
    return folder


def _rest(cloud: Cloud) -> RestApiService:
    return cloud.app.rest_apis


def _rest_view(cloud: Cloud, api_id: str, stage: str) -> RestStageView:
    view = _rest(cloud).stage_view(api_id, stage)
    assert view is not None, f"no stage {stage} on {api_id}"
    return view


def _methods(view: RestStageView) -> dict[str, MethodView]:
    """``"GET /pets"`` -> the method, for every method the stage serves."""
    return {
        f"{name} {resource.path}": method for resource in view.resources for name, method in resource.methods.items()
    }


def _http_view(http_apis: HttpApiService, api_id: str, stage: str) -> HttpStageView:
    view = http_apis.stage_view(api_id, stage)
    assert view is not None, f"no stage {stage} on {api_id}"
    return view


def _invocation_uri(function_name: str) -> str:
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION_ARN}{function_name}/invocations"


# (a) a hand-written REST API ----------------------------------------------------------------------

PETS = """
Resources:
  Pets:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Sub "${AWS::StackName}-pets"
      Handler: app.handler
      Runtime: python3.11
      Code: src
      Role: arn:aws:iam::000000000000:role/r
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: pets-api
      BinaryMediaTypes: [image/png]
      Tags: [{Key: team, Value: pets}]
  PetsResource:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: pets
  PetResource:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !Ref PetsResource
      PathPart: "{id}"
  TokenAuthorizer:
    Type: AWS::ApiGateway::Authorizer
    Properties:
      RestApiId: !Ref Api
      Name: token
      Type: TOKEN
      IdentitySource: method.request.header.Authorization
      AuthorizerResultTtlInSeconds: 60
      AuthorizerUri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Pets.Arn}/invocations"
  ListPets:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref PetsResource
      HttpMethod: GET
      AuthorizationType: CUSTOM
      AuthorizerId: !Ref TokenAuthorizer
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        TimeoutInMillis: 5000
        Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Pets.Arn}/invocations"
  GetPet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref PetResource
      HttpMethod: get
      RequestParameters: {method.request.path.id: true}
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Pets.Arn}/invocations"
  PetsPreflight:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref PetsResource
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates: {application/json: "{statusCode:200}"}
        IntegrationResponses:
          - StatusCode: "200"
            ResponseParameters:
              method.response.header.Access-Control-Allow-Origin: "'*'"
            ResponseTemplates: {application/json: ""}
      MethodResponses:
        - StatusCode: "200"
          ResponseParameters: {method.response.header.Access-Control-Allow-Origin: true}
  Deployment:
    Type: AWS::ApiGateway::Deployment
    DependsOn: [ListPets, GetPet, PetsPreflight]
    Properties:
      RestApiId: !Ref Api
      Description: first
      StageName: v1
      StageDescription:
        Variables: {color: blue}
  LiveStage:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Api
      DeploymentId: !Ref Deployment
      StageName: live
      Variables: {color: green}
Outputs:
  ApiId: {Value: !Ref Api}
  Root: {Value: !GetAtt Api.RootResourceId}
  DeploymentId: {Value: !Ref Deployment}
  Stage: {Value: !Ref LiveStage}
"""


def test_cloudformation_rest_api_is_served_from_its_stages(cloud: Cloud, tmp_path: Path) -> None:
    report = cloud.deploy(_app(tmp_path, "pets", {"template.yaml": PETS}))
    api_id = report.outputs["ApiId"]
    api = _rest(cloud).apis.get(Scope(), api_id)
    assert (api.name, api.binary_media_types, dict(api.tags)) == ("pets-api", ("image/png",), {"team": "pets"})
    assert report.outputs["Root"] == api.root_id
    assert report.outputs["Stage"] == "live"
    assert _rest(cloud).stage_names(api_id) == ("live", "v1")

    view = _rest_view(cloud, api_id, "v1")
    assert view.deployment_id == report.outputs["DeploymentId"]
    assert dict(view.variables) == {"color": "blue"}
    assert [resource.path for resource in view.resources] == ["/", "/pets", "/pets/{id}"]
    methods = _methods(view)
    assert set(methods) == {"GET /pets", "OPTIONS /pets", "GET /pets/{id}"}
    listing = methods["GET /pets"]
    assert listing.integration is not None
    assert (listing.integration.type, listing.integration.uri) == ("AWS_PROXY", _invocation_uri("pets-pets"))
    assert listing.integration.timeout_ms == 5000
    assert listing.authorization_type == "CUSTOM"
    authorizer = view.authorizers[str(listing.authorizer_id)]
    assert (authorizer.name, authorizer.type, authorizer.result_ttl) == ("token", "TOKEN", 60)
    assert authorizer.authorizer_uri == _invocation_uri("pets-pets")
    preflight = methods["OPTIONS /pets"].integration
    assert preflight is not None and preflight.type == "MOCK"
    (response,) = preflight.responses
    assert response.status_code == "200"
    assert dict(response.response_parameters) == {"method.response.header.Access-Control-Allow-Origin": "'*'"}
    assert _rest(cloud).methods.get(Scope(), api_id, view.resources[2].id, "GET").request_parameters == {
        "method.request.path.id": True
    }

    live = _rest_view(cloud, api_id, "live")
    assert live.deployment_id == view.deployment_id
    assert dict(live.variables) == {"color": "green"}


# (b) serverless.yml with http and httpApi events -------------------------------------------------

SERVERLESS = """
service: shop
provider:
  name: aws
  runtime: python3.11
  httpApi:
    cors: true
functions:
  users:
    handler: handler.handler
    events:
      - http:
          path: users/{id}
          method: get
          cors: true
      - http: POST users
      - httpApi: GET /things
      - httpApi:
          method: delete
          path: /things/{id}
"""


def test_serverless_http_and_http_api_events(cloud: Cloud, http_apis: HttpApiService, tmp_path: Path) -> None:
    report = cloud.deploy(_app(tmp_path, "shop", {"serverless.yml": SERVERLESS}))
    function = "shop-dev-users"

    rest_id = report.resources["ApiGatewayRestApi"].physical_id
    assert report.outputs["ServiceEndpoint"] == f"https://{rest_id}.execute-api.us-east-1.amazonaws.com/dev"
    view = _rest_view(cloud, rest_id, "dev")
    assert view.api_name == "dev-shop"
    methods = _methods(view)
    assert set(methods) == {"GET /users/{id}", "OPTIONS /users/{id}", "POST /users"}
    for route in ("GET /users/{id}", "POST /users"):
        integration = methods[route].integration
        assert integration is not None
        assert (integration.type, integration.uri) == ("AWS_PROXY", _invocation_uri(function))
    preflight = methods["OPTIONS /users/{id}"].integration
    assert preflight is not None and preflight.type == "MOCK"
    headers = preflight.responses[0].response_parameters
    assert headers["method.response.header.Access-Control-Allow-Methods"] == "'OPTIONS,GET'"
    assert headers["method.response.header.Access-Control-Allow-Origin"] == "'*'"

    http_id = report.outputs["HttpApiId"]
    assert report.resources["HttpApi"].attributes["ApiEndpoint"] == http_apis.api_endpoint(http_id)
    http_view = _http_view(http_apis, http_id, "$default")
    routes = {route.route_key: route for route in http_view.routes}
    assert set(routes) == {"GET /things", "DELETE /things/{id}"}
    things = routes["GET /things"].integration
    assert things is not None
    assert (things.type, things.uri, things.payload_format_version) == ("AWS_PROXY", FUNCTION_ARN + function, "2.0")
    assert things.timeout_ms == 6500  # the function's 6 s and half a second
    assert http_view.cors is not None and http_view.cors.allow_origins == ("*",)
    assert set(http_view.cors.allow_methods) == {"OPTIONS", "GET", "DELETE"}


# (c) SAM: an Api event and an HttpApi event ------------------------------------------------------

SAM = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: sam-hello
      Handler: app.handler
      Runtime: python3.11
      CodeUri: src
      Events:
        Rest:
          Type: Api
          Properties: {Path: "/hello/{name}", Method: get}
        Http:
          Type: HttpApi
          Properties: {Path: /hi, Method: post}
Outputs:
  RestApiId: {Value: !Ref ServerlessRestApi}
  HttpApiId: {Value: !Ref ServerlessHttpApi}
"""


def test_sam_api_and_http_api_events(cloud: Cloud, http_apis: HttpApiService, tmp_path: Path) -> None:
    report = cloud.deploy(_app(tmp_path, "greeter", {"template.yaml": SAM}))
    assert report.warnings == ()
    rest_id = report.outputs["RestApiId"]
    # SAM's deployment makes the stage "Stage" besides the Prod stage resource
    assert _rest(cloud).stage_names(rest_id) == ("Prod", "Stage")
    view = _rest_view(cloud, rest_id, "Prod")
    assert view.api_name == "greeter"  # the definition's title: the stack's name
    methods = _methods(view)
    assert set(methods) == {"GET /hello/{name}"}
    integration = methods["GET /hello/{name}"].integration
    assert integration is not None
    assert (integration.type, integration.uri) == ("AWS_PROXY", _invocation_uri("sam-hello"))

    http_view = _http_view(http_apis, report.outputs["HttpApiId"], "$default")
    (route,) = http_view.routes
    assert route.route_key == "POST /hi"
    assert route.integration is not None
    assert (route.integration.uri, route.integration.payload_format_version) == (_invocation_uri("sam-hello"), "2.0")


# (d) a redeploy changes the methods a stage serves -----------------------------------------------

EXTRA_METHOD = """
  AddPet:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref PetsResource
      HttpMethod: POST
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Pets.Arn}/invocations"
"""


def test_redeploy_shows_changed_methods_without_a_new_deployment_resource(cloud: Cloud, tmp_path: Path) -> None:
    folder = _app(tmp_path, "petstore", {"template.yaml": PETS})
    first = cloud.deploy(folder)
    api_id = first.outputs["ApiId"]

    added = PETS.replace("  Deployment:\n", EXTRA_METHOD + "  Deployment:\n", 1)
    (folder / "template.yaml").write_text(added)
    second = cloud.deploy(folder)
    assert second.created == ("AddPet",)
    assert "Deployment" in second.updated  # made anew: its properties did not change, the API did
    assert second.outputs["DeploymentId"] != first.outputs["DeploymentId"]
    assert second.outputs["ApiId"] == api_id
    for stage in ("v1", "live"):
        view = _rest_view(cloud, api_id, stage)
        assert "POST /pets" in _methods(view)
        assert view.deployment_id == second.outputs["DeploymentId"]
    assert dict(_rest_view(cloud, api_id, "v1").variables) == {"color": "blue"}
    # the old snapshot is gone, not left behind
    assert [d.id for d in _rest(cloud).deployments.list(Scope(), api_id)] == [second.outputs["DeploymentId"]]

    without_preflight = PETS[: PETS.index("  PetsPreflight:")] + PETS[PETS.index("  Deployment:") :]
    changed = without_preflight.replace("TimeoutInMillis: 5000", "TimeoutInMillis: 7000").replace(
        "DependsOn: [ListPets, GetPet, PetsPreflight]", "DependsOn: [ListPets, GetPet]"
    )
    (folder / "template.yaml").write_text(changed)
    third = cloud.deploy(folder)
    assert set(third.deleted) == {"AddPet", "PetsPreflight"}
    methods = _methods(_rest_view(cloud, api_id, "live"))
    assert set(methods) == {"GET /pets", "GET /pets/{id}"}  # deletions show too
    integration = methods["GET /pets"].integration
    assert integration is not None and integration.timeout_ms == 7000

    again = cloud.deploy(folder)
    assert "Deployment" in again.unchanged
    assert again.outputs["DeploymentId"] == third.outputs["DeploymentId"]


REDEFINED = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: body-fn
      Handler: app.handler
      Runtime: python3.11
      Code: src
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: from-template
      Body:
        openapi: "3.0.1"
        info: {title: from-definition, version: "1"}
        paths:
          /a:
            get:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
PATHS
  Deployment:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Api
      StageName: dev
Outputs:
  ApiId: {Value: !Ref Api}
"""
SECOND_PATH = """          /b:
            post:
              x-amazon-apigateway-integration:
                type: aws_proxy
                httpMethod: POST
                uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations"
"""


def test_a_changed_body_is_put_over_the_same_api(cloud: Cloud, tmp_path: Path) -> None:
    folder = _app(tmp_path, "bodied", {"template.yaml": REDEFINED.replace("PATHS\n", "")})
    first = cloud.deploy(folder)
    api_id = first.outputs["ApiId"]
    assert _rest(cloud).apis.get(Scope(), api_id).name == "from-template"  # Name wins over the title
    assert set(_methods(_rest_view(cloud, api_id, "dev"))) == {"GET /a"}

    (folder / "template.yaml").write_text(REDEFINED.replace("PATHS\n", SECOND_PATH))
    second = cloud.deploy(folder)
    assert second.updated == ("Api", "Deployment")
    assert second.outputs["ApiId"] == api_id
    assert _rest(cloud).apis.get(Scope(), api_id).name == "from-template"
    assert set(_methods(_rest_view(cloud, api_id, "dev"))) == {"GET /a", "POST /b"}


# HTTP APIs from explicit resources ---------------------------------------------------------------

HTTP_RESOURCES = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: notes-fn
      Handler: app.handler
      Runtime: python3.11
      Code: src
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: notes
      ProtocolType: HTTP
      Tags: {team: notes}
      CorsConfiguration: {AllowOrigins: ["https://example.com"], AllowMethods: [GET], MaxAge: 60}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Fn.Arn
      PayloadFormatVersion: "1.0"
  Authorizer:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Api
      Name: jwt
      AuthorizerType: JWT
      IdentitySource: [$request.header.Authorization]
      JwtConfiguration: {Issuer: "https://issuer.example.com", Audience: [notes]}
  ListNotes:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /notes
      Target: !Join [/, [integrations, !Ref Integration]]
      AuthorizationType: JWT
      AuthorizerId: !Ref Authorizer
      AuthorizationScopes: [notes.read]
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Api
      StageName: prod
      StageVariables: {mode: live}
  Deployment:
    Type: AWS::ApiGatewayV2::Deployment
    DependsOn: [ListNotes]
    Properties:
      ApiId: !Ref Api
      StageName: !Ref Stage
Outputs:
  ApiId: {Value: !Ref Api}
  Endpoint: {Value: !GetAtt Api.ApiEndpoint}
  DeploymentId: {Value: !Ref Deployment}
"""
SECOND_ROUTE = """
  AddNote:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: POST /notes
      Target: !Join [/, [integrations, !Ref Integration]]
"""


def test_http_api_from_resources_with_a_deployed_stage(cloud: Cloud, http_apis: HttpApiService, tmp_path: Path) -> None:
    folder = _app(tmp_path, "notes", {"template.yaml": HTTP_RESOURCES})
    first = cloud.deploy(folder)
    api_id = first.outputs["ApiId"]
    assert first.outputs["Endpoint"] == http_apis.api_endpoint(api_id)
    assert dict(http_apis.get_api(api_id, scope=Scope()).api.tags) == {"team": "notes"}
    view = _http_view(http_apis, api_id, "prod")
    assert dict(view.variables) == {"mode": "live"}
    assert view.cors is not None and (view.cors.allow_origins, view.cors.max_age) == (("https://example.com",), 60)
    (route,) = view.routes
    assert (route.route_key, route.authorization_type) == ("GET /notes", "JWT")
    assert route.authorization_scopes == ("notes.read",)
    assert route.integration is not None
    assert (route.integration.uri, route.integration.payload_format_version) == (FUNCTION_ARN + "notes-fn", "1.0")
    authorizer = view.authorizers[str(route.authorizer_id)]
    assert authorizer.jwt is not None and authorizer.jwt.audience == ("notes",)

    (folder / "template.yaml").write_text(
        HTTP_RESOURCES.replace("  Stage:\n", SECOND_ROUTE + "  Stage:\n", 1).replace(
            "DependsOn: [ListNotes]", "DependsOn: [ListNotes, AddNote]"
        )
    )
    second = cloud.deploy(folder)
    assert second.outputs["DeploymentId"] != first.outputs["DeploymentId"]
    keys = {route.route_key for route in _http_view(http_apis, api_id, "prod").routes}
    assert keys == {"GET /notes", "POST /notes"}


QUICK = """
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: quick-fn
      Handler: app.handler
      Runtime: python3.11
      Code: src
  Quick:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: quick, ProtocolType: HTTP, Target: !GetAtt Fn.Arn, RouteKey: GET /quick}
"""


def test_quick_create_and_retarget(cloud: Cloud, http_apis: HttpApiService, tmp_path: Path) -> None:
    folder = _app(tmp_path, "quick", {"template.yaml": QUICK})
    api_id = cloud.deploy(folder).resources["Quick"].physical_id
    (route,) = _http_view(http_apis, api_id, "$default").routes
    assert route.route_key == "GET /quick"
    assert route.integration is not None
    assert (route.integration.uri, route.integration.payload_format_version) == (FUNCTION_ARN + "quick-fn", "2.0")

    (folder / "template.yaml").write_text(QUICK.replace("RouteKey: GET /quick", "RouteKey: POST /quick"))
    report = cloud.deploy(folder)
    assert report.updated == ("Quick",) and report.resources["Quick"].physical_id == api_id
    assert [route.route_key for route in _http_view(http_apis, api_id, "$default").routes] == ["POST /quick"]


# (e) deletions and errors ------------------------------------------------------------------------


def test_removing_the_api_resources_deletes_the_apis(cloud: Cloud, http_apis: HttpApiService, tmp_path: Path) -> None:
    folder = _app(tmp_path, "gone", {"serverless.yml": SERVERLESS.replace("service: shop", "service: gone")})
    report = cloud.deploy(folder)
    rest_id = report.resources["ApiGatewayRestApi"].physical_id
    http_id = report.resources["HttpApi"].physical_id
    assert _rest(cloud).api_exists(rest_id) and http_apis.api_exists(http_id)

    (folder / "serverless.yml").write_text(SERVERLESS.replace("service: shop", "service: gone").split("    events:")[0])
    again = cloud.deploy(folder)
    assert "ApiGatewayRestApi" in again.deleted and "HttpApi" in again.deleted
    assert not _rest(cloud).api_exists(rest_id)
    assert not http_apis.api_exists(http_id)
    assert again.warnings == ()


def test_passive_types_are_accepted_and_resolve(cloud: Cloud, tmp_path: Path) -> None:
    template = """
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: keyed}
  Key:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Enabled: true}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties: {UsagePlanName: basic}
  PlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: {KeyId: !Ref Key, KeyType: API_KEY, UsagePlanId: !Ref Plan}
  Model:
    Type: AWS::ApiGateway::Model
    Properties: {RestApiId: !Ref Api, Name: Pet, ContentType: application/json, Schema: {}}
  Validator:
    Type: AWS::ApiGateway::RequestValidator
    Properties: {RestApiId: !Ref Api, ValidateRequestBody: true}
  Missing:
    Type: AWS::ApiGateway::GatewayResponse
    Properties: {RestApiId: !Ref Api, ResponseType: MISSING_AUTHENTICATION_TOKEN, StatusCode: "404"}
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties: {DomainName: api.example.com}
  Mapping:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: !Ref Domain, RestApiId: !Ref Api}
  Account:
    Type: AWS::ApiGateway::Account
    Properties: {CloudWatchRoleArn: arn:aws:iam::000000000000:role/logs}
Outputs:
  Regional: {Value: !GetAtt Domain.RegionalDomainName}
  KeyId: {Value: !GetAtt Key.APIKeyId}
  Model: {Value: !Ref Model}
"""
    report = cloud.deploy(_app(tmp_path, "keyed", {"template.yaml": template}))
    assert report.warnings == ()
    assert report.outputs["Regional"].endswith(".execute-api.us-east-1.amazonaws.com")
    assert report.outputs["KeyId"] == report.resources["Key"].physical_id
    assert report.outputs["Model"] == "Pet"


def test_local_body_s3_location_is_read(cloud: Cloud, http_apis: HttpApiService, tmp_path: Path) -> None:
    definition = {
        "openapi": "3.0.1",
        "info": {"title": "from-file", "version": "1"},
        "paths": {
            "/ping": {
                "get": {
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "httpMethod": "POST",
                        "payloadFormatVersion": "2.0",
                        "uri": f"{FUNCTION_ARN}anything",
                    }
                }
            }
        },
    }
    template = """
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {BodyS3Location: api/openapi.json}
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties: {ApiId: !Ref Api, StageName: $default, AutoDeploy: true}
"""
    folder = _app(tmp_path, "filed", {"template.yaml": template})
    (folder / "api").mkdir()
    (folder / "api" / "openapi.json").write_text(json.dumps(definition))
    report = cloud.deploy(folder)
    api_id = report.resources["Api"].physical_id
    assert http_apis.get_api(api_id, scope=Scope()).api.name == "from-file"
    assert [route.route_key for route in _http_view(http_apis, api_id, "$default").routes] == ["GET /ping"]


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        pytest.param(
            """  Bad:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: GET
      Integration: {Type: AWS_PROXY, Uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/x/invocations"}
""",
            "template.yaml: Resources.Bad: BadRequestException: Enumeration value for HttpMethod must be non-empty",
            id="service-error",
        ),
        pytest.param(
            """  Bad:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: chat, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
""",
            "template.yaml: Resources.Bad: ProtocolType WEBSOCKET: WebSocket APIs are not supported locally",
            id="websocket",
        ),
        pytest.param(
            """  Bad:
    Type: AWS::ApiGateway::RestApi
    Properties: {BodyS3Location: {Bucket: specs, Key: api.yaml}}
""",
            "template.yaml: Resources.Bad: BodyS3Location s3://specs/api.yaml: definitions in S3 cannot be read",
            id="s3-body",
        ),
        pytest.param(
            """  Bad:
    Type: AWS::ApiGateway::Deployment
    Properties: {RestApiId: !Ref Api, StageName: dev}
""",
            "template.yaml: Resources.Bad: BadRequestException: The REST API doesn't contain any methods",
            id="empty-deployment",
        ),
    ],
)
def test_errors_name_the_file_and_resource(
    cloud: Cloud, http_apis: HttpApiService, tmp_path: Path, resource: str, message: str
) -> None:
    template = "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties: {Name: broken}\n" + resource
    with pytest.raises(TemplateError) as caught:
        cloud.deploy(_app(tmp_path, tmp_path.name, {"template.yaml": template}))  # a stack of its own
    assert caught.value.message.startswith(message)
