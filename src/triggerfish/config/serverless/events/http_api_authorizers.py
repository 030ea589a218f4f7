"""``provider.httpApi.authorizers``: the JWT and Lambda (request) authorizers of the generated HTTP API.

Follows the Serverless Framework v3 (``package/compile/events/http-api.js``): every configured authorizer is
an ``AWS::ApiGatewayV2::Authorizer`` ``HttpApiAuthorizer<Name>`` (``name`` defaults to its key) as soon as the
service has an HTTP API; ``type: jwt`` (the default) checks tokens of ``issuerUrl`` for ``audience``;
``type: request`` runs ``functionName`` (a function of this service) or ``functionArn`` with
``identitySource``, ``resultTtlInSeconds``, ``enableSimpleResponses`` and ``payloadVersion`` (``2.0`` by
default), and gets the permission ``<Name>LambdaAuthorizerPermissionHttpApi`` unless ``managedExternally``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from triggerfish.config.errors import TemplateError
from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import StackBuilder, compact
from triggerfish.config.serverless.events.http_authorizers import lambda_invocation_uri

TYPE_JWT = "jwt"
TYPE_REQUEST = "request"
PAYLOAD_VERSIONS = ("1.0", "2.0")
MAX_RESULT_TTL = 3600  # API Gateway caches authorizer results for at most an hour


@dataclass(frozen=True)
class HttpAuthorizer:
    """One configured authorizer, as routes refer to it."""

    key: str  # its key under provider.httpApi.authorizers: what events name
    name: str
    type: str  # TYPE_JWT | TYPE_REQUEST
    function_name: str | None = None  # a function of this service it runs
    config: Mapping[str, Any] = field(default_factory=dict, compare=False)  # its settings as written

    @property
    def logical_id(self) -> str:
        return naming.http_api_authorizer_logical_id(self.name)

    @property
    def where(self) -> str:
        return f"provider.httpApi.authorizers.{self.key}"


def configured_authorizers(stack: StackBuilder, settings: Mapping[str, Any]) -> dict[str, HttpAuthorizer]:
    """The authorizers of ``provider.httpApi`` by key, checked."""
    raw = settings.get("authorizers")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise stack.error("must map authorizer names to their settings", "provider.httpApi.authorizers")
    found = {}
    for key, config in raw.items():
        where = f"provider.httpApi.authorizers.{key}"
        if not isinstance(config, Mapping):
            raise stack.error("must be an object", where)
        kind = config.get("type", TYPE_JWT)
        if kind not in (TYPE_JWT, TYPE_REQUEST):
            raise stack.error(f"must be {TYPE_JWT} or {TYPE_REQUEST}", f"{where}.type")
        name = config.get("name") or key
        function_name = config.get("functionName")
        if kind == TYPE_REQUEST:
            _check_request(stack, str(key), config, where)
        function = str(function_name) if function_name else None
        found[str(key)] = HttpAuthorizer(str(key), str(name), kind, function, config)
    return found


def add_authorizers(stack: StackBuilder, settings: Mapping[str, Any]) -> None:
    """The authorizer resources (and permissions of Lambda authorizers) of every configured authorizer."""
    for authorizer in configured_authorizers(stack, settings).values():
        config = authorizer.config
        identity_source = config.get("identitySource") or []
        properties: dict[str, Any] = {
            "ApiId": {"Ref": naming.HTTP_API_LOGICAL_ID},
            "Name": authorizer.name,
            "IdentitySource": identity_source if isinstance(identity_source, list) else [identity_source],
        }
        if authorizer.type == TYPE_REQUEST:
            target = config.get("functionArn") or _function_arn(str(authorizer.function_name))
            payload = _payload_version(stack, config.get("payloadVersion"), f"{authorizer.where}.payloadVersion")
            properties |= {
                "AuthorizerType": "REQUEST",
                "EnableSimpleResponses": config.get("enableSimpleResponses"),
                "AuthorizerResultTtlInSeconds": config.get("resultTtlInSeconds"),
                "AuthorizerPayloadFormatVersion": payload or "2.0",
                "AuthorizerUri": lambda_invocation_uri(target),
            }
            if not config.get("managedExternally"):
                stack.add(
                    naming.http_api_authorizer_permission_logical_id(authorizer.name), http_api_permission(target)
                )
        else:
            audience = config.get("audience")
            if not config.get("issuerUrl") or not audience:
                raise stack.error("a jwt authorizer needs 'issuerUrl' and 'audience'", authorizer.where)
            audiences = audience if isinstance(audience, list) else [audience]
            properties |= {
                "AuthorizerType": "JWT",
                "JwtConfiguration": {"Audience": list(dict.fromkeys(audiences)), "Issuer": config["issuerUrl"]},
            }
        stack.add(authorizer.logical_id, {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": compact(properties)})


def check_authorizer_functions(stack: StackBuilder, settings: Mapping[str, Any]) -> None:
    """Once every function is compiled: the functions Lambda authorizers name exist."""
    for authorizer in configured_authorizers(stack, settings).values():
        name = authorizer.function_name
        if name is not None and naming.lambda_logical_id(name) not in stack.resources:
            raise TemplateError(
                f'Function "{name}" for HTTP API authorizer "{authorizer.key}" not found in service.',
                file=stack.file,
                where=f"{authorizer.where}.functionName",
            )


def _check_request(stack: StackBuilder, key: str, config: Mapping[str, Any], where: str) -> None:
    arn, function_name = config.get("functionArn"), config.get("functionName")
    if not arn and not function_name:
        raise stack.error(
            f'Either "functionArn" or "functionName" property needs to be set on authorizer "{key}"', where
        )
    if arn and function_name:
        problem = f'Either "functionArn" or "functionName" (not both) property needs to be set on authorizer "{key}"'
        raise stack.error(problem, where)
    ttl = config.get("resultTtlInSeconds")
    if ttl is not None and (isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= MAX_RESULT_TTL):
        raise stack.error(
            f"must be a whole number of seconds from 0 to {MAX_RESULT_TTL}", f"{where}.resultTtlInSeconds"
        )
    if ttl and not config.get("identitySource"):
        problem = f'Property "identitySource" has to be set on authorizer "{key}" when "resultTtlInSeconds" is set'
        raise stack.error(f"{problem} to non-zero value.", where)
    _payload_version(stack, config.get("payloadVersion"), f"{where}.payloadVersion")


def _payload_version(stack: StackBuilder, value: Any, where: str) -> str | None:
    return payload_version(
        value, lambda: stack.error(f"must be '{PAYLOAD_VERSIONS[0]}' or '{PAYLOAD_VERSIONS[1]}'", where)
    )


def payload_version(value: Any, error: Callable[[], TemplateError]) -> str | None:
    """``'1.0'`` or ``'2.0'`` (a number written without quotes too); ``error()`` builds the error otherwise."""
    if value is None:
        return None
    text = f"{value:.1f}" if isinstance(value, int | float) and not isinstance(value, bool) else value
    if text not in PAYLOAD_VERSIONS:
        raise error()
    return str(text)


def _function_arn(function_name: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [naming.lambda_logical_id(function_name), "Arn"]}


def http_api_permission(function_arn: Any) -> dict[str, Any]:
    """Any route of the generated HTTP API may invoke ``function_arn``."""
    source = ["arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":"]
    source += [{"Ref": "AWS::AccountId"}, ":", {"Ref": naming.HTTP_API_LOGICAL_ID}, "/*"]
    properties = {
        "FunctionName": function_arn,
        "Action": "lambda:InvokeFunction",
        "Principal": "apigateway.amazonaws.com",
        "SourceArn": {"Fn::Join": ["", source]},
    }
    return {"Type": "AWS::Lambda::Permission", "Properties": properties}
