"""CreateRestApi, GetRestApi(s), UpdateRestApi, DeleteRestApi, ImportRestApi, PutRestApi and tags."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.apigateway import shapes
from triggerfish.aws.providers.apigateway.paging import page
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigateway.apis import NewApi
from triggerfish.services.apigateway.service import RestApiService

Operation = Callable[[Call], Awaitable[Reply]]


class ApiOperations:
    def __init__(self, service: RestApiService) -> None:
        self._apis = service.apis
        self._imports = service.imports

    def table(self) -> dict[str, Operation]:
        return {
            "CreateRestApi": self.create,
            "GetRestApi": self.get,
            "GetRestApis": self.list,
            "UpdateRestApi": self.update,
            "DeleteRestApi": self.delete,
            "ImportRestApi": self.import_api,
            "PutRestApi": self.put_api,
            "TagResource": self.tag,
            "UntagResource": self.untag,
            "GetTags": self.tags,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        endpoint = p.get("endpointConfiguration") or {}
        settings = NewApi(
            name=p["name"],
            description=p.get("description"),
            version=p.get("version"),
            binary_media_types=p.get("binaryMediaTypes") or (),
            minimum_compression_size=p.get("minimumCompressionSize"),
            api_key_source=p.get("apiKeySource"),
            endpoint_types=endpoint.get("types") if "types" in endpoint else None,
            ip_address_type=endpoint.get("ipAddressType"),
            policy=p.get("policy"),
            disable_execute_api_endpoint=bool(p.get("disableExecuteApiEndpoint", False)),
            tags=p.get("tags"),
        )
        return Reply(shapes.rest_api(await self._apis.create(call.scope, settings)))

    async def get(self, call: Call) -> Reply:
        return Reply(shapes.rest_api(self._apis.get(call.scope, call.params["restApiId"])))

    async def list(self, call: Call) -> Reply:
        apis, position = page(self._apis.list(call.scope), dict(call.params), lambda a: f"{a.created_at:020.6f}{a.id}")
        result: dict[str, Any] = {"items": [shapes.rest_api(api) for api in apis]}
        if position:
            result["position"] = position
        return Reply(result)

    async def update(self, call: Call) -> Reply:
        p = call.params
        api = await self._apis.update(call.scope, p["restApiId"], p.get("patchOperations"))
        return Reply(shapes.rest_api(api, tags=True))

    async def delete(self, call: Call) -> Reply:
        await self._apis.delete(call.scope, call.params["restApiId"])
        return Reply()

    async def import_api(self, call: Call) -> Reply:
        p = call.params
        api = await self._imports.import_api(call.scope, p["body"], _import_parameters(p))
        return Reply(shapes.rest_api(api))

    async def put_api(self, call: Call) -> Reply:
        p = call.params
        api = await self._imports.put_api(
            call.scope, p["restApiId"], p["body"], mode=p.get("mode") or "merge", parameters=_import_parameters(p)
        )
        return Reply(shapes.rest_api(api, tags=True))

    async def tag(self, call: Call) -> Reply:
        await self._apis.tag(call.scope, call.params["resourceArn"], call.params.get("tags") or {})
        return Reply()

    async def untag(self, call: Call) -> Reply:
        await self._apis.untag(call.scope, call.params["resourceArn"], call.params.get("tagKeys") or ())
        return Reply()

    async def tags(self, call: Call) -> Reply:
        return Reply({"tags": dict(self._apis.tags(call.scope, call.params["resourceArn"]))})


def _import_parameters(params: Mapping[str, Any]) -> dict[str, str]:
    # the query map also catches ImportRestApi's fixed "?mode=import", which is no import parameter
    return {k: str(v) for k, v in (params.get("parameters") or {}).items() if k != "mode"}
