"""API destinations and their connections: durable CRUD, and the HTTP call a matched event makes.

``ApiDestinations`` owns both resource types because a destination is useless without its
connection: the connection says how to authorize, the destination where and how fast to call.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.core.scope import scope_key
from triggerfish.services.events.api_destination_calls import (
    API_DESTINATION_TIMEOUT,
    build_request,
    failure_for,
    timed_out,
    unreachable,
)
from triggerfish.services.events.api_destination_models import (
    API_DESTINATION_KIND,
    DEFAULT_RATE,
    ApiDestination,
    ApiDestinationState,
    from_document,
    to_document,
)
from triggerfish.services.events.connection_auth import AuthorizationFailed, OAuthTokens, static_auth_header
from triggerfish.services.events.connection_models import AuthorizationType, Connection, ConnectionState
from triggerfish.services.events.connections import (
    CONNECTION_NAME,
    DESCRIPTION,
    Connections,
    endpoint_ok,
    named_in_scope,
    paginate,
)
from triggerfish.services.events.constraints import check
from triggerfish.services.events.errors import (
    LimitExceeded,
    ResourceAlreadyExists,
    ResourceNotFound,
    TargetFailure,
    ValidationException,
)
from triggerfish.services.events.invocation_rate import InvocationRate
from triggerfish.services.events.models import Scope
from triggerfish.services.events.target_failures import ErrorCode
from triggerfish.services.http_call import HttpCallError, HttpResponse, HttpTimeout, http_call
from triggerfish.store.interfaces import DocumentStore

METHODS = ("POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE")
_CONNECTION_ARN = re.compile(
    r"arn:aws[a-z\-]*:events:([a-z0-9\-]*):([0-9]{12})?:connection/[\.\-_A-Za-z0-9]+/[\-A-Za-z0-9]+"
)
# 401 and 407 mean the credentials no longer work (user guide, "De-authorizing connections")
_UNAUTHORIZED = (401, 407)


class ApiDestinations:
    def __init__(self, documents: DocumentStore, clock: Clock, *, timeout: float = API_DESTINATION_TIMEOUT) -> None:
        self._documents = documents
        self._clock = clock
        self._timeout = timeout
        self.connections = Connections(documents, clock)
        self._tokens = OAuthTokens(clock, timeout=timeout)
        self._rate = InvocationRate(clock)
        self._by_key: dict[tuple[str, str], ApiDestination] = {}
        self._authorizing: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.connections.load()
        for document in await self._documents.list(API_DESTINATION_KIND):
            destination = from_document(document.body)
            self._by_key[(document.scope, destination.name)] = destination
        for connection in self.connections.all():
            if connection.state is ConnectionState.AUTHORIZING:
                self._authorize_later(connection)

    async def close(self) -> None:
        tasks = list(self._authorizing)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def wait_authorizations(self) -> None:
        """Until every OAuth authorization started so far has ended (tests, deployments)."""
        while self._authorizing:
            await asyncio.gather(*self._authorizing, return_exceptions=True)

    # -- connections

    async def create_connection(
        self,
        name: str,
        authorization_type: str,
        auth_parameters: Mapping[str, Any] | None,
        *,
        description: str | None = None,
        kms_key: str | None = None,
        scope: Scope,
    ) -> Connection:
        connection = await self.connections.create(
            name, authorization_type, auth_parameters, description=description, kms_key=kms_key, scope=scope
        )
        self._authorize_later(connection)
        return connection

    def describe_connection(self, name: str, *, scope: Scope) -> Connection:
        return self.connections.get(name, scope=scope)

    def list_connections(
        self, prefix: str | None, state: str | None, limit: int | None, token: str | None, *, scope: Scope
    ) -> tuple[list[Connection], str | None]:
        return self.connections.list(prefix, state, limit, token, scope=scope)

    async def update_connection(
        self,
        name: str,
        *,
        description: str | None = None,
        authorization_type: str | None = None,
        auth_parameters: Mapping[str, Any] | None = None,
        kms_key: str | None = None,
        scope: Scope,
    ) -> Connection:
        connection = await self.connections.update(
            name,
            description=description,
            authorization_type=authorization_type,
            auth_parameters=auth_parameters,
            kms_key=kms_key,
            scope=scope,
        )
        self._tokens.forget(connection.arn)
        self._authorize_later(connection)
        return connection

    async def delete_connection(self, name: str, *, scope: Scope) -> Connection:
        connection = await self.connections.delete(name, scope=scope)
        self._tokens.forget(connection.arn)
        return connection

    async def deauthorize_connection(self, name: str, *, scope: Scope) -> Connection:
        connection = await self.connections.deauthorize(name, scope=scope)
        self._tokens.forget(connection.arn)
        return connection

    # -- API destinations

    async def create_api_destination(
        self,
        name: str,
        connection_arn: str,
        endpoint: str,
        method: str,
        *,
        rate: int | None = None,
        description: str | None = None,
        scope: Scope,
    ) -> ApiDestination:
        check(("name", name, CONNECTION_NAME), *_described(description))
        if (scope_key(scope), name) in self._by_key:
            raise ResourceAlreadyExists(
                f"Failed to create the api-destination(s). An api-destination with name '{name}' already exists."
            )
        self._check_settings(name, connection_arn, endpoint, method, rate, action="create", scope=scope)
        now = self._clock.now()
        destination = ApiDestination(
            name=name,
            account=scope.account,
            region=scope.region,
            uid=str(uuid.uuid4()),
            connection_arn=connection_arn,
            endpoint=endpoint,
            method=method,
            rate=DEFAULT_RATE if rate is None else rate,
            description=description,
            created_at=now,
            modified_at=now,
        )
        await self._save(destination)
        return destination

    def describe_api_destination(self, name: str, *, scope: Scope, action: str = "describe") -> ApiDestination:
        found = self._by_key.get((scope_key(scope), name))
        if found is None:
            raise ResourceNotFound(
                f"Failed to {action} the api-destination(s). An api-destination '{name}' does not exist."
            )
        return found

    def list_api_destinations(
        self, prefix: str | None, connection_arn: str | None, limit: int | None, token: str | None, *, scope: Scope
    ) -> tuple[list[ApiDestination], str | None]:
        if prefix and connection_arn:
            raise ValidationException(
                "Failed to list the api-destination(s). Request failed because only one filter is supported per "
                "request, either ConnectionArn or NamePrefix."
            )
        found = named_in_scope(self._by_key, scope, prefix)
        if connection_arn:
            found = [d for d in found if d.connection_arn == connection_arn]
        return paginate(found, lambda d: d.name, limit, token)

    async def update_api_destination(
        self,
        name: str,
        *,
        connection_arn: str | None = None,
        endpoint: str | None = None,
        method: str | None = None,
        rate: int | None = None,
        description: str | None = None,
        scope: Scope,
    ) -> ApiDestination:
        check(*_described(description))
        current = self.describe_api_destination(name, scope=scope, action="update")
        changed = replace(
            current,
            connection_arn=connection_arn or current.connection_arn,
            endpoint=endpoint or current.endpoint,
            method=method or current.method,
            rate=current.rate if rate is None else rate,
            description=current.description if description is None else description,
            modified_at=self._clock.now(),
        )
        self._check_settings(
            name, changed.connection_arn, changed.endpoint, changed.method, rate, action="update", scope=scope
        )
        await self._save(changed)
        return changed

    async def delete_api_destination(self, name: str, *, scope: Scope) -> None:
        current = self.describe_api_destination(name, scope=scope, action="delete")
        await self._documents.delete(API_DESTINATION_KIND, scope_key(scope), name)
        self._by_key.pop((scope_key(scope), name), None)
        self._rate.forget(current.arn)

    def state_of(self, destination: ApiDestination) -> ApiDestinationState:
        """ACTIVE while its connection exists and is not deauthorized."""
        connection = self.connections.by_arn(destination.connection_arn)
        usable = connection is not None and connection.state not in (
            ConnectionState.DEAUTHORIZED,
            ConnectionState.DEAUTHORIZING,
            ConnectionState.DELETING,
        )
        return ApiDestinationState.ACTIVE if usable else ApiDestinationState.INACTIVE

    # -- delivery

    def exists(self, arn: str) -> bool:
        return self._find(arn) is not None

    async def invoke(self, arn: str, body: str, http_parameters: Mapping[str, Any] | None) -> None:
        """Call the destination with ``body``; raises ``TargetFailure`` when the event was not taken."""
        destination = self._find(arn)
        if destination is None:
            raise TargetFailure(str(ErrorCode.NO_RESOURCE), f"The API destination {arn} does not exist.", False)
        connection = self.connections.by_arn(destination.connection_arn)
        if connection is None:
            raise TargetFailure(
                str(ErrorCode.NO_RESOURCE), f"The connection {destination.connection_arn} does not exist.", False
            )
        if not connection.usable:
            raise TargetFailure(
                str(ErrorCode.NO_PERMISSIONS),
                f"The connection {connection.name} is {connection.state} and cannot authorize requests.",
                False,
            )
        await self._rate.acquire(destination.arn, destination.rate)
        response = await self._call(destination, connection, body, http_parameters)
        if response.status in _UNAUTHORIZED:
            if connection.authorization_type is AuthorizationType.OAUTH_CLIENT_CREDENTIALS:
                # OAuth tokens are refreshed when a 401 or 407 response is returned (user guide)
                self._tokens.forget(connection.arn)
                response = await self._call(destination, connection, body, http_parameters)
            else:
                # Basic and API key connections are deauthorized by a 401 or 407 (user guide)
                reason = f"The endpoint answered HTTP {response.status} to the connection's credentials."
                await self._deauthorize_current(connection, reason)
        failure = failure_for(response, now=self._clock.now())
        if failure is not None:
            if (
                response.status in _UNAUTHORIZED
                and connection.authorization_type is AuthorizationType.OAUTH_CLIENT_CREDENTIALS
            ):
                # a token refreshed on the next attempt may work: keep trying
                failure = replace(failure, retriable=True)
            raise failure

    async def _call(
        self, destination: ApiDestination, connection: Connection, body: str, http_parameters: Mapping[str, Any] | None
    ) -> HttpResponse:
        authorization = await self._authorization(connection)
        request = build_request(
            destination, connection, body=body, http_parameters=http_parameters, authorization=authorization
        )
        try:
            return await http_call(request, timeout=self._timeout)
        except HttpTimeout:
            raise timed_out(self._timeout) from None
        except HttpCallError as error:
            raise unreachable(str(error)) from None

    async def _authorization(self, connection: Connection) -> tuple[str, str] | None:
        if connection.authorization_type is not AuthorizationType.OAUTH_CLIENT_CREDENTIALS:
            return static_auth_header(connection)
        try:
            token = await self._tokens.token(connection)
        except AuthorizationFailed as error:
            if error.lasting:
                await self._deauthorize_current(connection, error.message)
                raise TargetFailure(str(ErrorCode.NO_PERMISSIONS), error.message, False) from None
            raise TargetFailure(str(ErrorCode.CONNECTION_FAILURE), error.message, True) from None
        await self._authorized(connection)
        return ("Authorization", f"Bearer {token}")

    # -- OAuth authorization of a new or changed connection

    def _authorize_later(self, connection: Connection) -> None:
        if connection.state is not ConnectionState.AUTHORIZING:
            return
        task = asyncio.get_running_loop().create_task(self._authorize(connection))
        self._authorizing.add(task)
        task.add_done_callback(self._authorizing.discard)

    async def _authorize(self, connection: Connection) -> None:
        try:
            await self._tokens.token(connection)
        except AuthorizationFailed as error:
            # an endpoint that refuses deauthorizes the connection; one that cannot be reached leaves it
            # AUTHORIZING, and the first delivery tries again
            if error.lasting:
                await self._deauthorize_current(connection, error.message)
            return
        await self._authorized(connection)

    async def _authorized(self, connection: Connection) -> None:
        current = self.connections.current(connection)
        if current is not None and current.state is ConnectionState.AUTHORIZING and current.auth == connection.auth:
            await self.connections.mark_authorized(current)

    async def _deauthorize_current(self, connection: Connection, reason: str) -> None:
        current = self.connections.current(connection)
        if current is not None and current.auth == connection.auth:
            await self.connections.mark_deauthorized(current, reason)

    # -- helpers

    def _find(self, arn: str) -> ApiDestination | None:
        for destination in self._by_key.values():
            if destination.arn == arn:
                return destination
        return None

    async def _save(self, destination: ApiDestination) -> None:
        key = scope_key(destination)
        await self._documents.put(
            API_DESTINATION_KIND, key, destination.name, to_document(destination), now=self._clock.now()
        )
        self._by_key[(key, destination.name)] = destination

    def _check_settings(
        self,
        name: str,
        connection_arn: str,
        endpoint: str,
        method: str,
        rate: int | None,
        *,
        action: str,
        scope: Scope,
    ) -> None:
        if not endpoint_ok(endpoint):
            raise ValidationException(
                f"Failed to {action} the api-destination(s). Parameter InvocationEndpoint is not valid. "
                f"Reason: Endpoint '{endpoint}' is invalid, please provide a valid HTTPS endpoint URL."
            )
        if method not in METHODS:
            raise ValidationException(
                f"1 validation error detected: Value '{method}' at 'httpMethod' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(METHODS)}]"
            )
        if rate is not None and rate < 1:
            raise ValidationException(
                f"1 validation error detected: Value '{rate}' at 'invocationRateLimitPerSecond' failed to satisfy "
                "constraint: Member must have value greater than or equal to 1"
            )
        if rate is not None and rate > DEFAULT_RATE:
            raise LimitExceeded(
                f"Failed to {action} the api-destination(s). Invalid Invocation Rate Limit: Rate specified "
                f"'{rate}' for '{name}' exceeds maximum allowed of '{DEFAULT_RATE}'."
            )
        matched = _CONNECTION_ARN.fullmatch(connection_arn)
        # a connection of another region or account cannot be used (observed "Invalid ARN: '...'")
        if matched is None or matched.group(1) != scope.region or matched.group(2) != scope.account:
            raise ValidationException(f"Invalid ARN: '{connection_arn}'")
        if self.connections.by_arn(connection_arn) is None:
            raise ResourceNotFound(
                f"Failed to {action} the api-destination(s). Connection '{connection_arn}' does not exist."
            )


def _described(description: str | None) -> list[tuple[str, object, Any]]:
    return [] if description is None else [("description", description, DESCRIPTION)]
