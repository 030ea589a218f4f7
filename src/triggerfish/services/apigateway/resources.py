"""The resource tree: GetResources, GetResource, CreateResource, UpdateResource, DeleteResource."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from triggerfish.services.apigateway.errors import BadRequest, resource_not_found
from triggerfish.services.apigateway.ids import new_id
from triggerfish.services.apigateway.models import Resource, RestApi, Scope
from triggerfish.services.apigateway.patches import Patch, patches, unsupported
from triggerfish.services.apigateway.paths import check_new_child, child_path, descendants, with_paths
from triggerfish.services.apigateway.registry import RestApiRegistry


def locate(registry: RestApiRegistry, scope: Scope, api_id: str, resource_id: str) -> tuple[RestApi, Resource]:
    """The API and one of its resources; a missing API reads as a missing resource (observed answers)."""
    api = registry.require(scope, api_id, resource_not_found)
    resource = api.resources.get(resource_id)
    if resource is None:
        raise resource_not_found()
    return api, resource


def with_resource(api: RestApi, resource: Resource) -> RestApi:
    return replace(api, resources={**api.resources, resource.id: resource})


class Resources:
    def __init__(self, registry: RestApiRegistry) -> None:
        self._registry = registry

    def list(self, scope: Scope, api_id: str) -> list[Resource]:
        api = self._registry.require(scope, api_id)
        # ordered by path, as AWS lists them (observed GetResources answers)
        return sorted(api.resources.values(), key=lambda r: r.path)

    def get(self, scope: Scope, api_id: str, resource_id: str) -> Resource:
        return locate(self._registry, scope, api_id, resource_id)[1]

    async def create(self, scope: Scope, api_id: str, parent_id: str, path_part: str) -> Resource:
        api, parent = locate(self._registry, scope, api_id, parent_id)
        check_new_child(api.resources, parent, path_part)
        resource = Resource(new_id(api.resources), parent.id, path_part, child_path(parent.path, path_part))
        await self._registry.save(with_resource(api, resource))
        return resource

    async def delete(self, scope: Scope, api_id: str, resource_id: str) -> None:
        api, resource = locate(self._registry, scope, api_id, resource_id)
        if resource.parent_id is None:
            raise BadRequest("Cannot delete root resource")
        gone = descendants(api.resources, resource_id) | {resource_id}
        kept = {key: value for key, value in api.resources.items() if key not in gone}
        await self._registry.save(replace(api, resources=kept))

    async def update(
        self, scope: Scope, api_id: str, resource_id: str, operations: Iterable[Mapping[str, Any]] | None
    ) -> Resource:
        api, resource = locate(self._registry, scope, api_id, resource_id)
        for patch in patches(operations):
            resource = _apply(api, resource, patch)
            api = replace(api, resources=with_paths({**api.resources, resource.id: resource}, api.root_id))
            resource = api.resources[resource.id]
        await self._registry.save(api)
        return resource


def _apply(api: RestApi, resource: Resource, patch: Patch) -> Resource:
    if patch.op != "replace" or patch.path not in ("/pathPart", "/parentId"):
        raise unsupported(patch, "/parentId, /pathPart")
    value = str(patch.value or "")
    if resource.parent_id is None:
        # observed UpdateResource answers on the root resource
        member = "pathPart" if patch.path == "/pathPart" else "parentId"
        raise BadRequest(f"Root resource cannot update its {member}.")
    if patch.path == "/pathPart":
        parent = api.resources[resource.parent_id]
        check_new_child(api.resources, parent, value, moving=resource.id)
        return replace(resource, path_part=value)
    parent_or_none = api.resources.get(value)
    if parent_or_none is None:
        raise resource_not_found()
    if value == resource.id or value in descendants(api.resources, resource.id):
        raise BadRequest("Resources cannot be cyclical.")
    check_new_child(api.resources, parent_or_none, resource.path_part, moving=resource.id)
    return replace(resource, parent_id=value)
