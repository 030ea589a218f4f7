"""The API Gateway (REST APIs, v1) provider: a table from operation name to a small method of one of its parts."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.apigateway.apis import ApiOperations, Operation
from triggerfish.aws.providers.apigateway.authorizers import AuthorizerOperations
from triggerfish.aws.providers.apigateway.deployments import DeploymentOperations
from triggerfish.aws.providers.apigateway.integrations import IntegrationOperations
from triggerfish.aws.providers.apigateway.resources import ResourceOperations
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.services.apigateway.service import RestApiService

# ImportRestApi and PutRestApi carry a whole OpenAPI definition; API Gateway takes up to 6 MB of it
# (API Gateway quotas, "API definition file size"), more once sent as JSON with the rest.
REQUEST_LIMIT = BodyLimit(10 * 1_048_576, "ImportRestApi")


class ApiGatewayProvider:
    def __init__(self, service: RestApiService) -> None:
        self._table: dict[str, Operation] = {
            **ApiOperations(service).table(),
            **ResourceOperations(service).table(),
            **IntegrationOperations(service).table(),
            **AuthorizerOperations(service).table(),
            **DeploymentOperations(service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["ApiGatewayProvider"]
