"""TagResource, UntagResource and GetTags, for APIs and stages (named by their tagging ARNs)."""

from __future__ import annotations

from triggerfish.aws.providers.apigatewayv2.apis import Operation
from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.apigatewayv2 import HttpApiService


class TagOperations:
    def __init__(self, service: HttpApiService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {"TagResource": self.tag, "UntagResource": self.untag, "GetTags": self.get}

    async def tag(self, call: Call) -> Reply:
        await self._service.tag_resource(call.params["ResourceArn"], call.params.get("Tags", {}), scope=call.scope)
        return Reply()

    async def untag(self, call: Call) -> Reply:
        await self._service.untag_resource(call.params["ResourceArn"], call.params["TagKeys"], scope=call.scope)
        return Reply()

    async def get(self, call: Call) -> Reply:
        return Reply({"Tags": self._service.get_tags(call.params["ResourceArn"], scope=call.scope)})
