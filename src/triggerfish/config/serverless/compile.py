"""A serverless.yml (variables resolved) compiled to the CloudFormation template the framework would deploy.

Follows the Serverless Framework v3 (``lib/plugins/aws/package``): per function a log group
(``<Function>LogGroup``), an ``AWS::Lambda::Function`` (``<Function>LambdaFunction``) and, with destinations
or retry settings, an ``AWS::Lambda::EventInvokeConfig`` (``<Function>LambdaEvConf``); one execution role
``IamRoleLambdaExecution`` when a function has no role of its own; then each event's resources; then
``resources`` deep-merged over the result (a user's resource with a generated logical id extends it).

What is left out on purpose: there is no ``ServerlessDeploymentBucket`` and no ``AWS::Lambda::Version``
(functions run as ``$LATEST`` only), and ``Code`` is the local path of the code relative to the service
folder (``package.artifact`` or ``.``), the form ``aws cloudformation package`` takes, instead of an S3 key.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triggerfish.config.errors import TemplateError
from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events import FunctionEvent, StackBuilder, compile_event
from triggerfish.config.serverless.events.http import finish_rest_api
from triggerfish.config.serverless.events.http_api import finish_http_api
from triggerfish.config.serverless.function_url import compile_function_url, function_url_outputs
from triggerfish.config.serverless.resources import expect_mapping, merge_resources

TEMPLATE_DESCRIPTION = "The AWS CloudFormation template for this Serverless application"
DEFAULT_MEMORY_SIZE = 1024
DEFAULT_TIMEOUT = 6
TOP_LEVEL_KEYS = frozenset(
    {
        "service",
        "provider",
        "functions",
        "resources",
        "custom",
        "package",
        "plugins",
        "layers",
        "params",
        "outputs",
        "frameworkVersion",
        "configValidationMode",
        "deprecationNotificationMode",
        "disabledDeprecations",
        "unresolvedVariablesNotificationMode",
        "variablesResolutionMode",
        "useDotenv",
        "org",
        "app",
        "console",
        "dashboard",
    }
)
_DESTINATION_ACTIONS = {
    "function": "lambda:InvokeFunction",
    "sqs": "sqs:SendMessage",
    "sns": "sns:Publish",
    "eventBus": "events:PutEvents",
}
_LOG_GROUP_ARN = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"


@dataclass(frozen=True)
class CompiledService:
    """The CloudFormation body of one serverless.yml and what was skipped on the way."""

    service: str
    stack_name: str
    template: dict[str, Any]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Function:
    key: str
    config: Mapping[str, Any]
    name: str  # the deployed FunctionName
    role: Any  # the function's own role (its, or the provider's); None: the generated one


def compile_service(config: Mapping[str, Any], *, stage: str, region: str, file: Path) -> CompiledService:
    """Compile a resolved serverless.yml; ``stage`` and ``region`` are the ones deployed to."""
    service = _service_name(config, file)
    provider = expect_mapping(config.get("provider"), "provider", file, required=True)
    if provider.get("name") != "aws":
        raise TemplateError(
            f"provider {provider.get('name')!r} is not supported; only 'aws' is", file=file, where="provider.name"
        )
    functions = _functions(config, provider, service=service, stage=stage, file=file)
    uses_generated_role = any(function.role is None for function in functions)
    stack = StackBuilder(
        file=file,
        service=service,
        stage=stage,
        region=region,
        provider=provider,
        role_statements=[] if uses_generated_role else None,
    )
    _top_level_warnings(config, stack)
    for function in functions:
        if not function.config.get("disableLogs"):
            stack.add(naming.log_group_logical_id(function.key), _log_group(function, provider))
    if uses_generated_role:
        stack.add(naming.ROLE_LOGICAL_ID, _execution_role(stack, functions))
    package = _dict(config.get("package"))
    for function in functions:
        _compile_function(stack, function, functions, package)
    # the APIs are complete once every function's events are in
    outputs = {**finish_rest_api(stack), **finish_http_api(stack), **function_url_outputs(stack)}
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": TEMPLATE_DESCRIPTION,
        "Resources": stack.resources,
        "Outputs": outputs,
    }
    merge_resources(template, config.get("resources"), file)
    stack_name = provider.get("stackName")
    return CompiledService(
        service=service,
        stack_name=stack_name if isinstance(stack_name, str) and stack_name else f"{service}-{stage}",
        template=template,
        warnings=tuple(stack.warnings),
    )


# the service and its functions


def _service_name(config: Mapping[str, Any], file: Path) -> str:
    service = config.get("service")
    if isinstance(service, Mapping):  # the legacy form: service: {name: ...}
        service = service.get("name")
    if service is None or service == "":
        raise TemplateError("missing; every serverless.yml names its service", file=file, where="service")
    if not isinstance(service, str):
        raise TemplateError(f"must be a string, not {service!r}", file=file, where="service")
    return service


def _functions(
    config: Mapping[str, Any], provider: Mapping[str, Any], *, service: str, stage: str, file: Path
) -> list[_Function]:
    raw = config.get("functions")
    if isinstance(raw, list) and all(isinstance(item, Mapping) for item in raw):
        merged: dict[str, Any] = {}  # a list of function maps (several included files) is merged in order
        for item in raw:
            merged.update(item)
        raw = merged
    functions = expect_mapping(raw, "functions", file)
    found = []
    for key, function in functions.items():
        where = f"functions.{key}"
        if not isinstance(key, str) or not naming.FUNCTION_KEY.match(key):
            raise TemplateError("function names may only hold letters, digits, '-' and '_'", file=file, where=where)
        function = expect_mapping(function, where, file, required=True)
        if function.get("image") is not None:
            raise TemplateError("container image functions are not supported", file=file, where=f"{where}.image")
        if not isinstance(function.get("handler"), str) or not function["handler"]:
            problem = f'Either "handler" or "image" property needs to be set on function "{key}"'
            raise TemplateError(problem, file=file, where=f"{where}.handler")
        name = function.get("name") or naming.default_function_name(service, stage, key)
        found.append(_Function(key, function, str(name), _custom_role(function, provider)))
    return found


def _custom_role(function: Mapping[str, Any], provider: Mapping[str, Any]) -> Any:
    """The role a function runs with when it is not the generated one (function, then provider level)."""
    if function.get("role"):
        return function["role"]
    if provider.get("role"):
        return provider["role"]
    iam = provider.get("iam")
    role = iam.get("role") if isinstance(iam, Mapping) else None
    # provider.iam.role names an existing role as a string or an intrinsic function; an object of
    # settings (statements, managedPolicies...) configures the generated one
    if isinstance(role, str) or (isinstance(role, Mapping) and any(key.startswith("Fn::") for key in role)):
        return role
    return None


def _compile_function(
    stack: StackBuilder, function: _Function, functions: list[_Function], package: Mapping[str, Any]
) -> None:
    config, provider = function.config, stack.provider
    own_package = _dict(config.get("package"))
    properties: dict[str, Any] = {
        "Code": str(own_package.get("artifact") or package.get("artifact") or "."),
        "Handler": config["handler"],
        "Runtime": config.get("runtime") or provider.get("runtime"),
        "FunctionName": function.name,
        "MemorySize": config.get("memorySize") or provider.get("memorySize") or DEFAULT_MEMORY_SIZE,
        "Timeout": config.get("timeout") or provider.get("timeout") or DEFAULT_TIMEOUT,
    }
    architecture = config.get("architecture") or provider.get("architecture")
    properties.update(Architectures=[architecture] if architecture else None, Description=config.get("description"))
    tags = {**_dict(provider.get("tags")), **_dict(config.get("tags"))}
    if tags:
        properties["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    if config.get("ephemeralStorageSize"):
        properties["EphemeralStorage"] = {"Size": config["ephemeralStorageSize"]}
    if config.get("onError"):
        properties["DeadLetterConfig"] = {"TargetArn": config["onError"]}
        if isinstance(config["onError"], str):
            stack.allow(("sns:Publish",), config["onError"])
    if config.get("environment") or provider.get("environment"):
        variables = {**_dict(provider.get("environment")), **_dict(config.get("environment"))}
        properties["Environment"] = {"Variables": variables}
    depends_on = list(_string_list(config.get("dependsOn")))
    properties["Role"] = _role(function.role, depends_on)
    if config.get("reservedConcurrency") is not None:
        properties["ReservedConcurrentExecutions"] = config["reservedConcurrency"]
    if not config.get("disableLogs"):
        depends_on.insert(0, naming.log_group_logical_id(function.key))
    resource: dict[str, Any] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {key: value for key, value in properties.items() if value is not None},
    }
    if depends_on:
        resource["DependsOn"] = depends_on
    if config.get("condition"):
        resource["Condition"] = config["condition"]
    stack.add(naming.lambda_logical_id(function.key), resource)
    _event_invoke_config(stack, function, functions)
    if config.get("url") is not None and config["url"] is not False:
        compile_function_url(stack, function.key, config["url"])
    _events(stack, function, properties["Role"], _role_resource(function.role))


def _role(role: Any, depends_on: list[str]) -> Any:
    """The function's Role property; a role defined in this template is also waited for."""
    if role is None or role == naming.ROLE_LOGICAL_ID:
        return {"Fn::GetAtt": [naming.ROLE_LOGICAL_ID, "Arn"]}
    if isinstance(role, str) and not role.startswith("arn:"):
        depends_on.append(role)  # a logical id of a role in this template
        return {"Fn::GetAtt": [role, "Arn"]}
    if isinstance(role, Mapping) and isinstance(role.get("Fn::GetAtt"), list) and role["Fn::GetAtt"]:
        depends_on.append(str(role["Fn::GetAtt"][0]))
    return role


def _role_resource(role: Any) -> str | None:
    """The role resource event source mappings wait for: the generated one, or one of this template."""
    if role is None:
        return naming.ROLE_LOGICAL_ID
    if isinstance(role, str):
        return None if role.startswith("arn:") else role
    if isinstance(role, Mapping) and isinstance(role.get("Fn::GetAtt"), list) and role["Fn::GetAtt"]:
        return str(role["Fn::GetAtt"][0])
    return None


def _events(stack: StackBuilder, function: _Function, role: Any, role_dependency: str | None) -> None:
    events = function.config.get("events")
    if events is None:
        return
    where = f"functions.{function.key}.events"
    if not isinstance(events, list):
        raise stack.error("must be a list of events", where)
    for index, item in enumerate(events):
        if not isinstance(item, Mapping) or len(item) != 1:
            raise stack.error(
                "each event is an object with one event type, e.g. {sqs: <queue arn>}", f"{where}[{index}]"
            )
        ((event_type, value),) = item.items()
        event = FunctionEvent(
            stack=stack,
            function_key=function.key,
            function_name=function.name,
            function=function.config,
            role=role,
            role_dependency=role_dependency,
            index=index,
            type=str(event_type),
        )
        compile_event(event, value)


def _event_invoke_config(stack: StackBuilder, function: _Function, functions: list[_Function]) -> None:
    """Asynchronous invocation settings: destinations, retries and the maximum event age."""
    config = function.config
    destinations, max_age, retries = (
        config.get("destinations"),
        config.get("maximumEventAge"),
        config.get("maximumRetryAttempts"),
    )
    if not destinations and not max_age and retries is None:
        return
    destination_config: dict[str, Any] = {}
    if destinations:
        if not isinstance(destinations, Mapping):
            raise stack.error(
                "must be an object with onSuccess and/or onFailure", f"functions.{function.key}.destinations"
            )
        for setting, key in (("onSuccess", "OnSuccess"), ("onFailure", "OnFailure")):
            if destinations.get(setting):
                where = f"functions.{function.key}.destinations.{setting}"
                target = _destination(stack, destinations[setting], functions, where, function.role is None)
                destination_config[key] = {"Destination": target}
    properties: dict[str, Any] = {
        "FunctionName": {"Ref": naming.lambda_logical_id(function.key)},
        "DestinationConfig": destination_config,
        "Qualifier": "$LATEST",
    }
    if max_age:
        properties["MaximumEventAgeInSeconds"] = max_age
    if retries is not None:
        properties["MaximumRetryAttempts"] = retries
    stack.add(
        naming.event_invoke_config_logical_id(function.key),
        {"Type": "AWS::Lambda::EventInvokeConfig", "Properties": properties},
    )


def _destination(stack: StackBuilder, value: Any, functions: list[_Function], where: str, grant: bool) -> Any:
    """An ARN, a function of this service by name, or ``{type, arn}``; the generated role may call it."""
    if isinstance(value, Mapping):
        kind = value.get("type")
        if not isinstance(kind, str) or kind not in _DESTINATION_ACTIONS or value.get("arn") is None:
            raise stack.error(
                f"an object destination needs 'arn' and a 'type' of {', '.join(_DESTINATION_ACTIONS)}", where
            )
        if grant:
            stack.allow((_DESTINATION_ACTIONS[kind],), value["arn"])
        return value["arn"]
    if not isinstance(value, str):
        raise stack.error("must be an ARN, the name of a function of this service, or {type, arn}", where)
    if value.startswith("arn:"):
        kind = next((kind for kind, marker in _ARN_KINDS if marker in value), None)
        if kind is None:
            raise stack.error(f"Unsupported destination target {value}", where)
        if grant:
            stack.allow((_DESTINATION_ACTIONS[kind],), value)
        return value
    target = next((function for function in functions if function.key == value), None)
    if target is None:
        raise stack.error(f'function "{value}" is not defined in this service', where)
    if grant:
        # a Fn::Sub, not a GetAtt, so the role does not depend on the function that depends on it
        stack.allow(
            ("lambda:InvokeFunction",),
            {"Fn::Sub": f"arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{target.name}"},
        )
    return {"Fn::GetAtt": [naming.lambda_logical_id(target.key), "Arn"]}


_ARN_KINDS = (("function", ":function:"), ("sqs", ":sqs:"), ("sns", ":sns:"), ("eventBus", ":event-bus/"))


# logs and the execution role


def _log_group(function: _Function, provider: Mapping[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {"LogGroupName": naming.log_group_name(function.name)}
    retention = function.config.get("logRetentionInDays") or provider.get("logRetentionInDays")
    if retention:
        properties["RetentionInDays"] = retention
    return {"Type": "AWS::Logs::LogGroup", "Properties": properties}


def _execution_role(stack: StackBuilder, functions: list[_Function]) -> dict[str, Any]:
    """The framework's default role: Lambda may assume it, it may write the functions' logs."""
    provider = stack.provider
    settings = _dict(_dict(provider.get("iam")).get("role"))
    statements = stack.role_statements if stack.role_statements is not None else []
    prefix = naming.log_group_name(f"{stack.service}-{stack.stage}")
    create: list[Any] = []
    put: list[Any] = []
    canonical = [function for function in functions if function.name.startswith(f"{stack.service}-{stack.stage}")]
    if any(not function.config.get("disableLogs") for function in canonical):
        create.append({"Fn::Sub": f"{_LOG_GROUP_ARN}{prefix}*:*"})
        put.append({"Fn::Sub": f"{_LOG_GROUP_ARN}{prefix}*:*:*"})
    for function in functions:
        if function not in canonical and not function.config.get("disableLogs"):
            create.append({"Fn::Sub": f"{_LOG_GROUP_ARN}{naming.log_group_name(function.name)}:*"})
            put.append({"Fn::Sub": f"{_LOG_GROUP_ARN}{naming.log_group_name(function.name)}:*:*"})
    statements.append(
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"],
            "Resource": create,
        }
    )
    statements.append({"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": put})
    user_statements = settings.get("statements") or provider.get("iamRoleStatements")
    if isinstance(user_statements, list):
        statements.extend(copy.deepcopy(user_statements))
    role_name = settings.get("name") or {
        "Fn::Join": ["-", [stack.service, stack.stage, {"Ref": "AWS::Region"}, "lambdaRole"]]
    }
    assume = {"Effect": "Allow", "Principal": {"Service": stack.trusted_services}, "Action": ["sts:AssumeRole"]}
    policy_name = {"Fn::Join": ["-", [stack.service, stack.stage, "lambda"]]}
    properties: dict[str, Any] = {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [assume]},
        "Policies": [{"PolicyName": policy_name, "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
        "Path": settings.get("path") or "/",
        "RoleName": role_name,
    }
    if isinstance(settings.get("tags"), Mapping):
        properties["Tags"] = [{"Key": key, "Value": value} for key, value in settings["tags"].items()]
    boundary = (
        settings.get("permissionsBoundary")
        or settings.get("permissionBoundary")
        or provider.get("rolePermissionsBoundary")
    )
    if boundary:
        properties["PermissionsBoundary"] = boundary
    managed = settings.get("managedPolicies") or provider.get("iamManagedPolicies")
    if isinstance(managed, list) and managed:
        properties["ManagedPolicyArns"] = list(managed)
    return {"Type": "AWS::IAM::Role", "Properties": properties}


# small readers


def _top_level_warnings(config: Mapping[str, Any], stack: StackBuilder) -> None:
    for key in config:
        if key not in TOP_LEVEL_KEYS:
            stack.warn(f"{key}: unrecognized top-level property; ignored")
    plugins = config.get("plugins")
    names = plugins.get("modules") if isinstance(plugins, Mapping) else plugins  # plugins: {localPath, modules}
    if isinstance(names, list) and names:
        stack.warn(f"plugins: plugins are not run ({', '.join(str(name) for name in names)}); skipped")
    if config.get("layers"):
        stack.warn("layers: layers are not supported yet; skipped")


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]
