"""CreateAuthorizer, GetAuthorizer, GetAuthorizers, UpdateAuthorizer and DeleteAuthorizer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.apigateway import shapes
from triggerfish.aws.providers.apigateway.paging import page
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigateway.authorizers import NewAuthorizer
from triggerfish.services.apigateway.service import RestApiService

Operation = Callable[[Call], Awaitable[Reply]]


class AuthorizerOperations:
    def __init__(self, service: RestApiService) -> None:
        self._authorizers = service.authorizers

    def table(self) -> dict[str, Operation]:
        return {
            "CreateAuthorizer": self.create,
            "GetAuthorizer": self.get,
            "GetAuthorizers": self.list,
            "UpdateAuthorizer": self.update,
            "DeleteAuthorizer": self.delete,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        settings = NewAuthorizer(
            name=p["name"],
            type=p["type"],
            authorizer_uri=p.get("authorizerUri"),
            authorizer_credentials=p.get("authorizerCredentials"),
            identity_source=p.get("identitySource"),
            identity_validation_expression=p.get("identityValidationExpression"),
            result_ttl=p.get("authorizerResultTtlInSeconds"),
            auth_type=p.get("authType"),
            provider_arns=tuple(p.get("providerARNs") or ()),
        )
        return Reply(shapes.authorizer(await self._authorizers.create(call.scope, p["restApiId"], settings)))

    async def get(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.authorizer(self._authorizers.get(call.scope, p["restApiId"], p["authorizerId"])))

    async def list(self, call: Call) -> Reply:
        found = self._authorizers.list(call.scope, call.params["restApiId"])
        keys = {a.id: f"{i:08d}" for i, a in enumerate(found)}
        chosen, position = page(found, dict(call.params), lambda a: keys[a.id])
        result: dict[str, Any] = {"items": [shapes.authorizer(a) for a in chosen]}
        if position:
            result["position"] = position
        return Reply(result)

    async def update(self, call: Call) -> Reply:
        p = call.params
        updated = await self._authorizers.update(
            call.scope, p["restApiId"], p["authorizerId"], p.get("patchOperations")
        )
        return Reply(shapes.authorizer(updated))

    async def delete(self, call: Call) -> Reply:
        await self._authorizers.delete(call.scope, call.params["restApiId"], call.params["authorizerId"])
        return Reply()
