"""Authorizers: CreateAuthorizer, GetAuthorizer, GetAuthorizers, UpdateAuthorizer, DeleteAuthorizer."""

from __future__ import annotations

from triggerfish.aws.providers.apigatewayv2 import shapes
from triggerfish.aws.providers.apigatewayv2.apis import Operation
from triggerfish.aws.providers.apigatewayv2.fields import authorizer_fields
from triggerfish.aws.providers.apigatewayv2.paging import page
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigatewayv2 import HttpApiService


class AuthorizerOperations:
    def __init__(self, service: HttpApiService) -> None:
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
        return Reply(
            shapes.authorizer(await self._authorizers.create(p["ApiId"], authorizer_fields(p), scope=call.scope))
        )

    async def get(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.authorizer(self._authorizers.get(p["ApiId"], p["AuthorizerId"], scope=call.scope)))

    async def list(self, call: Call) -> Reply:
        authorizers = self._authorizers.list(call.params["ApiId"], scope=call.scope)
        return Reply(page(authorizers, call.params, lambda authorizer: authorizer.id, shapes.authorizer))

    async def update(self, call: Call) -> Reply:
        p = call.params
        authorizer = await self._authorizers.update(
            p["ApiId"], p["AuthorizerId"], authorizer_fields(p), scope=call.scope
        )
        return Reply(shapes.authorizer(authorizer))

    async def delete(self, call: Call) -> Reply:
        await self._authorizers.delete(call.params["ApiId"], call.params["AuthorizerId"], scope=call.scope)
        return Reply()
