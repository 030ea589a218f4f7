"""ImportRestApi and PutRestApi: an API built from, or overwritten or merged with, a definition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from triggerfish.services.apigateway import authorizers as authorizer_rules
from triggerfish.services.apigateway import methods as method_rules
from triggerfish.services.apigateway.apis import NewApi, blank_api
from triggerfish.services.apigateway.errors import BadRequest
from triggerfish.services.apigateway.ids import new_id
from triggerfish.services.apigateway.integrations import build_integration
from triggerfish.services.apigateway.models import Authorizer, Method, Resource, RestApi, Scope
from triggerfish.services.apigateway.openapi import INVALID, Definition, read_definition
from triggerfish.services.apigateway.openapi_operations import ImportedMethod
from triggerfish.services.apigateway.paths import check_new_child, child_path
from triggerfish.services.apigateway.registry import RestApiRegistry

Body = bytes | str | Mapping[str, Any]
MODES = ("overwrite", "merge")


class Imports:
    def __init__(self, registry: RestApiRegistry) -> None:
        self._registry = registry

    async def import_api(self, scope: Scope, body: Body, parameters: Mapping[str, str] | None = None) -> RestApi:
        definition = read_definition(body, parameters)
        if not definition.title:
            raise BadRequest(INVALID)  # the API's name comes from info.title
        settings = NewApi(
            name=definition.title,
            description=definition.description or None,
            version=definition.version,
            binary_media_types=definition.binary_media_types,
            api_key_source=definition.api_key_source,
            endpoint_types=definition.endpoint_types,
            disable_execute_api_endpoint=bool(definition.disable_execute_api_endpoint),
        )
        api = apply_definition(blank_api(self._registry, scope, settings), definition, mode="overwrite")
        return await self._registry.save(api)

    async def put_api(
        self,
        scope: Scope,
        api_id: str,
        body: Body,
        *,
        mode: str = "merge",
        parameters: Mapping[str, str] | None = None,
    ) -> RestApi:
        api = self._registry.require(scope, api_id)
        if mode not in MODES:
            raise BadRequest("Invalid mode specified. Valid options are overwrite,merge")
        return await self._registry.save(apply_definition(api, read_definition(body, parameters), mode=mode))


def apply_definition(api: RestApi, definition: Definition, *, mode: str) -> RestApi:
    """``api`` with ``definition`` laid over it: replacing its resources and authorizers
    (``overwrite``) or adding to them, methods of the same path and verb replaced (``merge``)."""
    overwrite = mode == "overwrite"
    root = api.resources[api.root_id]
    resources: dict[str, Resource] = {api.root_id: replace(root, methods={})} if overwrite else dict(api.resources)
    authorizers = _authorizers({} if overwrite else dict(api.authorizers), definition)
    by_name = {a.name: a.id for a in authorizers.values()}
    for path in sorted(set(definition.paths)):
        _ensure_path(resources, api.root_id, path)
    staged = replace(api, resources=resources, authorizers=authorizers)
    for imported in definition.methods:
        resource = next(r for r in resources.values() if r.path == imported.path)
        method = _method(staged, resource, imported, by_name)
        resources[resource.id] = replace(resource, methods={**resource.methods, method.http_method: method})
    media = definition.binary_media_types
    return replace(
        staged,
        name=(definition.title or api.name) if overwrite else api.name,
        description=definition.description if overwrite else (definition.description or api.description),
        version=definition.version if overwrite else (definition.version or api.version),
        binary_media_types=media if overwrite else tuple(dict.fromkeys((*api.binary_media_types, *media))),
        disable_execute_api_endpoint=(
            api.disable_execute_api_endpoint
            if definition.disable_execute_api_endpoint is None
            else definition.disable_execute_api_endpoint
        ),
        resources=resources,
    )


def _authorizers(current: dict[str, Authorizer], definition: Definition) -> dict[str, Authorizer]:
    ids_by_name = {a.name: a.id for a in current.values()}
    for settings in definition.authorizers:
        authorizer_id = ids_by_name.get(settings.name) or new_id(current)
        current[authorizer_id] = authorizer_rules.checked(
            Authorizer(
                id=authorizer_id,
                name=settings.name,
                type=settings.type,
                authorizer_uri=settings.authorizer_uri,
                authorizer_credentials=settings.authorizer_credentials,
                identity_source=settings.identity_source,
                identity_validation_expression=settings.identity_validation_expression,
                result_ttl=settings.result_ttl,
                auth_type=settings.auth_type,
                provider_arns=settings.provider_arns,
            )
        )
    return current


def _ensure_path(resources: dict[str, Resource], root_id: str, path: str) -> None:
    parent = resources[root_id]
    for part in (p for p in path.split("/") if p):
        child = next((r for r in resources.values() if r.parent_id == parent.id and r.path_part == part), None)
        if child is None:
            check_new_child(resources, parent, part)
            child = Resource(new_id(resources), parent.id, part, child_path(parent.path, part))
            resources[child.id] = child
        parent = child


def _method(api: RestApi, resource: Resource, imported: ImportedMethod, by_name: Mapping[str, str]) -> Method:
    settings = imported.settings
    authorizer_id = by_name.get(imported.authorizer_name) if imported.authorizer_name else None
    integration = None
    if imported.integration is not None:
        try:
            integration = build_integration(resource.id, imported.integration)
        except BadRequest:
            raise BadRequest(
                f"Unable to parse API definition because of a malformed integration at path {imported.path}."
            ) from None
    method = Method(
        http_method=imported.http_method,
        authorization_type=settings.authorization_type if authorizer_id or not imported.authorizer_name else "NONE",
        authorizer_id=authorizer_id,
        api_key_required=settings.api_key_required,
        operation_name=settings.operation_name,
        request_parameters=dict(settings.request_parameters),
        authorization_scopes=settings.authorization_scopes,
        integration=integration,
        responses=dict(imported.responses),
    )
    return method_rules.checked(api, method)
