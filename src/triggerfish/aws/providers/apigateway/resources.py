"""Resources, methods and method responses: Get/Create/Update/DeleteResource, *Method, *MethodResponse."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.apigateway import shapes
from triggerfish.aws.providers.apigateway.paging import page
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigateway.methods import NewMethod
from triggerfish.services.apigateway.service import RestApiService

Operation = Callable[[Call], Awaitable[Reply]]


def _embeds_methods(call: Call) -> bool:
    return "methods" in (call.params.get("embed") or ())


class ResourceOperations:
    def __init__(self, service: RestApiService) -> None:
        self._resources = service.resources
        self._methods = service.methods

    def table(self) -> dict[str, Operation]:
        return {
            "GetResources": self.list,
            "GetResource": self.get,
            "CreateResource": self.create,
            "UpdateResource": self.update,
            "DeleteResource": self.delete,
            "PutMethod": self.put_method,
            "GetMethod": self.get_method,
            "UpdateMethod": self.update_method,
            "DeleteMethod": self.delete_method,
            "PutMethodResponse": self.put_method_response,
            "GetMethodResponse": self.get_method_response,
            "DeleteMethodResponse": self.delete_method_response,
        }

    async def list(self, call: Call) -> Reply:
        found = self._resources.list(call.scope, call.params["restApiId"])
        chosen, position = page(found, dict(call.params), lambda r: r.path)
        embed = _embeds_methods(call)
        result: dict[str, Any] = {"items": [shapes.resource(r, embed=embed) for r in chosen]}
        if position:
            result["position"] = position
        return Reply(result)

    async def get(self, call: Call) -> Reply:
        p = call.params
        found = self._resources.get(call.scope, p["restApiId"], p["resourceId"])
        return Reply(shapes.resource(found, embed=_embeds_methods(call)))

    async def create(self, call: Call) -> Reply:
        p = call.params
        created = await self._resources.create(call.scope, p["restApiId"], p["parentId"], p["pathPart"])
        return Reply(shapes.resource(created))

    async def update(self, call: Call) -> Reply:
        p = call.params
        updated = await self._resources.update(call.scope, p["restApiId"], p["resourceId"], p.get("patchOperations"))
        return Reply(shapes.resource(updated))

    async def delete(self, call: Call) -> Reply:
        await self._resources.delete(call.scope, call.params["restApiId"], call.params["resourceId"])
        return Reply()

    async def put_method(self, call: Call) -> Reply:
        p = call.params
        settings = NewMethod(
            authorization_type=p["authorizationType"],
            authorizer_id=p.get("authorizerId"),
            api_key_required=bool(p.get("apiKeyRequired", False)),
            operation_name=p.get("operationName"),
            request_parameters=p.get("requestParameters") or {},
            request_models=p.get("requestModels") or {},
            request_validator_id=p.get("requestValidatorId"),
            authorization_scopes=tuple(p.get("authorizationScopes") or ()),
        )
        created = await self._methods.put(call.scope, p["restApiId"], p["resourceId"], p["httpMethod"], settings)
        return Reply(shapes.method(created))

    async def get_method(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.method(self._methods.get(call.scope, p["restApiId"], p["resourceId"], p["httpMethod"])))

    async def update_method(self, call: Call) -> Reply:
        p = call.params
        updated = await self._methods.update(
            call.scope, p["restApiId"], p["resourceId"], p["httpMethod"], p.get("patchOperations")
        )
        return Reply(shapes.method(updated))

    async def delete_method(self, call: Call) -> Reply:
        p = call.params
        await self._methods.delete(call.scope, p["restApiId"], p["resourceId"], p["httpMethod"])
        return Reply()

    async def put_method_response(self, call: Call) -> Reply:
        p = call.params
        response = await self._methods.put_response(
            call.scope,
            p["restApiId"],
            p["resourceId"],
            p["httpMethod"],
            p["statusCode"],
            p.get("responseParameters"),
            p.get("responseModels"),
        )
        return Reply(shapes.method_response(response))

    async def get_method_response(self, call: Call) -> Reply:
        p = call.params
        response = self._methods.get_response(
            call.scope, p["restApiId"], p["resourceId"], p["httpMethod"], p["statusCode"]
        )
        return Reply(shapes.method_response(response))

    async def delete_method_response(self, call: Call) -> Reply:
        p = call.params
        await self._methods.delete_response(
            call.scope, p["restApiId"], p["resourceId"], p["httpMethod"], p["statusCode"]
        )
        return Reply()
