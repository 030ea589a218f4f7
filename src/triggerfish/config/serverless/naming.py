"""The Serverless Framework's names: logical ids of generated resources, default function and rule names.

Three normalisations exist (Serverless Framework v3, ``lib/plugins/aws/lib/naming.js``):
- functions, authorizers and event buses: ``-`` becomes ``Dash``, ``_`` becomes ``Underscore``, the first
  letter is upper-cased (``hello-world`` -> ``HelloDashworld``); function keys may only hold ``[a-zA-Z0-9-_]``;
- queues, streams, topics, buckets and rule names: every non-alphanumeric character is dropped and the
  first letter upper-cased (``my-queue.fifo`` -> ``Myqueuefifo``);
- API paths and HTTP API route keys, one ``/`` segment at a time: the segment is capitalised (first letter
  upper, the rest lower), ``-`` becomes ``Dash``, ``{name}`` becomes ``nameVar``, the rest of the
  non-alphanumerics are dropped (``users/{userId}`` -> ``UsersUseridVar``, ``{proxy+}`` -> ``ProxyVar``).
"""

from __future__ import annotations

import hashlib
import re

#: the config schema's pattern for keys of ``functions``
FUNCTION_KEY = re.compile(r"^[a-zA-Z0-9-_]+$")

ROLE_LOGICAL_ID = "IamRoleLambdaExecution"

_NON_ALPHANUMERIC = re.compile(r"[^0-9A-Za-z]")
_PATH_VARIABLE = re.compile(r"\{(.*)\}")  # greedy, as the framework's: "{a}{b}" -> "a}{bVar"
_RULE_NAME_LIMIT = 64  # EventBridge rule names and target ids are at most 64 characters


def upper_first(name: str) -> str:
    return name[:1].upper() + name[1:]


def normalize_alphanumeric(name: str) -> str:
    """``my-queue.fifo`` -> ``Myqueuefifo``."""
    return upper_first(_NON_ALPHANUMERIC.sub("", name))


def normalize_function_name(name: str) -> str:
    """``hello-world`` -> ``HelloDashworld``, ``send_mail`` -> ``SendUnderscoremail``."""
    return upper_first(name.replace("-", "Dash").replace("_", "Underscore"))


def normalize_path_part(part: str) -> str:
    """One path segment: ``{userId}`` -> ``UseridVar``, ``user-profile`` -> ``UserDashprofile``."""
    capitalized = part[:1].upper() + part[1:].lower()
    return upper_first(_NON_ALPHANUMERIC.sub("", _PATH_VARIABLE.sub(r"\1Var", capitalized.replace("-", "Dash"))))


def normalize_path(path: str) -> str:
    """A resource path (no leading ``/``) or a route key, segment by segment: ``users/{id}`` -> ``UsersIdVar``."""
    return "".join(normalize_path_part(part) for part in path.split("/"))


def default_function_name(service: str, stage: str, function_key: str) -> str:
    return f"{service}-{stage}-{function_key}"


def log_group_name(function_name: str) -> str:
    return f"/aws/lambda/{function_name}"


# Functions


def lambda_logical_id(function_key: str) -> str:
    return f"{normalize_function_name(function_key)}LambdaFunction"


def log_group_logical_id(function_key: str) -> str:
    return f"{normalize_function_name(function_key)}LogGroup"


def event_invoke_config_logical_id(function_key: str) -> str:
    return f"{normalize_function_name(function_key)}LambdaEvConf"


# SQS and streams


def queue_logical_id(function_key: str, queue_name: str) -> str:
    return f"{normalize_function_name(function_key)}EventSourceMappingSQS{normalize_alphanumeric(queue_name)}"


def stream_logical_id(function_key: str, stream_type: str, stream_name: str) -> str:
    normalized = normalize_function_name(function_key)
    return f"{normalized}EventSourceMapping{upper_first(stream_type)}{normalize_alphanumeric(stream_name)}"


def stream_consumer_name(function_key: str, stream_name: str) -> str:
    return f"{function_key}{stream_name}Consumer"


def stream_consumer_logical_id(consumer_name: str) -> str:
    return f"{normalize_function_name(consumer_name)}StreamConsumer"


# Schedules


def schedule_target_id(function_key: str) -> str:
    return f"{function_key}Schedule"


def schedule_logical_id(function_key: str, index: int) -> str:
    return f"{normalize_function_name(function_key)}EventsRuleSchedule{index}"


def schedule_permission_logical_id(function_key: str, index: int) -> str:
    return f"{normalize_function_name(function_key)}LambdaPermissionEventsRuleSchedule{index}"


def scheduler_schedule_logical_id(function_key: str, index: int) -> str:
    return f"{normalize_function_name(function_key)}SchedulerSchedule{index}"


# SNS


def topic_logical_id(topic_name: str) -> str:
    return f"SNSTopic{normalize_alphanumeric(topic_name)}"


def sns_subscription_logical_id(function_key: str, topic_name: str) -> str:
    return f"{normalize_function_name(function_key)}SnsSubscription{normalize_alphanumeric(topic_name)}"


def sns_permission_logical_id(function_key: str, topic_name: str) -> str:
    return f"{normalize_function_name(function_key)}LambdaPermission{normalize_alphanumeric(topic_name)}SNS"


def topic_dlq_policy_logical_id(function_key: str, topic_name: str) -> str:
    return f"{normalize_alphanumeric(topic_name)}To{normalize_function_name(function_key)}DLQPolicy"


# S3


def bucket_logical_id(bucket_name: str) -> str:
    return f"S3Bucket{normalize_alphanumeric(bucket_name)}"


def s3_permission_logical_id(function_key: str, bucket_name: str) -> str:
    return f"{normalize_function_name(function_key)}LambdaPermission{normalize_alphanumeric(bucket_name)}S3"


# EventBridge


def event_bus_logical_id(bus_name: str) -> str:
    return f"{normalize_function_name(bus_name)}EventBridgeEventBus"


def event_bridge_rule_logical_id(function_name: str, index: int) -> str:
    """From the unhashed default rule name, even when the event names its rule."""
    return f"{normalize_alphanumeric(_rule_name(function_name, index))}EventBridgeRule"


def event_bridge_permission_logical_id(function_key: str, index: int) -> str:
    return f"{normalize_function_name(function_key)}EventBridgeLambdaPermission{index}"


def event_bridge_rule_name(function_name: str, index: int) -> str:
    """``<function name>-rule-<n>``, shortened with a hash when it would exceed 64 characters."""
    name = _rule_name(function_name, index)
    return _hashed(name, f"rule-{index}") if len(name) > _RULE_NAME_LIMIT else name


def event_bridge_target_id(rule_name: str) -> str:
    target_id = f"{rule_name}-target"
    return _hashed(target_id, "target") if len(target_id) > _RULE_NAME_LIMIT else target_id


def _rule_name(function_name: str, index: int) -> str:
    return f"{function_name}-rule-{index}"


def _hashed(name: str, suffix: str) -> str:
    digest = hashlib.md5(name.encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"{name[: 31 - len(suffix)]}{digest}-{suffix}"


# API Gateway REST APIs (``http`` events)

REST_API_LOGICAL_ID = "ApiGatewayRestApi"


def rest_api_name(service: str, stage: str) -> str:
    return f"{stage}-{service}"


def rest_resource_logical_id(path: str) -> str:
    """The ``AWS::ApiGateway::Resource`` of ``path`` (no leading or trailing ``/``)."""
    return f"ApiGatewayResource{normalize_path(path)}"


def rest_method_logical_id(resource_name: str, method: str) -> str:
    """``resource_name`` is ``normalize_path(path)``, empty for the root resource."""
    return f"ApiGatewayMethod{resource_name}{upper_first(method.lower())}"


def rest_authorizer_logical_id(authorizer_name: str) -> str:
    return f"{normalize_function_name(authorizer_name)}ApiGatewayAuthorizer"


def rest_deployment_logical_id(digest: str) -> str:
    return f"ApiGatewayDeployment{digest}"


def api_gateway_permission_logical_id(function_key: str) -> str:
    """The permission letting a REST API invoke a function (or an authorizer function, by its name)."""
    return f"{normalize_function_name(function_key)}LambdaPermissionApiGateway"


# API Gateway HTTP APIs (``httpApi`` events)

HTTP_API_LOGICAL_ID = "HttpApi"
HTTP_API_STAGE_LOGICAL_ID = "HttpApiStage"


def http_api_integration_logical_id(function_key: str) -> str:
    return f"HttpApiIntegration{normalize_function_name(function_key)}"


def http_api_route_logical_id(route_key: str) -> str:
    """``GET /users/{id}`` -> ``HttpApiRouteGetUsersIdVar``; the catch-all ``*`` is ``HttpApiRouteDefault``."""
    return "HttpApiRouteDefault" if route_key == "*" else f"HttpApiRoute{normalize_path(route_key)}"


def http_api_authorizer_logical_id(authorizer_name: str) -> str:
    return f"HttpApiAuthorizer{normalize_function_name(authorizer_name)}"


def http_api_permission_logical_id(function_key: str) -> str:
    return f"{normalize_function_name(function_key)}LambdaPermissionHttpApi"


def http_api_authorizer_permission_logical_id(authorizer_name: str) -> str:
    return f"{normalize_function_name(authorizer_name)}LambdaAuthorizerPermissionHttpApi"


# Function URLs


def function_url_logical_id(function_key: str) -> str:
    """The ``AWS::Lambda::Url`` and, under the same name, the output holding its URL."""
    return f"{normalize_function_name(function_key)}LambdaFunctionUrl"


def function_url_permission_logical_id(function_key: str) -> str:
    return f"{normalize_function_name(function_key)}LambdaPermissionFnUrl"
