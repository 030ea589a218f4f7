"""OpenAPI bodies as SAM makes them for ``AWS::Serverless::HttpApi``, with CloudFormation's
intrinsic functions resolved as a deployment would resolve them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from triggerfish.config.cfn.yaml_loader import TemplateLoader
from triggerfish.config.sam.transform import transform_sam

ACCOUNT, REGION = "000000000000", "us-east-1"

TEMPLATE = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      StageName: prod
      StageVariables: {color: blue}
      CorsConfiguration:
        AllowOrigins: [https://example.com]
        AllowMethods: [GET, POST]
        AllowHeaders: [authorization]
        MaxAge: 600
        AllowCredentials: true
      Auth:
        DefaultAuthorizer: OAuth
        Authorizers:
          OAuth:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: 'https://issuer.example.com', audience: [aud1, aud2]}
            AuthorizationScopes: [read]
          LambdaAuth:
            FunctionArn: !GetAtt AuthFn.Arn
            Identity: {Headers: [X-Token], QueryStrings: [token], ReauthorizeEvery: 60}
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
  AuthFn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.auth, CodeUri: s3://bucket/key}
  Pets:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.pets
      CodeUri: s3://bucket/key
      Events:
        GetPet:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: '/pets/{id}', Method: get}
        AddPet:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /pets, Method: post, Auth: {Authorizer: LambdaAuth}}
        Open:
          Type: HttpApi
          Properties:
            ApiId: !Ref Api
            Path: '/open/{proxy+}'
            Method: ANY
            Auth: {Authorizer: NONE}
            PayloadFormatVersion: "1.0"
            TimeoutInMillis: 5000
  Fallback:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.fallback
      CodeUri: s3://bucket/key
      Events:
        Everything: {Type: HttpApi}
"""


def function_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def sam_bodies(tmp_path: Path) -> dict[str, dict[str, Any]]:
    """The ``Body`` of every ``AWS::ApiGatewayV2::Api`` SAM makes of :data:`TEMPLATE`, by logical id:
    ``Api`` (explicit) and ``ServerlessHttpApi`` (the implicit API of ``Fallback``)."""
    source = tmp_path / "template.yaml"
    source.write_text(TEMPLATE)
    template = transform_sam(yaml.load(TEMPLATE, Loader=TemplateLoader), source=source, parameter_overrides={})
    return {
        name: resolve(resource["Properties"]["Body"])
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::ApiGatewayV2::Api"
    }


def resolve(value: Any) -> Any:
    """The few intrinsics SAM puts in an HttpApi body: Ref of the stack name, GetAtt of a function's
    Arn, and Fn::Sub of those and of the pseudo parameters."""
    if isinstance(value, list):
        return [resolve(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        return {"AWS::StackName": "stack", "AWS::Region": REGION}[value["Ref"]]
    if set(value) == {"Fn::GetAtt"}:
        return function_arn(value["Fn::GetAtt"][0])
    if set(value) == {"Fn::Sub"}:
        text, names = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
        known = {"AWS::Region": REGION, "AWS::Partition": "aws", "AWS::AccountId": ACCOUNT}
        known.update({name: resolve(item) for name, item in names.items()})
        return re.sub(r"\$\{([^}]+)\}", lambda m: known.get(m.group(1)) or function_arn(m.group(1).split(".")[0]), text)
    return {key: resolve(item) for key, item in value.items()}
