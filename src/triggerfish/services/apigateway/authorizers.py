"""Lambda and Cognito authorizers: Create/Get/Update/DeleteAuthorizer, GetAuthorizers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from triggerfish.services.apigateway.errors import BadRequest, Conflict, authorizer_not_found
from triggerfish.services.apigateway.ids import new_id
from triggerfish.services.apigateway.models import Authorizer, RestApi, Scope
from triggerfish.services.apigateway.patches import Patch, as_int, only_replace, patches, unsupported
from triggerfish.services.apigateway.registry import RestApiRegistry

AUTHORIZER_TYPES = ("TOKEN", "REQUEST", "COGNITO_USER_POOLS")
MAX_TTL = 3600
_TTL_PROBLEM = f"Authorizer TTL must be between 0 and {MAX_TTL} seconds"
_UPDATABLE = (
    "/name, /type, /authType, /authorizerUri, /authorizerCredentials, /identitySource, "
    "/identityValidationExpression, /authorizerResultTtlInSeconds, /providerARNs"
)


@dataclass(frozen=True)
class NewAuthorizer:
    name: str
    type: str
    authorizer_uri: str | None = None
    authorizer_credentials: str | None = None
    identity_source: str | None = None
    identity_validation_expression: str | None = None
    result_ttl: int | None = None
    auth_type: str | None = None
    provider_arns: tuple[str, ...] = ()


def checked(authorizer: Authorizer) -> Authorizer:
    """``authorizer`` after the checks CreateAuthorizer makes."""
    if authorizer.type not in AUTHORIZER_TYPES:
        raise BadRequest("Invalid authorizer type specified. Valid options are " + ",".join(AUTHORIZER_TYPES))
    if authorizer.type == "COGNITO_USER_POOLS":
        if not authorizer.provider_arns:
            raise BadRequest("ProviderARNs need to be specified for COGNITO_USER_POOLS authorizers")
    elif not authorizer.authorizer_uri:
        raise BadRequest("Authorizer URI must be specified for TOKEN and REQUEST authorizers")
    if authorizer.type == "TOKEN" and not authorizer.identity_source:
        raise BadRequest("Identity source must be specified for TOKEN authorizers")
    if authorizer.result_ttl is not None and not 0 <= authorizer.result_ttl <= MAX_TTL:
        # spec §6.5: the result cache TTL is 0 to 3,600 s
        raise BadRequest(_TTL_PROBLEM)
    return authorizer


class Authorizers:
    def __init__(self, registry: RestApiRegistry) -> None:
        self._registry = registry

    async def create(self, scope: Scope, api_id: str, settings: NewAuthorizer) -> Authorizer:
        # observed: CreateAuthorizer on an unknown API answers with this ConflictException
        api = self._registry.require(
            scope,
            api_id,
            lambda: Conflict("Unable to complete operation due to concurrent modification. Please try again later."),
        )
        authorizer = checked(
            Authorizer(
                id=new_id(api.authorizers),
                name=settings.name,
                type=settings.type.upper(),
                authorizer_uri=settings.authorizer_uri,
                authorizer_credentials=settings.authorizer_credentials,
                identity_source=settings.identity_source,
                identity_validation_expression=settings.identity_validation_expression,
                result_ttl=settings.result_ttl,
                auth_type=settings.auth_type,
                provider_arns=tuple(settings.provider_arns),
            )
        )
        await self._registry.save(replace(api, authorizers={**api.authorizers, authorizer.id: authorizer}))
        return authorizer

    def list(self, scope: Scope, api_id: str) -> list[Authorizer]:
        return list(self._registry.require(scope, api_id).authorizers.values())

    def get(self, scope: Scope, api_id: str, authorizer_id: str) -> Authorizer:
        return self._locate(scope, api_id, authorizer_id)[1]

    async def update(
        self, scope: Scope, api_id: str, authorizer_id: str, operations: Iterable[Mapping[str, Any]] | None
    ) -> Authorizer:
        api, authorizer = self._locate(scope, api_id, authorizer_id)
        for patch in patches(operations):
            authorizer = _apply(authorizer, patch)
        authorizer = checked(authorizer)
        await self._registry.save(replace(api, authorizers={**api.authorizers, authorizer.id: authorizer}))
        return authorizer

    async def delete(self, scope: Scope, api_id: str, authorizer_id: str) -> None:
        api, authorizer = self._locate(scope, api_id, authorizer_id)
        for resource in sorted(api.resources.values(), key=lambda r: r.path):
            for method in resource.methods.values():
                if method.authorizer_id == authorizer_id:
                    # a method still names it (wording follows DeleteModel's observed answer)
                    raise Conflict(
                        f"Cannot delete authorizer '{authorizer.name}', is referenced in method: "
                        f"{resource.path}/{method.http_method}"
                    )
        kept = {key: value for key, value in api.authorizers.items() if key != authorizer_id}
        await self._registry.save(replace(api, authorizers=kept))

    def _locate(self, scope: Scope, api_id: str, authorizer_id: str) -> tuple[RestApi, Authorizer]:
        api = self._registry.require(scope, api_id)
        authorizer = api.authorizers.get(authorizer_id)
        if authorizer is None:
            raise authorizer_not_found()
        return api, authorizer


def _apply(authorizer: Authorizer, patch: Patch) -> Authorizer:
    if patch.path == "/providerARNs" and patch.op in ("add", "remove"):
        arns = [arn for arn in authorizer.provider_arns if arn != patch.value]
        if patch.op == "add" and patch.value:
            arns.append(patch.value)
        return replace(authorizer, provider_arns=tuple(arns))
    value = patch.value or None
    setters = {
        "/name": lambda: replace(authorizer, name=patch.value or authorizer.name),
        "/type": lambda: replace(authorizer, type=str(patch.value or "").upper()),
        "/authType": lambda: replace(authorizer, auth_type=value),
        "/authorizerUri": lambda: replace(authorizer, authorizer_uri=value),
        "/authorizerCredentials": lambda: replace(authorizer, authorizer_credentials=value),
        "/identitySource": lambda: replace(authorizer, identity_source=value),
        "/identityValidationExpression": lambda: replace(authorizer, identity_validation_expression=value),
        "/authorizerResultTtlInSeconds": lambda: replace(authorizer, result_ttl=as_int(patch, _TTL_PROBLEM)),
    }
    setter = setters.get(patch.path)
    if setter is None:
        raise unsupported(patch, _UPDATABLE)
    only_replace(patch)
    return setter()
