"""``AWS::ApiGateway::RestApi``: a REST API, empty or imported from its OpenAPI definition.

``Ref`` is the API's id; ``GetAtt`` gives ``RootResourceId`` and ``RestApiId``. With ``Body`` (SAM's
``AWS::Serverless::Api`` arrives this way, its integration URIs already resolved) or a local
``BodyS3Location`` the definition is imported, and the other properties are laid over it; a changed
definition is put again over the same API (``Mode``, ``overwrite`` unless given).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.config.deploy.apigateway_values import (
    already_gone,
    definition,
    flag,
    mapping,
    optional_int,
    policy_text,
    rest_apis,
    rest_changed,
    string_map,
    strings,
    tag_list,
    text,
)
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource
from triggerfish.config.errors import TemplateError
from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigateway.apis import NewApi, endpoint_configuration
from triggerfish.services.apigateway.models import RestApi

#: properties a definition also sets: on an imported API, leaving one out keeps the definition's value
_FROM_DEFINITION = (
    "Name",
    "Description",
    "BinaryMediaTypes",
    "DisableExecuteApiEndpoint",
    "EndpointConfiguration",
    "ApiKeySourceType",
)


@dataclass(frozen=True)
class _Settings:
    """The top-level settings a template asks for; None leaves a setting as it is."""

    name: str | None = None
    description: str | None = None
    binary_media_types: tuple[str, ...] | None = None
    endpoint_types: tuple[str, ...] | None = None
    ip_address_type: str | None = None
    policy: str | None = None
    disable_execute_api_endpoint: bool | None = None
    api_key_source: str | None = None
    minimum_compression_size: str | None = None


class RestApiHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        service = rest_apis(context)
        body = definition(context, properties)
        if properties.get("CloneFrom") is not None:
            context.warnings.append(f"Resources.{logical_id}: CloneFrom is not supported locally; the API starts empty")
        tags = tag_list(properties)
        if body is None:
            settings = _settings(properties, imported=False)
            if not settings.name:
                # a name is required unless the API comes from a definition (RestApi, Name)
                raise TemplateError("Property Name cannot be empty.")
            api = await service.apis.create(
                context.scope,
                NewApi(
                    name=settings.name,
                    description=settings.description or None,
                    binary_media_types=settings.binary_media_types or (),
                    minimum_compression_size=optional_int(properties, "MinimumCompressionSize"),
                    api_key_source=settings.api_key_source,
                    endpoint_types=settings.endpoint_types,
                    ip_address_type=settings.ip_address_type,
                    policy=settings.policy or None,
                    disable_execute_api_endpoint=bool(settings.disable_execute_api_endpoint),
                    tags=tags,
                ),
            )
            return _physical(api)
        api = await service.imports.import_api(context.scope, body, string_map(properties, "Parameters"))
        api = await _lay_over(service, context, api, _settings(properties, imported=True), tags, {})
        return _physical(api)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        service = rest_apis(context)
        body = definition(context, properties)
        api = service.apis.get(context.scope, previous.physical_id)
        if body is not None:
            removed = [key for key in _FROM_DEFINITION if key in previous_properties and key not in properties]
            redefined = any(
                properties.get(key) != previous_properties.get(key)
                for key in ("Body", "BodyS3Location", "Parameters", "Mode")
            )
            if redefined or removed:
                mode = text(properties, "Mode") or "overwrite"
                parameters = string_map(properties, "Parameters")
                api = await service.imports.put_api(context.scope, api.id, body, mode=mode, parameters=parameters)
        settings = _settings(properties, imported=body is not None)
        api = await _lay_over(service, context, api, settings, tag_list(properties), tag_list(previous_properties))
        rest_changed(context, api.id)
        return _physical(api)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with already_gone():
            await rest_apis(context).apis.delete(context.scope, resource.physical_id)


def _physical(api: RestApi) -> PhysicalResource:
    return PhysicalResource(api.id, {"RootResourceId": api.root_id, "RestApiId": api.id})


def _settings(properties: Mapping[str, Any], *, imported: bool) -> _Settings:
    """What the template asks for. A setting it leaves out goes back to its default, except on an
    imported API, where the definition's value stands for what the definition can set."""

    def setting(key: str, value: Any, default: Any) -> Any:
        if properties.get(key) is not None:
            return value
        return None if imported and key in _FROM_DEFINITION else default

    endpoint = mapping(properties, "EndpointConfiguration")
    types = strings(endpoint, "Types") or None
    if types is not None:
        endpoint_configuration(types, text(endpoint, "IpAddressType"))  # one type, as CreateRestApi checks
    size = optional_int(properties, "MinimumCompressionSize")
    return _Settings(
        name=text(properties, "Name"),
        description=setting("Description", text(properties, "Description"), ""),
        binary_media_types=setting("BinaryMediaTypes", strings(properties, "BinaryMediaTypes"), ()),
        endpoint_types=setting("EndpointConfiguration", types, ("EDGE",)),
        ip_address_type=text(endpoint, "IpAddressType"),
        policy=policy_text(properties.get("Policy")) or "",
        disable_execute_api_endpoint=setting(
            "DisableExecuteApiEndpoint", flag(properties, "DisableExecuteApiEndpoint"), False
        ),
        api_key_source=setting("ApiKeySourceType", text(properties, "ApiKeySourceType"), "HEADER"),
        minimum_compression_size="" if size is None else str(size),
    )


async def _lay_over(
    service: RestApiService,
    context: DeployContext,
    api: RestApi,
    settings: _Settings,
    tags: Mapping[str, str],
    previous_tags: Mapping[str, str],
) -> RestApi:
    """``api`` with ``settings`` and ``tags`` applied by the patch operations UpdateRestApi takes."""
    operations = _operations(api, settings)
    if operations:
        api = await service.apis.update(context.scope, api.id, operations)
    dropped = [key for key in previous_tags if key not in tags]
    if dropped:
        await service.apis.untag(context.scope, api.arn, dropped)
    if tags and any(api.tags.get(key) != value for key, value in tags.items()):
        await service.apis.tag(context.scope, api.arn, tags)
    return service.apis.get(context.scope, api.id)


def _operations(api: RestApi, settings: _Settings) -> list[dict[str, str]]:
    operations: list[dict[str, str]] = []

    def replace(path: str, value: str | None, current: Any) -> None:
        if value is not None and value != (current if current is not None else ""):
            operations.append({"op": "replace", "path": path, "value": value})

    replace("/name", settings.name, api.name)
    replace("/description", settings.description, api.description)
    replace("/policy", settings.policy, api.policy)
    replace("/apiKeySource", settings.api_key_source, api.api_key_source)
    size = api.minimum_compression_size
    replace("/minimumCompressionSize", settings.minimum_compression_size, None if size is None else str(size))
    if settings.disable_execute_api_endpoint is not None:
        wanted = "true" if settings.disable_execute_api_endpoint else "false"
        replace("/disableExecuteApiEndpoint", wanted, "true" if api.disable_execute_api_endpoint else "false")
    if settings.binary_media_types is not None:
        wanted_types = settings.binary_media_types
        for media in api.binary_media_types:
            if media not in wanted_types:
                operations.append({"op": "remove", "path": f"/binaryMediaTypes/{_escaped(media)}"})
        for media in wanted_types:
            if media not in api.binary_media_types:
                operations.append({"op": "add", "path": f"/binaryMediaTypes/{_escaped(media)}"})
    if settings.endpoint_types is not None and settings.endpoint_types != api.endpoint_types:
        current = api.endpoint_types[0] if api.endpoint_types else "EDGE"
        operations.append(
            {"op": "replace", "path": f"/endpointConfiguration/types/{current}", "value": settings.endpoint_types[0]}
        )
    replace("/endpointConfiguration/ipAddressType", settings.ip_address_type, api.ip_address_type)
    return operations


def _escaped(key: str) -> str:
    # a JSON Pointer segment: "~" is "~0" and "/" is "~1" (RFC 6901)
    return key.replace("~", "~0").replace("/", "~1")
