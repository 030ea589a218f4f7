"""REST APIs themselves: create, read, list, update, delete, and the tags on APIs and stages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from triggerfish.services.apigateway.errors import BadRequest, NotFound
from triggerfish.services.apigateway.ids import API_ID_LENGTH, new_id
from triggerfish.services.apigateway.models import Resource, RestApi, Scope
from triggerfish.services.apigateway.patches import (
    Patch,
    as_bool,
    as_int,
    invalid_path,
    only_replace,
    patches,
)
from triggerfish.services.apigateway.registry import RestApiRegistry

MAX_COMPRESSION = 10_485_760
ENDPOINT_TYPES = ("REGIONAL", "EDGE", "PRIVATE")
_COMPRESSION_PROBLEM = f"Invalid minimum compression size, must be between 0 and {MAX_COMPRESSION}"
_SCALARS = frozenset(
    {"name", "description", "version", "policy", "apiKeySource", "disableExecuteApiEndpoint", "minimumCompressionSize"}
)
_TAGGED = re.compile(r"^arn:aws[a-z-]*:apigateway:([a-z0-9-]+)::/restapis/([^/]+)(?:/stages/([^/]+))?$")


@dataclass(frozen=True)
class NewApi:
    """CreateRestApi's settings."""

    name: str
    description: str | None = None
    version: str | None = None
    binary_media_types: Sequence[str] = ()
    minimum_compression_size: int | None = None
    api_key_source: str | None = None
    endpoint_types: Sequence[str] | None = None
    ip_address_type: str | None = None
    policy: str | None = None
    disable_execute_api_endpoint: bool = False
    tags: Mapping[str, str] | None = None


class RestApis:
    def __init__(self, registry: RestApiRegistry) -> None:
        self._registry = registry

    async def create(self, scope: Scope, settings: NewApi) -> RestApi:
        return await self._registry.save(blank_api(self._registry, scope, settings))

    def get(self, scope: Scope, api_id: str) -> RestApi:
        return self._registry.require(scope, api_id)

    def list(self, scope: Scope) -> list[RestApi]:
        return sorted(self._registry.in_scope(scope), key=lambda api: (api.created_at, api.id))

    async def delete(self, scope: Scope, api_id: str) -> None:
        await self._registry.remove(self._registry.require(scope, api_id))

    async def update(self, scope: Scope, api_id: str, operations: Iterable[Mapping[str, Any]] | None) -> RestApi:
        api = self._registry.require(scope, api_id)
        for patch in patches(operations):
            api = _apply(api, patch)
        return await self._registry.save(api)

    # --- tags (TagResource, UntagResource, GetTags) --------------------------------------------

    def tags(self, scope: Scope, arn: str) -> Mapping[str, str]:
        api, stage = self._tagged(scope, arn)
        return api.tags if stage is None else api.stages[stage].tags

    async def tag(self, scope: Scope, arn: str, tags: Mapping[str, str]) -> None:
        await self._retag(scope, arn, lambda current: {**current, **tags})

    async def untag(self, scope: Scope, arn: str, keys: Iterable[str]) -> None:
        dropped = set(keys)
        await self._retag(scope, arn, lambda current: {k: v for k, v in current.items() if k not in dropped})

    async def _retag(self, scope: Scope, arn: str, change: Any) -> None:
        api, stage = self._tagged(scope, arn)
        if stage is None:
            await self._registry.save(replace(api, tags=change(api.tags)))
            return
        current = api.stages[stage]
        stages = {**api.stages, stage: replace(current, tags=change(current.tags))}
        await self._registry.save(replace(api, stages=stages))

    def _tagged(self, scope: Scope, arn: str) -> tuple[RestApi, str | None]:
        match = _TAGGED.match(arn)
        if match is None:
            raise BadRequest("Invalid ARN specified in the request")
        api = self._registry.require(scope, match.group(2))
        stage = match.group(3)
        if stage is not None and stage not in api.stages:
            raise NotFound("Invalid stage identifier specified")
        return api, stage


def blank_api(registry: RestApiRegistry, scope: Scope, settings: NewApi) -> RestApi:
    """A new API with only its root resource "/", checked as CreateRestApi checks it (not saved yet)."""
    if settings.description == "":
        raise BadRequest("Description cannot be an empty string")
    _check_compression(settings.minimum_compression_size)
    types, address = endpoint_configuration(settings.endpoint_types, settings.ip_address_type)
    root_id = new_id((), API_ID_LENGTH)
    return RestApi(
        id=new_id(registry.ids(), API_ID_LENGTH),
        account=scope.account,
        region=scope.region,
        name=settings.name,
        created_at=registry.clock.now(),
        root_id=root_id,
        description=settings.description,
        version=settings.version,
        binary_media_types=tuple(dict.fromkeys(settings.binary_media_types)),
        minimum_compression_size=settings.minimum_compression_size,
        api_key_source=settings.api_key_source or "HEADER",
        endpoint_types=types,
        ip_address_type=address,
        policy=settings.policy,
        disable_execute_api_endpoint=settings.disable_execute_api_endpoint,
        tags=dict(settings.tags or {}),
        resources={root_id: Resource(root_id, None, "", "/")},
    )


def endpoint_configuration(types: Sequence[str] | None, address: str | None) -> tuple[tuple[str, ...], str]:
    """The endpoint types and IP address type, defaulted and checked as CreateRestApi does."""
    if types is not None and not types:
        raise BadRequest("REGIONAL Configuration and EDGE Configuration cannot be both DISABLED.")
    if types is not None and len(types) > 1:
        raise BadRequest("Cannot create an api with multiple Endpoint Types.")
    chosen = tuple(types or ("EDGE",))
    private = chosen == ("PRIVATE",)
    if private and address == "ipv4":
        raise BadRequest("Only dualstack ipAddressType is supported for Private APIs.")
    # a private API is dual-stack by default, the others IPv4 (observed CreateRestApi answers)
    return chosen, address or ("dualstack" if private else "ipv4")


def _check_compression(size: int | None) -> None:
    if size is not None and not 0 <= size <= MAX_COMPRESSION:
        raise BadRequest(_COMPRESSION_PROBLEM)


def _apply(api: RestApi, patch: Patch) -> RestApi:
    segments = patch.segments
    head = segments[0] if segments else ""
    if head == "binaryMediaTypes" and len(segments) > 1:
        return replace(api, binary_media_types=_media_types(api.binary_media_types, patch))
    if head == "endpointConfiguration" and len(segments) > 1:
        return _endpoint(api, patch)
    if len(segments) != 1 or head not in _SCALARS:
        raise invalid_path(patch)
    only_replace(patch)
    value = patch.value or None
    if head == "name":
        return replace(api, name=patch.value or api.name)
    if head == "description":
        return replace(api, description=value)
    if head == "version":
        return replace(api, version=value)
    if head == "policy":
        return replace(api, policy=value)
    if head == "apiKeySource":
        return replace(api, api_key_source=patch.value or "HEADER")
    if head == "disableExecuteApiEndpoint":
        return replace(api, disable_execute_api_endpoint=as_bool(patch))
    if head == "minimumCompressionSize":
        size = as_int(patch, _COMPRESSION_PROBLEM)
        _check_compression(size)
        return replace(api, minimum_compression_size=size)
    raise invalid_path(patch)


def _media_types(current: tuple[str, ...], patch: Patch) -> tuple[str, ...]:
    named = patch.key_after("binaryMediaTypes") or ""
    kept = [media for media in current if media != named]
    if patch.op == "add":
        return (*current, named) if named not in current else current
    if patch.op == "remove":
        return tuple(kept)
    if patch.op == "replace":
        # the new type goes last (observed: [png, jpeg] with png replaced by gif is [jpeg, gif])
        return tuple(dict.fromkeys([*kept, patch.value] if patch.value else kept))
    raise BadRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'")


def _endpoint(api: RestApi, patch: Patch) -> RestApi:
    segments = patch.segments
    if segments[1] == "ipAddressType" and len(segments) == 2:
        only_replace(patch)
        if patch.value not in ("ipv4", "dualstack"):
            raise BadRequest("ipAddressType must be either ipv4 or dualstack.")
        if api.endpoint_types == ("PRIVATE",) and patch.value == "ipv4":
            raise BadRequest("Only dualstack ipAddressType is supported for Private APIs.")
        return replace(api, ip_address_type=patch.value)
    if segments[1] == "types" and len(segments) == 3:
        if patch.op not in ("add", "remove", "replace"):
            raise BadRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'")
        if patch.value not in ENDPOINT_TYPES:
            raise BadRequest("Invalid EndpointTypes specified. Valid options are REGIONAL,EDGE,PRIVATE")
        address = "dualstack" if patch.value == "PRIVATE" else api.ip_address_type
        return replace(api, endpoint_types=(patch.value,), ip_address_type=address)
    raise invalid_path(patch)
