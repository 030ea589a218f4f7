"""A function's ``url``: its Lambda function URL (``AWS::Lambda::Url``) and, when public, the permission to call it.

Follows the Serverless Framework v3 (``package/compile/functions.js``, ``compileFunctionUrl``):
- ``url: true`` is a public URL (``AuthType: NONE``); ``{authorizer: aws_iam}`` requires signed requests;
- ``cors: true`` allows any origin (``*``), any method (``*``) and the default headers; an object replaces
  ``allowedOrigins``, ``allowedHeaders`` or ``allowedMethods`` (``null`` removes the default), and sets
  ``allowCredentials``, ``exposedResponseHeaders`` and ``maxAge``;
- ``invokeMode: RESPONSE_STREAM`` streams the response (``BUFFERED``, the default, is not written out);
- the URL is ``<Function>LambdaFunctionUrl``, also the name of the output holding the URL; a public URL gets
  the permission ``<Function>LambdaPermissionFnUrl`` (``lambda:InvokeFunctionUrl`` for everyone, with auth
  type ``NONE``), without which Lambda refuses unauthenticated calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import StackBuilder, compact

AUTH_NONE = "NONE"
AUTH_IAM = "AWS_IAM"
INVOKE_MODES = ("BUFFERED", "RESPONSE_STREAM")
DEFAULT_CORS: Mapping[str, tuple[str, ...]] = {
    "allowedOrigins": ("*",),
    "allowedHeaders": (
        "Content-Type",
        "X-Amz-Date",
        "Authorization",
        "X-Api-Key",
        "X-Amz-Security-Token",
        "X-Amzn-Trace-Id",
    ),
    "allowedMethods": ("*",),
}
_KEYS = frozenset({"authorizer", "cors", "invokeMode"})
_CORS_KEYS = frozenset({*DEFAULT_CORS, "allowCredentials", "exposedResponseHeaders", "maxAge"})
_MAX_AGE = 86400  # Lambda caps a URL's preflight cache at a day


def compile_function_url(stack: StackBuilder, function_key: str, value: Any) -> None:
    """Add the URL of the function ``function_key`` configured by its ``url`` setting (true or an object)."""
    where = f"functions.{function_key}.url"
    if value is True:
        settings: Mapping[str, Any] = {}
    elif isinstance(value, Mapping):
        settings = value
        unknown = sorted(str(key) for key in settings if key not in _KEYS)
        if unknown:
            raise stack.error(f"unknown setting(s) {', '.join(unknown)}; allowed: authorizer, cors, invokeMode", where)
    else:
        raise stack.error("must be true or an object (authorizer, cors, invokeMode)", where)
    authorizer = settings.get("authorizer")
    if authorizer not in (None, "aws_iam"):
        raise stack.error("the only authorizer of a function URL is aws_iam", f"{where}.authorizer")
    auth_type = AUTH_IAM if authorizer == "aws_iam" else AUTH_NONE
    invoke_mode = settings.get("invokeMode")
    if invoke_mode is not None and invoke_mode not in INVOKE_MODES:
        raise stack.error(f"must be {' or '.join(INVOKE_MODES)}", f"{where}.invokeMode")
    target = {"Fn::GetAtt": [naming.lambda_logical_id(function_key), "Arn"]}
    properties = {
        "AuthType": auth_type,
        "TargetFunctionArn": target,
        "Cors": _cors(stack, settings.get("cors"), f"{where}.cors"),
        "InvokeMode": invoke_mode if invoke_mode == "RESPONSE_STREAM" else None,
    }
    stack.add(
        naming.function_url_logical_id(function_key), {"Type": "AWS::Lambda::Url", "Properties": compact(properties)}
    )
    if auth_type == AUTH_NONE:
        # a public URL still needs a resource policy letting anyone call it (spec §6.6)
        permission = {
            "FunctionName": target,
            "Action": "lambda:InvokeFunctionUrl",
            "Principal": "*",
            "FunctionUrlAuthType": AUTH_NONE,
        }
        stack.add(
            naming.function_url_permission_logical_id(function_key),
            {"Type": "AWS::Lambda::Permission", "Properties": permission},
        )


def function_url_outputs(stack: StackBuilder) -> dict[str, Any]:
    """The output holding each generated URL, named like the URL resource."""
    return {
        logical_id: {"Description": "Lambda Function URL", "Value": {"Fn::GetAtt": [logical_id, "FunctionUrl"]}}
        for logical_id, resource in stack.resources.items()
        if resource.get("Type") == "AWS::Lambda::Url" and logical_id.endswith("LambdaFunctionUrl")
    }


def _cors(stack: StackBuilder, value: Any, where: str) -> dict[str, Any] | None:
    if value is None or value is False:
        return None
    if value is True:
        value = {}
    if not isinstance(value, Mapping):
        raise stack.error("must be true or an object of CORS settings", where)
    unknown = sorted(str(key) for key in value if key not in _CORS_KEYS)
    if unknown:
        raise stack.error(
            f"unknown CORS setting(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_CORS_KEYS))}", where
        )
    lists: dict[str, list[str] | None] = {}
    for key in (*DEFAULT_CORS, "exposedResponseHeaders"):
        if key in value and value[key] is None:
            lists[key] = None  # null removes the default
            continue
        given = value.get(key)
        if given is None:
            default = DEFAULT_CORS.get(key)
            lists[key] = list(default) if default else None
            continue
        items = given if isinstance(given, list) else [given]
        if not all(isinstance(item, str) for item in items):
            raise stack.error("must be a string or a list of strings", f"{where}.{key}")
        lists[key] = list(dict.fromkeys(items))
    max_age = value.get("maxAge")
    if max_age is not None and (
        isinstance(max_age, bool) or not isinstance(max_age, int) or not 0 <= max_age <= _MAX_AGE
    ):
        raise stack.error(f"must be a whole number of seconds from 0 to {_MAX_AGE}", f"{where}.maxAge")
    cors = {
        "AllowCredentials": True if value.get("allowCredentials") else None,
        "AllowHeaders": lists["allowedHeaders"],
        "AllowMethods": lists["allowedMethods"],
        "AllowOrigins": lists["allowedOrigins"],
        "ExposeHeaders": lists["exposedResponseHeaders"],
        "MaxAge": max_age,
    }
    return compact(cors)
