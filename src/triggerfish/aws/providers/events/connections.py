"""EventBridge connection and API destination operations: each unpacks its request and calls the service.

Response shapes follow the botocore model; secrets never leave the service (``DescribeConnection``
shows user names, key names and client ids only).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.events import api_destination_models as destinations
from triggerfish.services.events import connection_models as connections
from triggerfish.services.events.api_destinations import ApiDestinations
from triggerfish.services.events.connection_models import ConnectionState

Operation = Callable[[Call], Awaitable[Reply]]


class ConnectionOperations:
    def __init__(self, service: ApiDestinations) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateConnection": self.create_connection,
            "DescribeConnection": self.describe_connection,
            "ListConnections": self.list_connections,
            "UpdateConnection": self.update_connection,
            "DeleteConnection": self.delete_connection,
            "DeauthorizeConnection": self.deauthorize_connection,
            "CreateApiDestination": self.create_api_destination,
            "DescribeApiDestination": self.describe_api_destination,
            "ListApiDestinations": self.list_api_destinations,
            "UpdateApiDestination": self.update_api_destination,
            "DeleteApiDestination": self.delete_api_destination,
        }

    # -- connections

    async def create_connection(self, call: Call) -> Reply:
        p = call.params
        connection = await self._service.create_connection(
            p["Name"],
            p["AuthorizationType"],
            p.get("AuthParameters"),
            description=p.get("Description"),
            kms_key=p.get("KmsKeyIdentifier"),
            scope=call.scope,
        )
        return Reply(connections.state_shape(connection))

    async def describe_connection(self, call: Call) -> Reply:
        connection = self._service.describe_connection(call.params["Name"], scope=call.scope)
        return Reply(connections.describe_shape(connection))

    async def list_connections(self, call: Call) -> Reply:
        p = call.params
        found, token = self._service.list_connections(
            p.get("NamePrefix"), p.get("ConnectionState"), p.get("Limit"), p.get("NextToken"), scope=call.scope
        )
        return Reply(_page("Connections", [connections.summary_shape(c) for c in found], token))

    async def update_connection(self, call: Call) -> Reply:
        p = call.params
        connection = await self._service.update_connection(
            p["Name"],
            description=p.get("Description"),
            authorization_type=p.get("AuthorizationType"),
            auth_parameters=p.get("AuthParameters"),
            kms_key=p.get("KmsKeyIdentifier"),
            scope=call.scope,
        )
        return Reply(connections.state_shape(connection))

    async def delete_connection(self, call: Call) -> Reply:
        connection = await self._service.delete_connection(call.params["Name"], scope=call.scope)
        # the answer names the state the connection is leaving through (model: ConnectionState)
        return Reply(connections.state_shape(connection, state=ConnectionState.DELETING))

    async def deauthorize_connection(self, call: Call) -> Reply:
        connection = await self._service.deauthorize_connection(call.params["Name"], scope=call.scope)
        return Reply(connections.state_shape(connection, state=ConnectionState.DEAUTHORIZING))

    # -- API destinations

    async def create_api_destination(self, call: Call) -> Reply:
        p = call.params
        destination = await self._service.create_api_destination(
            p["Name"],
            p["ConnectionArn"],
            p["InvocationEndpoint"],
            p["HttpMethod"],
            rate=p.get("InvocationRateLimitPerSecond"),
            description=p.get("Description"),
            scope=call.scope,
        )
        return Reply(destinations.state_shape(destination, self._service.state_of(destination)))

    async def describe_api_destination(self, call: Call) -> Reply:
        destination = self._service.describe_api_destination(call.params["Name"], scope=call.scope)
        return Reply(destinations.describe_shape(destination, self._service.state_of(destination)))

    async def list_api_destinations(self, call: Call) -> Reply:
        p = call.params
        found, token = self._service.list_api_destinations(
            p.get("NamePrefix"), p.get("ConnectionArn"), p.get("Limit"), p.get("NextToken"), scope=call.scope
        )
        shapes = [destinations.summary_shape(d, self._service.state_of(d)) for d in found]
        return Reply(_page("ApiDestinations", shapes, token))

    async def update_api_destination(self, call: Call) -> Reply:
        p = call.params
        destination = await self._service.update_api_destination(
            p["Name"],
            connection_arn=p.get("ConnectionArn"),
            endpoint=p.get("InvocationEndpoint"),
            method=p.get("HttpMethod"),
            rate=p.get("InvocationRateLimitPerSecond"),
            description=p.get("Description"),
            scope=call.scope,
        )
        return Reply(destinations.state_shape(destination, self._service.state_of(destination)))

    async def delete_api_destination(self, call: Call) -> Reply:
        await self._service.delete_api_destination(call.params["Name"], scope=call.scope)
        return Reply()


def _page(member: str, items: list[dict[str, Any]], token: str | None) -> dict[str, Any]:
    shape: dict[str, Any] = {member: items}
    if token:
        shape["NextToken"] = token
    return shape
