"""PutIntegration, GetIntegration, DeleteIntegration and the three integration-response operations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.apigateway import shapes
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigateway.integrations import NewIntegration
from triggerfish.services.apigateway.models import IntegrationResponse
from triggerfish.services.apigateway.service import RestApiService

Operation = Callable[[Call], Awaitable[Reply]]


class IntegrationOperations:
    def __init__(self, service: RestApiService) -> None:
        self._integrations = service.integrations

    def table(self) -> dict[str, Operation]:
        return {
            "PutIntegration": self.put,
            "GetIntegration": self.get,
            "DeleteIntegration": self.delete,
            "PutIntegrationResponse": self.put_response,
            "GetIntegrationResponse": self.get_response,
            "DeleteIntegrationResponse": self.delete_response,
        }

    async def put(self, call: Call) -> Reply:
        p = call.params
        settings = NewIntegration(
            type=p["type"],
            http_method=p.get("integrationHttpMethod"),
            uri=p.get("uri"),
            credentials=p.get("credentials"),
            request_parameters=p.get("requestParameters") or {},
            request_templates=p.get("requestTemplates") or {},
            passthrough_behavior=p.get("passthroughBehavior"),
            content_handling=p.get("contentHandling"),
            timeout_ms=p.get("timeoutInMillis"),
            cache_namespace=p.get("cacheNamespace"),
            cache_key_parameters=tuple(p.get("cacheKeyParameters") or ()),
            connection_type=p.get("connectionType"),
            connection_id=p.get("connectionId"),
        )
        created = await self._integrations.put(call.scope, p["restApiId"], p["resourceId"], p["httpMethod"], settings)
        return Reply(shapes.integration(created))

    async def get(self, call: Call) -> Reply:
        p = call.params
        found = self._integrations.get(call.scope, p["restApiId"], p["resourceId"], p["httpMethod"])
        return Reply(shapes.integration(found))

    async def delete(self, call: Call) -> Reply:
        p = call.params
        await self._integrations.delete(call.scope, p["restApiId"], p["resourceId"], p["httpMethod"])
        return Reply()

    async def put_response(self, call: Call) -> Reply:
        p = call.params
        response = IntegrationResponse(
            status_code=p["statusCode"],
            selection_pattern=p.get("selectionPattern"),
            response_parameters=p.get("responseParameters") or {},
            response_templates=p.get("responseTemplates") or {},
            content_handling=p.get("contentHandling"),
        )
        created = await self._integrations.put_response(
            call.scope, p["restApiId"], p["resourceId"], p["httpMethod"], response
        )
        return Reply(shapes.integration_response(created))

    async def get_response(self, call: Call) -> Reply:
        p = call.params
        found = self._integrations.get_response(
            call.scope, p["restApiId"], p["resourceId"], p["httpMethod"], p["statusCode"]
        )
        return Reply(shapes.integration_response(found))

    async def delete_response(self, call: Call) -> Reply:
        p = call.params
        await self._integrations.delete_response(
            call.scope, p["restApiId"], p["resourceId"], p["httpMethod"], p["statusCode"]
        )
        return Reply()
