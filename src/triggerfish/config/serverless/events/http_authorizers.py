"""``authorizer`` on ``http`` events: the method's authorization and the ``AWS::ApiGateway::Authorizer`` it uses.

Follows the Serverless Framework v3 (``api-gateway/lib/validate.js`` ``getAuthorizer``, ``lib/authorizers.js``,
``lib/method/authorization.js`` and ``lib/permissions.js``):
- ``aws_iam`` (or ``type: aws_iam``) signs requests with IAM: ``AuthorizationType: AWS_IAM``, no authorizer;
- a name without ``:`` is a function of this service, anything else an ARN whose authorizer name is the
  ARN's last part after its last ``-`` (``...:function:svc-dev-auth`` -> ``auth``); an object gives ``name``
  and/or ``arn``, ``type`` (``token`` default, ``request``, ``cognito_user_pools``), ``identitySource``
  (default ``method.request.header.Authorization``, none for a ``request`` authorizer with a TTL of 0),
  ``resultTtlInSeconds`` (default 300), ``identityValidationExpression``, ``scopes`` (Cognito);
- the authorizer is ``<Name>ApiGatewayAuthorizer`` and a Lambda authorizer gets the permission
  ``<Name>LambdaPermissionApiGateway`` (not when ``managedExternally``); a Cognito user pool ARN makes a
  ``COGNITO_USER_POOLS`` authorizer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent, compact

DEFAULT_IDENTITY_SOURCE = "method.request.header.Authorization"
DEFAULT_RESULT_TTL = 300  # API Gateway's default authorizer cache TTL, in seconds
MAX_RESULT_TTL = 3600
TYPES = ("TOKEN", "REQUEST", "COGNITO_USER_POOLS", "AWS_IAM", "CUSTOM")
_COGNITO_ARN = re.compile(r"^arn:[a-zA-Z-]*:cognito-idp")
_KEYS = frozenset(
    {
        "name",
        "arn",
        "type",
        "authorizerId",
        "identitySource",
        "identityValidationExpression",
        "resultTtlInSeconds",
        "scopes",
        "claims",
        "managedExternally",
    }
)


@dataclass(frozen=True)
class MethodAuthorization:
    """What an event's authorizer adds to its method."""

    properties: dict[str, Any]
    depends_on: str | None = None  # the authorizer resource the method waits for
    function_key: str | None = None  # the function of this service the authorizer names (checked at the end)


NO_AUTHORIZATION = MethodAuthorization({"AuthorizationType": "NONE"})


def method_authorization(event: FunctionEvent, value: Any, *, proxy: bool) -> MethodAuthorization:
    """Compile ``authorizer``: add the authorizer and its permission, return what the method gets."""
    if value is None or value is False:
        return NO_AUTHORIZATION
    if isinstance(value, str):
        if value.upper() == "AWS_IAM":
            return MethodAuthorization({"AuthorizationType": "AWS_IAM"})
        settings: dict[str, Any] = {"name": value} if ":" not in value else {"arn": value}
        # the framework gives a string authorizer no TTL: API Gateway's own default applies
        ttl: int | None = None
    elif isinstance(value, Mapping):
        settings = dict(value)
        unknown = sorted(str(key) for key in settings if key not in _KEYS)
        if unknown:
            raise event.error(f"unknown authorizer setting(s) {', '.join(unknown)}", "authorizer")
        ttl = _result_ttl(event, settings.get("resultTtlInSeconds"))
    else:
        raise event.error("must be a function name, an ARN, 'aws_iam' or an object", "authorizer")
    kind = _type(event, settings.get("type"))
    if kind == "AWS_IAM":
        return MethodAuthorization({"AuthorizationType": "AWS_IAM"})
    if kind and settings.get("authorizerId") is not None:
        event.warn("authorizer.authorizerId: an authorizer outside this service cannot run locally; method left open")
        return NO_AUTHORIZATION
    name, arn, function_key = _target(event, settings, kind)
    cognito = kind == "COGNITO_USER_POOLS" or (isinstance(arn, str) and bool(_COGNITO_ARN.match(arn)))
    claims = settings.get("claims")
    if proxy and cognito and isinstance(arn, str) and claims:
        raise event.error("Cognito claims can only be filtered when using the lambda integration type", "authorizer")
    logical_id = naming.rest_authorizer_logical_id(name)
    event.stack.add(logical_id, _authorizer(event, settings, name, arn, kind, ttl, cognito=cognito))
    if cognito:
        event.warn("authorizer: Cognito user pool tokens are not verified locally")
        properties: dict[str, Any] = {"AuthorizationType": "COGNITO_USER_POOLS", "AuthorizerId": {"Ref": logical_id}}
        scopes = settings.get("scopes")
        if scopes:
            properties["AuthorizationScopes"] = scopes
        return MethodAuthorization(properties, logical_id)
    if not settings.get("managedExternally"):
        _permission(event, name, arn)
    return MethodAuthorization(
        {"AuthorizationType": "CUSTOM", "AuthorizerId": {"Ref": logical_id}}, logical_id, function_key
    )


def authorizer_name_from_arn(arn: str) -> str:
    """``arn:...:function:svc-dev-auth`` -> ``auth``: the function name's last ``-`` part, as the framework names it."""
    return arn.split(":")[-1].split("-")[-1]


def lambda_invocation_uri(function_arn: Any) -> dict[str, Any]:
    """API Gateway's URI for invoking a Lambda function (integrations and authorizers use the same form)."""
    parts = ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"}]
    return {"Fn::Join": ["", [*parts, ":lambda:path/2015-03-31/functions/", function_arn, "/invocations"]]}


def _target(event: FunctionEvent, settings: Mapping[str, Any], kind: str | None) -> tuple[str, Any, str | None]:
    """The authorizer's name, the ARN of what it runs, and the function of this service it names."""
    arn, name = settings.get("arn"), settings.get("name")
    if name is not None and not isinstance(name, str):
        raise event.error("must be a string", "authorizer.name")
    if arn:
        if isinstance(name, str) and name:
            return name, arn, None
        if not isinstance(arn, str):
            problem = "Please provide an authorizer name for authorizers of type COGNITO_USER_POOLS"
            if kind != "COGNITO_USER_POOLS":
                problem = "an authorizer whose 'arn' is an intrinsic function needs a 'name'"
            raise event.error(problem, "authorizer.name")
        return authorizer_name_from_arn(arn), arn, None
    if name:
        return name, {"Fn::GetAtt": [naming.lambda_logical_id(name), "Arn"]}, name
    raise event.error("Please provide either an authorizer name or ARN", "authorizer")


def _authorizer(
    event: FunctionEvent,
    settings: Mapping[str, Any],
    name: str,
    arn: Any,
    kind: str | None,
    ttl: int | None,
    *,
    cognito: bool,
) -> dict[str, Any]:
    identity_source = settings.get("identitySource")
    if identity_source is not None and not isinstance(identity_source, str):
        raise event.error("must be a string, e.g. method.request.header.Authorization", "authorizer.identitySource")
    # a REQUEST authorizer that caches nothing needs no identity source
    if not identity_source and not (kind == "REQUEST" and ttl == 0):
        identity_source = DEFAULT_IDENTITY_SOURCE
    expression = settings.get("identityValidationExpression")
    properties: dict[str, Any] = compact(
        {
            "AuthorizerResultTtlInSeconds": ttl,
            "IdentitySource": identity_source or None,
            "Name": name,
            "RestApiId": {"Ref": naming.REST_API_LOGICAL_ID},
            "IdentityValidationExpression": expression if isinstance(expression, str) else None,
        }
    )
    if cognito:
        properties.update(Type="COGNITO_USER_POOLS", ProviderARNs=[arn])
    else:
        properties.update(AuthorizerUri=lambda_invocation_uri(arn), Type=kind or "TOKEN")
    return {"Type": "AWS::ApiGateway::Authorizer", "Properties": properties}


def _permission(event: FunctionEvent, name: str, arn: Any) -> None:
    """API Gateway may invoke the authorizer function (once per authorizer name)."""
    logical_id = naming.api_gateway_permission_logical_id(name)
    if logical_id in event.stack.resources:
        return
    event.stack.add(logical_id, api_gateway_permission(arn))


def api_gateway_permission(function_arn: Any) -> dict[str, Any]:
    """Any method of any stage of the generated REST API may invoke ``function_arn``."""
    source = ["arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":"]
    source += [{"Ref": "AWS::AccountId"}, ":", {"Ref": naming.REST_API_LOGICAL_ID}, "/*/*"]
    properties = {
        "FunctionName": function_arn,
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": {"Fn::Join": ["", source]},
    }
    return {"Type": "AWS::Lambda::Permission", "Properties": properties}


def _type(event: FunctionEvent, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value.upper() not in TYPES:
        raise event.error("must be token, request, cognito_user_pools or aws_iam", "authorizer.type")
    return value.upper()


def _result_ttl(event: FunctionEvent, value: Any) -> int:
    if value is None:
        return DEFAULT_RESULT_TTL
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RESULT_TTL:
        raise event.error(
            f"must be a whole number of seconds from 0 to {MAX_RESULT_TTL}", "authorizer.resultTtlInSeconds"
        )
    return value
