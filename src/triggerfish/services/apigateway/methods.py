"""Methods on resources and their method responses: Put/Get/Update/DeleteMethod, *MethodResponse."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from triggerfish.services.apigateway.errors import BadRequest, Conflict, method_not_found, status_not_found
from triggerfish.services.apigateway.models import HTTP_METHODS, Method, MethodResponse, Resource, RestApi, Scope
from triggerfish.services.apigateway.patches import Patch, as_bool, edit_map, invalid_path, only_replace, patches
from triggerfish.services.apigateway.registry import RestApiRegistry
from triggerfish.services.apigateway.resources import locate, with_resource

AUTHORIZATION_TYPES = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
#: the models every REST API has without creating them
BUILT_IN_MODELS = frozenset({"Empty", "Error"})
_PARAMETER = re.compile(r"^method\.request\.(querystring|header|path|multivaluequerystring|multivalueheader)\.(.+)$")


@dataclass(frozen=True)
class NewMethod:
    """PutMethod's settings."""

    authorization_type: str = "NONE"
    authorizer_id: str | None = None
    api_key_required: bool = False
    operation_name: str | None = None
    request_parameters: Mapping[str, bool] = field(default_factory=dict)
    request_models: Mapping[str, str] = field(default_factory=dict)
    request_validator_id: str | None = None
    authorization_scopes: tuple[str, ...] = ()


def http_method_name(name: str) -> str:
    upper = name.upper()
    if upper not in HTTP_METHODS:
        raise BadRequest("Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY")
    return upper


def locate_method(
    registry: RestApiRegistry, scope: Scope, api_id: str, resource_id: str, http_method: str
) -> tuple[RestApi, Resource, Method]:
    api, resource = locate(registry, scope, api_id, resource_id)
    method = resource.methods.get(http_method.upper())
    if method is None:
        raise method_not_found()
    return api, resource, method


def with_method(api: RestApi, resource: Resource, method: Method) -> RestApi:
    return with_resource(api, replace(resource, methods={**resource.methods, method.http_method: method}))


def checked(api: RestApi, method: Method) -> Method:
    """``method`` after AWS's checks; an authorizer id only stays with an authorizer's type."""
    if method.authorization_type not in AUTHORIZATION_TYPES:
        raise BadRequest("Invalid authorization type specified. Valid options are " + ",".join(AUTHORIZATION_TYPES))
    needs_authorizer = method.authorization_type in ("CUSTOM", "COGNITO_USER_POOLS")
    if needs_authorizer and (method.authorizer_id is None or method.authorizer_id not in api.authorizers):
        raise BadRequest(
            "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
            "requires a valid authorizer."
        )
    if method.request_validator_id is not None:
        raise BadRequest("Invalid Request Validator identifier specified")  # no validators exist here
    for model in method.request_models.values():
        if model not in BUILT_IN_MODELS:
            raise BadRequest(f"Invalid model identifier specified: {model}")
    _check_parameter_names(method.request_parameters)
    return method if needs_authorizer else replace(method, authorizer_id=None)


def _check_parameter_names(parameters: Mapping[str, bool]) -> None:
    seen: set[str] = set()
    for key in parameters:
        match = _PARAMETER.match(key)
        if match is None:
            raise BadRequest(f"Invalid mapping expression specified: {key}")
        if match.group(2) in seen:
            raise BadRequest("Parameter names must be unique across querystring, header and path")
        seen.add(match.group(2))


class Methods:
    def __init__(self, registry: RestApiRegistry) -> None:
        self._registry = registry

    async def put(self, scope: Scope, api_id: str, resource_id: str, http_method: str, settings: NewMethod) -> Method:
        api, resource = locate(self._registry, scope, api_id, resource_id)
        name = http_method_name(http_method)
        if name in resource.methods:
            raise Conflict("Method already exists for this resource")
        method = checked(
            api,
            Method(
                http_method=name,
                authorization_type=settings.authorization_type.upper(),
                authorizer_id=settings.authorizer_id,
                api_key_required=settings.api_key_required,
                operation_name=settings.operation_name,
                request_validator_id=settings.request_validator_id,
                request_parameters=dict(settings.request_parameters),
                request_models=dict(settings.request_models),
                authorization_scopes=tuple(settings.authorization_scopes),
            ),
        )
        await self._registry.save(with_method(api, resource, method))
        return method

    def get(self, scope: Scope, api_id: str, resource_id: str, http_method: str) -> Method:
        return locate_method(self._registry, scope, api_id, resource_id, http_method)[2]

    async def delete(self, scope: Scope, api_id: str, resource_id: str, http_method: str) -> None:
        api, resource, method = locate_method(self._registry, scope, api_id, resource_id, http_method)
        kept = {name: value for name, value in resource.methods.items() if name != method.http_method}
        await self._registry.save(with_resource(api, replace(resource, methods=kept)))

    async def update(
        self,
        scope: Scope,
        api_id: str,
        resource_id: str,
        http_method: str,
        operations: Iterable[Mapping[str, Any]] | None,
    ) -> Method:
        api, resource, method = locate_method(self._registry, scope, api_id, resource_id, http_method)
        for patch in patches(operations):
            method = _apply(method, patch)
        method = checked(api, method)
        await self._registry.save(with_method(api, resource, method))
        return method

    # --- method responses ------------------------------------------------------------------

    async def put_response(
        self,
        scope: Scope,
        api_id: str,
        resource_id: str,
        http_method: str,
        status_code: str,
        parameters: Mapping[str, bool] | None = None,
        models: Mapping[str, str] | None = None,
    ) -> MethodResponse:
        api, resource, method = locate_method(self._registry, scope, api_id, resource_id, http_method)
        response = MethodResponse(status_code, dict(parameters or {}), dict(models or {}))
        method = replace(method, responses={**method.responses, status_code: response})
        await self._registry.save(with_method(api, resource, method))
        return response

    def get_response(
        self, scope: Scope, api_id: str, resource_id: str, http_method: str, status_code: str
    ) -> MethodResponse:
        method = locate_method(self._registry, scope, api_id, resource_id, http_method)[2]
        response = method.responses.get(status_code)
        if response is None:
            raise status_not_found()
        return response

    async def delete_response(
        self, scope: Scope, api_id: str, resource_id: str, http_method: str, status_code: str
    ) -> None:
        api, resource, method = locate_method(self._registry, scope, api_id, resource_id, http_method)
        if status_code not in method.responses:
            raise status_not_found()
        kept = {code: value for code, value in method.responses.items() if code != status_code}
        await self._registry.save(with_method(api, resource, replace(method, responses=kept)))


def _apply(method: Method, patch: Patch) -> Method:
    parameter = patch.key_after("requestParameters")
    if parameter is not None:
        return replace(method, request_parameters=edit_map(method.request_parameters, patch, parameter, as_bool(patch)))
    content_type = patch.key_after("requestModels")
    if content_type is not None:
        return replace(method, request_models=edit_map(method.request_models, patch, content_type, patch.value))
    if patch.path == "/authorizationScopes":
        scopes = [s for s in method.authorization_scopes if s != patch.value]
        if patch.op == "add" and patch.value:
            scopes.append(patch.value)
        return replace(method, authorization_scopes=tuple(scopes))
    setters = {
        "/authorizationType": lambda: replace(method, authorization_type=str(patch.value or "NONE").upper()),
        "/authorizerId": lambda: replace(method, authorizer_id=patch.value or None),
        "/apiKeyRequired": lambda: replace(method, api_key_required=as_bool(patch)),
        "/operationName": lambda: replace(method, operation_name=patch.value or None),
        "/requestValidatorId": lambda: replace(method, request_validator_id=patch.value or None),
    }
    setter = setters.get(patch.path)
    if setter is None:
        raise invalid_path(patch)
    only_replace(patch)
    return setter()
