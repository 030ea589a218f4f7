"""CreateApi (and quick create), GetApi, GetApis, UpdateApi, DeleteApi, DeleteCorsConfiguration,
ImportApi and ReimportApi."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.apigatewayv2 import shapes
from triggerfish.aws.providers.apigatewayv2.fields import api_fields
from triggerfish.aws.providers.apigatewayv2.paging import page
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.errors import BadRequest
from triggerfish.services.apigatewayv2.inputs import QuickCreate
from triggerfish.services.apigatewayv2.models import ApiState

Operation = Callable[[Call], Awaitable[Reply]]


class ApiOperations:
    def __init__(self, service: HttpApiService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateApi": self.create_api,
            "GetApi": self.get_api,
            "GetApis": self.get_apis,
            "UpdateApi": self.update_api,
            "DeleteApi": self.delete_api,
            "DeleteCorsConfiguration": self.delete_cors_configuration,
            "ImportApi": self.import_api,
            "ReimportApi": self.reimport_api,
        }

    def _shape(self, state: ApiState) -> dict[str, Any]:
        return shapes.api(state, self._service.api_endpoint(state.id))

    async def create_api(self, call: Call) -> Reply:
        p = call.params
        if "RouteKey" in p and "Target" not in p:
            # RouteKey and Target are quick create's, and go together (CreateApi)
            raise BadRequest("RouteKey can be given only with Target, to quick create an API")
        state = await self._service.create_api(
            api_fields(p),
            scope=call.scope,
            protocol_type=p["ProtocolType"],
            tags=p.get("Tags"),
            quick=_quick(p) if "Target" in p else None,
        )
        return Reply(self._shape(state))

    async def get_api(self, call: Call) -> Reply:
        return Reply(self._shape(self._service.get_api(call.params["ApiId"], scope=call.scope)))

    async def get_apis(self, call: Call) -> Reply:
        states = self._service.list_apis(scope=call.scope)
        return Reply(page(states, call.params, lambda state: state.id, self._shape))

    async def update_api(self, call: Call) -> Reply:
        p = call.params
        quick = _quick(p) if "Target" in p or "RouteKey" in p else None
        state = await self._service.update_api(p["ApiId"], api_fields(p), scope=call.scope, quick=quick)
        return Reply(self._shape(state))

    async def delete_api(self, call: Call) -> Reply:
        await self._service.delete_api(call.params["ApiId"], scope=call.scope)
        return Reply()

    async def delete_cors_configuration(self, call: Call) -> Reply:
        await self._service.delete_cors(call.params["ApiId"], scope=call.scope)
        return Reply()

    async def import_api(self, call: Call) -> Reply:
        p = call.params
        state = await self._service.import_api(
            p["Body"], scope=call.scope, basepath=p.get("Basepath"), fail_on_warnings=p.get("FailOnWarnings", False)
        )
        return Reply(self._shape(state))

    async def reimport_api(self, call: Call) -> Reply:
        p = call.params
        state = await self._service.reimport_api(
            p["ApiId"],
            p["Body"],
            scope=call.scope,
            basepath=p.get("Basepath"),
            fail_on_warnings=p.get("FailOnWarnings", False),
        )
        return Reply(self._shape(state))


def _quick(p: Mapping[str, Any]) -> QuickCreate:
    return QuickCreate(p.get("Target"), p.get("RouteKey"), p.get("CredentialsArn"))
