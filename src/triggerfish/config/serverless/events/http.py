"""``http`` events: one REST API (``ApiGatewayRestApi``) for the service, a method per event.

Follows the Serverless Framework v3 (``package/compile/events/api-gateway``):
- an event is ``GET /users/{id}`` or ``{path, method, cors, authorizer, private, integration, async, request,
  response, operationId, timeoutInMillis}``; ``any`` is API Gateway's catch-all method;
- the API is ``ApiGatewayRestApi`` (named ``<stage>-<service>``, ``provider.apiName`` or, with
  ``provider.apiGateway.shouldStartNameWithService``, ``<service>-<stage>``; endpoint ``EDGE`` unless
  ``provider.endpointType``), one ``ApiGatewayResource<Path>`` per path segment, a method
  ``ApiGatewayMethod<Path><Verb>`` per event, an OPTIONS method per path with ``cors``, one deployment
  ``ApiGatewayDeployment<id>`` into the stage named like the service's stage, and per function the
  permission ``<Function>LambdaPermissionApiGateway``; the output ``ServiceEndpoint`` is the stage's URL;
- the default ``lambda-proxy`` integration (``AWS_PROXY``) invokes the function with the request; the others
  (``lambda``, which ``async: true`` implies, ``http``, ``http-proxy``, ``mock``) are compiled without the
  framework's default mapping templates: locally only proxy and mock integrations answer, so a warning says
  so for the rest. ``async: true`` keeps the framework's shape, a ``lambda`` integration whose request
  header ``X-Amz-Invocation-Type: 'Event'`` makes the invocation asynchronous, rather than turning into a
  proxy integration: the handler would receive a different event and the client a different response.
- The deployment id is a digest of the API's resources instead of the framework's timestamp, so that an
  unchanged API compiles to the same template; ``provider.apiGateway.restApiId`` (an API outside the
  service) is skipped with a warning, as are API keys and usage plans.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.config.errors import TemplateError
from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent, StackBuilder, compact
from triggerfish.config.serverless.events.http_authorizers import (
    api_gateway_permission,
    lambda_invocation_uri,
    method_authorization,
)
from triggerfish.config.serverless.events.http_cors import Preflight, event_preflight, preflight_method
from triggerfish.config.serverless.events.http_paths import METHODS, ResourcePath, ensure_resources, resource_path

ENDPOINT_TYPES = ("REGIONAL", "EDGE", "PRIVATE")
INTEGRATIONS = ("AWS_PROXY", "AWS", "HTTP", "HTTP_PROXY", "MOCK")
_INTEGRATION_ALIASES = {"LAMBDA": "AWS", "LAMBDA_PROXY": "AWS_PROXY"}
_STAGE_NAME = re.compile(r"^[-_a-zA-Z0-9]+$")  # API Gateway's stage names
_PROXY_REQUEST_KEYS = ("parameters", "schema", "schemas")
_PARAMETER_LOCATIONS = (("querystrings", "querystring"), ("paths", "path"), ("headers", "header"))
_KEYS = frozenset(
    {
        "path",
        "method",
        "cors",
        "authorizer",
        "private",
        "integration",
        "async",
        "request",
        "response",
        "operationId",
        "timeoutInMillis",
        "connectionType",
        "connectionId",
    }
)


@dataclass(frozen=True)
class _Method:
    logical_id: str
    where: str


class _RestApi:
    """What the events of one stack add up to: compiled at the end, once every function is known."""

    def __init__(self) -> None:
        self.methods: dict[str, _Method] = {}  # "GET /users" -> the method
        self.preflights: dict[str, tuple[ResourcePath, Preflight]] = {}
        self.authorizer_functions: dict[str, str] = {}  # function key -> where it is named


# one REST API for every http event of the service, kept on the stack being compiled
_SHARED_KEY = "http"


def compile_http(event: FunctionEvent, value: Any) -> None:
    stack = event.stack
    api_gateway = _api_gateway(stack)
    if api_gateway.get("restApiId"):
        stack.warn("provider.apiGateway.restApiId: http events on a REST API outside the service are not supported")
        return
    settings = _settings(event, value)
    method, path = _method(event, settings.get("method")), _path(event, settings.get("path"))
    if not _STAGE_NAME.match(stack.stage):
        problem = f"Invalid stage name {stack.stage}: it should contains only [-_a-zA-Z0-9] for AWS provider"
        raise event.error(f"{problem} if http event are present according to API Gateway limitation.")
    api: _RestApi | None = stack.shared.get(_SHARED_KEY)
    if api is None:
        api = stack.shared[_SHARED_KEY] = _RestApi()
        stack.add(naming.REST_API_LOGICAL_ID, _rest_api(stack, api_gateway))
    route = f"{method} {path.display}"
    if route in api.methods:
        raise event.error(f"{route} is already defined by {api.methods[route].where}")
    ensure_resources(event, path)
    kind = _integration_type(event, settings)
    authorization = method_authorization(event, settings.get("authorizer"), proxy=kind == "AWS_PROXY")
    if authorization.function_key is not None:
        api.authorizer_functions.setdefault(authorization.function_key, f"{event.where}.http.authorizer")
    permission_id = naming.api_gateway_permission_logical_id(event.function_key)
    properties = {
        "HttpMethod": method,
        "RequestParameters": _method_parameters(event, settings.get("request"), kind),
        "ResourceId": path.resource_id,
        "RestApiId": {"Ref": naming.REST_API_LOGICAL_ID},
        "OperationName": settings.get("operationId"),
        "ApiKeyRequired": bool(settings.get("private")),
        **authorization.properties,
        "Integration": _integration(event, settings, kind, method, api_gateway),
        "MethodResponses": [],
    }
    if settings.get("private"):
        event.warn("private: API keys are not checked locally; the method is open")
    if kind in ("AWS", "HTTP", "MOCK"):
        responses, method_responses = _responses(event, settings.get("response"))
        properties["Integration"]["IntegrationResponses"] = responses
        properties["MethodResponses"] = method_responses
    logical_id = naming.rest_method_logical_id(path.name, method)
    resource = {
        "Type": "AWS::ApiGateway::Method",
        "Properties": compact(properties),
        "DependsOn": [authorization.depends_on or permission_id],
    }
    stack.add(logical_id, resource)
    api.methods[route] = _Method(logical_id, f"{event.where}.http")
    if settings.get("cors"):
        earlier = api.preflights.get(path.path)
        preflight = event_preflight(event, settings["cors"], method)
        api.preflights[path.path] = (path, preflight.merged_over(earlier[1] if earlier else None))
    stack.add(permission_id, api_gateway_permission(event.target))


def finish_rest_api(stack: StackBuilder) -> dict[str, Any]:
    """Add what depends on every event (preflights, the deployment) and return the API's outputs."""
    api: _RestApi | None = stack.shared.pop(_SHARED_KEY, None)
    if api is None:
        return {}
    for function_key, where in api.authorizer_functions.items():
        if naming.lambda_logical_id(function_key) not in stack.resources:
            raise TemplateError(
                f'Function "{function_key}" doesn\'t exist in this Service', file=stack.file, where=where
            )
    method_ids: list[str] = []
    for path, preflight in api.preflights.values():
        logical_id = naming.rest_method_logical_id(path.name, "OPTIONS")
        if f"OPTIONS {path.display}" in api.methods:
            continue  # an event's own OPTIONS method answers the preflights of its path
        origins = preflight.all_origins()
        if len(origins) > 1:
            stack.warn(f"{path.display}: CORS preflights answer with the first origin only ({origins[0]}) locally")
        stack.add(logical_id, preflight_method(path, preflight))
        method_ids.append(logical_id)
    method_ids.extend(method.logical_id for method in api.methods.values())
    stack.add(
        naming.rest_deployment_logical_id(_digest(stack)),
        {
            "Type": "AWS::ApiGateway::Deployment",
            "Properties": {"RestApiId": {"Ref": naming.REST_API_LOGICAL_ID}, "StageName": stack.stage},
            "DependsOn": method_ids,
        },
    )
    url = ["https://", {"Ref": naming.REST_API_LOGICAL_ID}, ".execute-api.", {"Ref": "AWS::Region"}, "."]
    url += [{"Ref": "AWS::URLSuffix"}, f"/{stack.stage}"]
    return {"ServiceEndpoint": {"Description": "URL of the service endpoint", "Value": {"Fn::Join": ["", url]}}}


# the event


def _settings(event: FunctionEvent, value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        parts = value.split()
        if len(parts) != 2:
            raise event.error(f"must be '<method> <path>', e.g. 'GET /users/{{id}}', not {value!r}")
        return {"method": parts[0], "path": parts[1]}
    if not isinstance(value, Mapping):
        raise event.error("must be '<method> <path>' or an object with 'path' and 'method'")
    unknown = sorted(str(key) for key in value if key not in _KEYS)
    if unknown:
        raise event.error(f"unknown setting(s) {', '.join(unknown)}")
    return dict(value)


def _method(event: FunctionEvent, value: Any) -> str:
    if value is None:
        raise event.error("missing 'method'", "method")
    if not isinstance(value, str) or value.upper() not in METHODS:
        raise event.error(f"must be one of {', '.join(method.lower() for method in METHODS)}", "method")
    return value.upper()


def _path(event: FunctionEvent, value: Any) -> ResourcePath:
    if value is None:
        raise event.error("missing 'path'", "path")
    path = resource_path(value) if isinstance(value, str) else None
    if path is None:
        raise event.error("must be a path such as /users/{id}, without blanks or empty segments", "path")
    return path


def _integration_type(event: FunctionEvent, settings: Mapping[str, Any]) -> str:
    value = settings.get("integration")
    if value is None:
        if settings.get("async"):
            event.warn(
                "async: the asynchronous (non-proxy lambda) integration is not served locally; requests answer 500"
            )
            return "AWS"
        return "AWS_PROXY"
    normalized = value.upper().replace("-", "_", 1) if isinstance(value, str) else None
    kind = _INTEGRATION_ALIASES.get(normalized or "", normalized)
    if kind not in INTEGRATIONS:
        raise event.error("must be lambda-proxy, lambda, http, http-proxy or mock", "integration")
    if kind in ("AWS", "HTTP", "HTTP_PROXY"):
        event.warn(
            f"integration {value}: only lambda-proxy and mock integrations are served locally; requests answer 500"
        )
    return kind


def _integration(
    event: FunctionEvent, settings: Mapping[str, Any], kind: str, method: str, api_gateway: Mapping[str, Any]
) -> dict[str, Any]:
    request = _mapping(settings.get("request"))
    timeout = settings.get("timeoutInMillis") or api_gateway.get("timeoutInMillis")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 50):
        raise event.error("must be a whole number of milliseconds, at least 50", "timeoutInMillis")
    integration: dict[str, Any] = {"IntegrationHttpMethod": "POST", "Type": kind, "TimeoutInMillis": timeout}
    if kind in ("AWS", "AWS_PROXY"):
        integration["Uri"] = lambda_invocation_uri(event.target)
    elif kind in ("HTTP", "HTTP_PROXY"):
        if not request.get("uri"):
            raise event.error(f"You need to set the request uri when using the {kind} integration.", "request.uri")
        http_method = request.get("method") or method
        integration.update(Uri=request["uri"], IntegrationHttpMethod=str(http_method).upper())
        if settings.get("connectionType"):
            connection_type = str(settings["connectionType"]).upper().replace("-", "_", 1)
            if connection_type == "VPC_LINK" and not settings.get("connectionId"):
                raise event.error(f"You need to set connectionId when using {connection_type} connectionType.")
            integration.update(ConnectionType=connection_type, ConnectionId=settings.get("connectionId"))
    if kind in ("AWS", "HTTP", "MOCK"):
        # the framework's default mapping templates are not generated: only the user's own
        templates = request.get("template")
        integration.update(
            PassthroughBehavior=request.get("passThrough") or ("NEVER" if kind == "AWS" else None),
            ContentHandling=request.get("contentHandling"),
            RequestTemplates=dict(templates) if isinstance(templates, Mapping) and templates else None,
        )
    parameters = _integration_parameters(event, request, kind, asynchronous=bool(settings.get("async")))
    if parameters:
        integration["RequestParameters"] = parameters
    return compact(integration)


def _method_parameters(event: FunctionEvent, request: Any, kind: str) -> dict[str, Any]:
    """``request.parameters``: recorded on the method (as required or optional), not checked."""
    if request is None:
        return {}
    if not isinstance(request, Mapping):
        raise event.error("must be an object", "request")
    if kind == "AWS_PROXY":
        for key in request:
            if key not in _PROXY_REQUEST_KEYS:
                event.warn(f"request.{key}: does not apply to lambda-proxy integrations; ignored")
    for key in ("schema", "schemas"):
        if request.get(key):
            event.warn(f"request.{key}: request body validation is not supported yet; skipped")
    return {name: required for name, (required, _) in _parameters(event, request.get("parameters")).items()}


def _integration_parameters(
    event: FunctionEvent, request: Mapping[str, Any], kind: str, *, asynchronous: bool
) -> dict[str, Any]:
    """What a non-proxy integration passes on: the method's parameters, and the invocation type of ``async``."""
    parameters: dict[str, Any] = {}
    if kind in ("AWS", "HTTP", "HTTP_PROXY"):
        for name, (_, mapped) in _parameters(event, request.get("parameters")).items():
            parameters[f"integration.{name.removeprefix('method.')}"] = mapped or name
    if asynchronous:
        # Lambda's asynchronous invocation: API Gateway answers without waiting for the function
        parameters["integration.request.header.X-Amz-Invocation-Type"] = "'Event'"
    return parameters


def _parameters(event: FunctionEvent, value: Any) -> dict[str, tuple[bool, Any]]:
    """``{querystrings|paths|headers: {name: required | {required, mappedValue}}}`` by method parameter name."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise event.error("must be an object of querystrings, paths and headers", "request.parameters")
    found: dict[str, tuple[bool, Any]] = {}
    for location, singular in _PARAMETER_LOCATIONS:
        entries = value.get(location)
        if entries is None:
            continue
        if not isinstance(entries, Mapping):
            raise event.error("must map parameter names to true/false", f"request.parameters.{location}")
        for name, setting in entries.items():
            required, mapped = (
                (setting, None) if not isinstance(setting, Mapping) else (None, setting.get("mappedValue"))
            )
            if isinstance(setting, Mapping):
                required = setting.get("required", True)
            found[f"method.request.{singular}.{name}"] = (bool(required), mapped)
    return found


def _responses(event: FunctionEvent, response: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``response.statusCodes`` of a non-proxy integration: its integration and method responses."""
    if not isinstance(response, Mapping) or not isinstance(response.get("statusCodes"), Mapping):
        return [], []
    integration_responses, method_responses = [], []
    headers = _mapping(response.get("headers"))
    for status, config in response["statusCodes"].items():
        if not isinstance(config, Mapping):
            raise event.error("must be an object (pattern, headers, template)", f"response.statusCodes.{status}")
        own_headers = _mapping(config.get("headers"))
        parameters = {f"method.response.header.{name}": value for name, value in {**headers, **own_headers}.items()}
        template = config.get("template") or response.get("template")
        templates = {"application/json": template} if isinstance(template, str) else dict(template or {})
        integration_responses.append(
            {
                "StatusCode": str(status),
                "SelectionPattern": config.get("pattern") or "",
                "ResponseParameters": parameters,
                "ResponseTemplates": templates,
            }
        )
        method_responses.append(
            {"StatusCode": str(status), "ResponseParameters": dict.fromkeys(parameters, True), "ResponseModels": {}}
        )
    return integration_responses, method_responses


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


# the API


def _api_gateway(stack: StackBuilder) -> Mapping[str, Any]:
    settings = stack.provider.get("apiGateway")
    return settings if isinstance(settings, Mapping) else {}


def _rest_api(stack: StackBuilder, api_gateway: Mapping[str, Any]) -> dict[str, Any]:
    provider = stack.provider
    name = provider.get("apiName") or (
        f"{stack.service}-{stack.stage}"
        if api_gateway.get("shouldStartNameWithService")
        else naming.rest_api_name(stack.service, stack.stage)
    )
    endpoint_type = provider.get("endpointType") or "EDGE"
    if not isinstance(endpoint_type, str) or endpoint_type.upper() not in ENDPOINT_TYPES:
        problem = f'endpointType must be one of "{", ".join(ENDPOINT_TYPES)}". You specified {endpoint_type}.'
        raise stack.error(problem, "provider.endpointType")
    endpoint: dict[str, Any] = {"Types": [endpoint_type.upper()]}
    if provider.get("vpcEndpointIds"):
        if endpoint_type.upper() != "PRIVATE":
            raise stack.error("VPC endpoint IDs are only available for private APIs", "provider.vpcEndpointIds")
        endpoint["VpcEndpointIds"] = provider["vpcEndpointIds"]
    media_types = api_gateway.get("binaryMediaTypes")
    if media_types is not None and (
        not isinstance(media_types, list) or not all(isinstance(item, str) for item in media_types)
    ):
        raise stack.error(
            "must be a list of media types, e.g. ['image/png', '*/*']", "provider.apiGateway.binaryMediaTypes"
        )
    policy = api_gateway.get("resourcePolicy")
    source_type = api_gateway.get("apiKeySourceType")
    for unsupported in ("apiKeys", "usagePlan"):
        if api_gateway.get(unsupported):
            stack.warn(f"provider.apiGateway.{unsupported}: API keys and usage plans are not supported; skipped")
    properties = {
        "Name": name,
        "BinaryMediaTypes": media_types,
        "DisableExecuteApiEndpoint": api_gateway.get("disableDefaultEndpoint"),
        "EndpointConfiguration": endpoint,
        "Policy": {"Version": "2012-10-17", "Statement": policy} if policy else None,
        "ApiKeySourceType": source_type.upper() if isinstance(source_type, str) else None,
        "MinimumCompressionSize": api_gateway.get("minimumCompressionSize"),
        "Description": api_gateway.get("description") or None,
    }
    return {"Type": "AWS::ApiGateway::RestApi", "Properties": compact(properties)}


def _digest(stack: StackBuilder) -> str:
    """A digest of everything the deployment deploys: it changes exactly when the API does."""
    reference = {"Ref": naming.REST_API_LOGICAL_ID}
    parts = {
        logical_id: resource
        for logical_id, resource in stack.resources.items()
        if logical_id == naming.REST_API_LOGICAL_ID or resource.get("Properties", {}).get("RestApiId") == reference
    }
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
