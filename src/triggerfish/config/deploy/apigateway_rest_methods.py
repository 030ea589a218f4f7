"""The resource tree of a REST API and its methods: ``AWS::ApiGateway::Resource`` and ``AWS::ApiGateway::Method``.

A resource's ``Ref`` is its id. A method is known by its API, resource and HTTP method (the identifier
CloudFormation's resource schema gives it), here ``<RestApiId>|<ResourceId>|<HttpMethod>``; it is put with
its integration, integration responses and method responses, as serverless.yml's ``http`` events and CORS
preflights (``MOCK``) make them.
Request validators and models are accepted but not enforced locally, so methods do not name them here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.apigateway_values import (
    already_gone,
    flag,
    mapping,
    optional_int,
    rest_apis,
    rest_changed,
    string_map,
    strings,
    text,
)
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, require
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.apigateway.integrations import NewIntegration
from triggerfish.services.apigateway.methods import BUILT_IN_MODELS, NewMethod
from triggerfish.services.apigateway.models import IntegrationResponse


class RestResourceHandler:
    """``AWS::ApiGateway::Resource``: one path part under a parent resource."""

    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        api_id = str(require(properties, "RestApiId"))
        resource = await rest_apis(context).resources.create(
            context.scope, api_id, str(require(properties, "ParentId")), str(require(properties, "PathPart"))
        )
        rest_changed(context, api_id)
        return PhysicalResource(resource.id, {"ResourceId": resource.id})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        # every property of a resource needs a new one (Resource: "Update requires: Replacement")
        return await self.create(context, logical_id, properties)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        api_id = str(properties.get("RestApiId"))
        with already_gone():  # deleting its parent took it already
            await rest_apis(context).resources.delete(context.scope, api_id, resource.physical_id)
        rest_changed(context, api_id)


class RestMethodHandler:
    """``AWS::ApiGateway::Method``: a method with its integration and responses."""

    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        api_id, resource_id, http_method = _key(properties)
        service = rest_apis(context)
        scope = context.scope
        await service.methods.put(scope, api_id, resource_id, http_method, _method(context, logical_id, properties))
        try:
            integration = properties.get("Integration")
            if integration is not None:
                await service.integrations.put(scope, api_id, resource_id, http_method, _integration(integration))
            for response in _list(properties, "MethodResponses"):
                await service.methods.put_response(
                    scope,
                    api_id,
                    resource_id,
                    http_method,
                    str(require(response, "StatusCode")),
                    {str(name): _truth(value) for name, value in mapping(response, "ResponseParameters").items()},
                    string_map(response, "ResponseModels"),
                )
        except TriggerfishError:
            # no half-made method stays behind for the next deployment to trip over
            with already_gone():
                await service.methods.delete(scope, api_id, resource_id, http_method)
            raise
        rest_changed(context, api_id)
        return PhysicalResource(f"{api_id}|{resource_id}|{http_method}")

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if _key(properties) == _key(previous_properties):
            # put anew: what the template no longer gives goes back to its default
            await self.delete(context, previous, previous_properties)
        # another API, resource or verb is another method; the old one is deleted after
        return await self.create(context, logical_id, properties)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        api_id, resource_id, http_method = _key(properties)
        with already_gone():  # deleting its resource took it already
            await rest_apis(context).methods.delete(context.scope, api_id, resource_id, http_method)
        rest_changed(context, api_id)


def _key(properties: Mapping[str, Any]) -> tuple[str, str, str]:
    return (
        str(require(properties, "RestApiId")),
        str(require(properties, "ResourceId")),
        str(require(properties, "HttpMethod")).upper(),
    )


def _method(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> NewMethod:
    models = string_map(properties, "RequestModels")
    if properties.get("RequestValidatorId") is not None or any(m not in BUILT_IN_MODELS for m in models.values()):
        context.warnings.append(f"Resources.{logical_id}: requests are not validated against models locally")
    return NewMethod(
        authorization_type=(text(properties, "AuthorizationType") or "NONE").upper(),
        authorizer_id=text(properties, "AuthorizerId"),
        api_key_required=flag(properties, "ApiKeyRequired"),
        operation_name=text(properties, "OperationName"),
        request_parameters={
            str(name): _truth(value) for name, value in mapping(properties, "RequestParameters").items()
        },
        request_models={kind: model for kind, model in models.items() if model in BUILT_IN_MODELS},
        authorization_scopes=strings(properties, "AuthorizationScopes"),
    )


def _integration(value: Any) -> NewIntegration:
    if not isinstance(value, Mapping):
        raise TemplateError("Value of property Integration must be an object")
    kind = text(value, "Type")
    if not kind:
        raise TemplateError("Property Integration.Type cannot be empty.")
    responses = [_integration_response(item) for item in _list(value, "IntegrationResponses")]
    return NewIntegration(
        type=kind,
        http_method=text(value, "IntegrationHttpMethod"),
        uri=text(value, "Uri"),
        credentials=text(value, "Credentials"),
        request_parameters=string_map(value, "RequestParameters"),
        request_templates=string_map(value, "RequestTemplates"),
        passthrough_behavior=text(value, "PassthroughBehavior"),
        content_handling=text(value, "ContentHandling"),
        timeout_ms=optional_int(value, "TimeoutInMillis"),
        cache_namespace=text(value, "CacheNamespace"),
        cache_key_parameters=strings(value, "CacheKeyParameters"),
        connection_type=text(value, "ConnectionType"),
        connection_id=text(value, "ConnectionId"),
        responses={response.status_code: response for response in responses},
    )


def _integration_response(value: Mapping[str, Any]) -> IntegrationResponse:
    return IntegrationResponse(
        status_code=str(require(value, "StatusCode")),
        # an empty pattern is the default response, as no pattern is
        selection_pattern=text(value, "SelectionPattern") or None,
        response_parameters=string_map(value, "ResponseParameters"),
        response_templates=string_map(value, "ResponseTemplates"),
        content_handling=text(value, "ContentHandling"),
    )


def _list(properties: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = properties.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise TemplateError(f"Value of property {key} must be a list of objects")
    return value


def _truth(value: Any) -> bool:
    """A required-or-not flag of a parameter: true/false, or their text from a parameter."""
    return value is True or str(value).lower() == "true"
