"""Tags on functions: TagResource, UntagResource and ListTags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from triggerfish.core.errors import InvalidParameterValue

if TYPE_CHECKING:
    from triggerfish.services.lambda_.service import LambdaService, Scope

MAX_TAGS = 50


class FunctionTags:
    def __init__(self, service: LambdaService) -> None:
        self._service = service

    async def tag(self, resource: str, tags: Mapping[str, str], *, scope: Scope) -> None:
        function = self._service.get_function(resource, scope=scope)
        for key in tags:
            # AWS reserves the aws: prefix for its own tags.
            if key.lower().startswith("aws:"):
                raise InvalidParameterValue("aws: prefixed tag key names are not allowed for external use.")
        merged = {**function.tags, **tags}
        if len(merged) > MAX_TAGS:
            raise InvalidParameterValue(f"Number of tags exceeds resource tag limit ({MAX_TAGS}).")
        await self._service.functions.update(function.evolve(tags=merged))

    async def untag(self, resource: str, keys: Iterable[str], *, scope: Scope) -> None:
        function = self._service.get_function(resource, scope=scope)
        drop = set(keys)
        await self._service.functions.update(
            function.evolve(tags={k: v for k, v in function.tags.items() if k not in drop})
        )

    def list(self, resource: str, *, scope: Scope) -> dict[str, str]:
        return dict(self._service.get_function(resource, scope=scope).tags)
