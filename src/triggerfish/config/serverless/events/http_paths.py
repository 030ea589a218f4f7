"""The resource tree of the generated REST API: one ``AWS::ApiGateway::Resource`` per path segment.

Follows the Serverless Framework v3 (``api-gateway/lib/resources.js``): an event's path loses its leading and
trailing ``/``; every prefix of it is a resource ``ApiGatewayResource<NormalizedPath>`` whose ``ParentId`` is
its parent's resource (``Ref``) or, for a first segment, the API's root resource; methods of the root path
hang on the root resource itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triggerfish.config.serverless import naming
from triggerfish.config.serverless.events.context import FunctionEvent

#: the methods an event may name (``any`` is API Gateway's catch-all method)
METHODS = ("GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE", "ANY")
#: what the root resource of the generated API is
ROOT_RESOURCE: dict[str, Any] = {"Fn::GetAtt": [naming.REST_API_LOGICAL_ID, "RootResourceId"]}


@dataclass(frozen=True)
class ResourcePath:
    """An event's path as the API holds it: ``users/{id}`` (empty for the root)."""

    path: str

    @property
    def name(self) -> str:
        """The part of method logical ids that names the resource (``UsersIdVar``; empty for the root)."""
        return naming.normalize_path(self.path) if self.path else ""

    @property
    def resource_id(self) -> dict[str, Any]:
        """What a method's ``ResourceId`` is."""
        if not self.path:
            return dict(ROOT_RESOURCE)
        return {"Ref": naming.rest_resource_logical_id(self.path)}

    @property
    def display(self) -> str:
        return f"/{self.path}"


def resource_path(raw: str) -> ResourcePath | None:
    """The path of an ``http`` event, or None when it cannot be one (blanks, empty segments)."""
    path = raw.removeprefix("/").removesuffix("/")
    if any(character.isspace() for character in path):
        return None
    if path and any(not part for part in path.split("/")):
        return None
    return ResourcePath(path)


def ensure_resources(event: FunctionEvent, path: ResourcePath) -> None:
    """Add the resources of ``path`` and of every prefix of it that are not there yet."""
    if not path.path:
        return
    parent: dict[str, Any] = dict(ROOT_RESOURCE)
    prefix = ""
    for part in path.path.split("/"):
        prefix = f"{prefix}/{part}" if prefix else part
        logical_id = naming.rest_resource_logical_id(prefix)
        properties = {"ParentId": parent, "PathPart": part, "RestApiId": {"Ref": naming.REST_API_LOGICAL_ID}}
        existing = event.stack.resources.get(logical_id)
        if existing is None:
            event.stack.add(logical_id, {"Type": "AWS::ApiGateway::Resource", "Properties": properties})
        elif existing.get("Properties") != properties:
            # two paths that differ only in case or punctuation would share one logical id
            raise event.error(f"path /{prefix} has the same resource name ({logical_id}) as another path", "path")
        parent = {"Ref": logical_id}
