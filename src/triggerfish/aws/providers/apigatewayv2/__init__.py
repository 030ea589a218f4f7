"""The API Gateway v2 provider (HTTP APIs): a table from operation name to a small method of one of its parts."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.apigatewayv2.apis import ApiOperations, Operation
from triggerfish.aws.providers.apigatewayv2.authorizers import AuthorizerOperations
from triggerfish.aws.providers.apigatewayv2.routes import RouteOperations
from triggerfish.aws.providers.apigatewayv2.stages import StageOperations
from triggerfish.aws.providers.apigatewayv2.tags import TagOperations
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.services.apigatewayv2 import HttpApiService

# An imported OpenAPI definition may be large (API Gateway quotas: "API definition file size", 6 MB)
IMPORT_LIMIT = BodyLimit(6 * 1_048_576, "ImportApi")
OTHER_LIMIT = BodyLimit(1_048_576, "ApiGatewayV2")


class ApiGatewayV2Provider:
    def __init__(self, service: HttpApiService) -> None:
        self._table: dict[str, Operation] = {
            **ApiOperations(service).table(),
            **RouteOperations(service).table(),
            **AuthorizerOperations(service).table(),
            **StageOperations(service).table(),
            **TagOperations(service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        # ImportApi and ReimportApi are the PUTs of this API
        return IMPORT_LIMIT if request.method.upper() == "PUT" else OTHER_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["ApiGatewayV2Provider"]
