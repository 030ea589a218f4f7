"""Routes and integrations: Create, Get, Get (list), Update and Delete of each."""

from __future__ import annotations

from triggerfish.aws.providers.apigatewayv2 import shapes
from triggerfish.aws.providers.apigatewayv2.apis import Operation
from triggerfish.aws.providers.apigatewayv2.fields import integration_fields, route_fields
from triggerfish.aws.providers.apigatewayv2.paging import page
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigatewayv2 import HttpApiService


class RouteOperations:
    def __init__(self, service: HttpApiService) -> None:
        self._routes = service.routes
        self._integrations = service.integrations

    def table(self) -> dict[str, Operation]:
        return {
            "CreateRoute": self.create_route,
            "GetRoute": self.get_route,
            "GetRoutes": self.get_routes,
            "UpdateRoute": self.update_route,
            "DeleteRoute": self.delete_route,
            "CreateIntegration": self.create_integration,
            "GetIntegration": self.get_integration,
            "GetIntegrations": self.get_integrations,
            "UpdateIntegration": self.update_integration,
            "DeleteIntegration": self.delete_integration,
        }

    async def create_route(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.route(await self._routes.create(p["ApiId"], route_fields(p), scope=call.scope)))

    async def get_route(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.route(self._routes.get(p["ApiId"], p["RouteId"], scope=call.scope)))

    async def get_routes(self, call: Call) -> Reply:
        routes = self._routes.list(call.params["ApiId"], scope=call.scope)
        return Reply(page(routes, call.params, lambda route: route.id, shapes.route))

    async def update_route(self, call: Call) -> Reply:
        p = call.params
        route = await self._routes.update(p["ApiId"], p["RouteId"], route_fields(p), scope=call.scope)
        return Reply(shapes.route(route))

    async def delete_route(self, call: Call) -> Reply:
        await self._routes.delete(call.params["ApiId"], call.params["RouteId"], scope=call.scope)
        return Reply()

    async def create_integration(self, call: Call) -> Reply:
        p = call.params
        integration = await self._integrations.create(p["ApiId"], integration_fields(p), scope=call.scope)
        return Reply(shapes.integration(integration))

    async def get_integration(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.integration(self._integrations.get(p["ApiId"], p["IntegrationId"], scope=call.scope)))

    async def get_integrations(self, call: Call) -> Reply:
        integrations = self._integrations.list(call.params["ApiId"], scope=call.scope)
        return Reply(page(integrations, call.params, lambda integration: integration.id, shapes.integration))

    async def update_integration(self, call: Call) -> Reply:
        p = call.params
        integration = await self._integrations.update(
            p["ApiId"], p["IntegrationId"], integration_fields(p), scope=call.scope
        )
        return Reply(shapes.integration(integration))

    async def delete_integration(self, call: Call) -> Reply:
        await self._integrations.delete(call.params["ApiId"], call.params["IntegrationId"], scope=call.scope)
        return Reply()
