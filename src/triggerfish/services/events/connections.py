"""EventBridge connections: create, read, update, delete and deauthorize, kept in the document store.

A BASIC or API_KEY connection is ``AUTHORIZED`` as soon as it is created; an OAuth connection is
``AUTHORIZING`` until a token is fetched (the API destination service does that). Deauthorizing
removes the authorization parameters, as AWS removes the connection's secret (user guide,
"De-authorizing connections").
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar
from urllib.parse import urlsplit

from triggerfish.core.clock import Clock
from triggerfish.core.ids import hex_id
from triggerfish.core.scope import scope_key
from triggerfish.services.events.connection_models import (
    CONNECTION_KIND,
    ApiKeyAuth,
    Auth,
    AuthorizationType,
    BasicAuth,
    Connection,
    ConnectionState,
    HttpParameters,
    OAuthAuth,
    Parameter,
    from_document,
    to_document,
)
from triggerfish.services.events.constraints import Constraint, check
from triggerfish.services.events.errors import ResourceAlreadyExists, ResourceNotFound, ValidationException
from triggerfish.services.events.models import Scope
from triggerfish.store.interfaces import DocumentStore

# the botocore model's ConnectionName and ConnectionDescription
CONNECTION_NAME = Constraint(r"[\.\-_A-Za-z0-9]+", 64)
DESCRIPTION = Constraint(r"(?s).*", 512)
DEAUTHORIZED_REASON = "The authorization parameters were removed from this connection by a DeauthorizeConnection call."
# hosts an http:// endpoint may name: plain HTTP is the point of a local endpoint
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

T = TypeVar("T")


def named_in_scope(by_key: Mapping[tuple[str, str], T], scope: Scope, prefix: str | None) -> list[T]:
    """The values of ``scope`` whose name starts with ``prefix``, in name order."""
    key = scope_key(scope)
    return [value for (where, name), value in sorted(by_key.items()) if where == key and name.startswith(prefix or "")]


def endpoint_ok(endpoint: str) -> bool:
    """An endpoint EventBridge accepts: HTTPS with a host (plain HTTP allowed for this machine)."""
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname
    except ValueError:
        return False
    if not host or "*" in host or parts.username is not None or parts.fragment:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and host in LOCAL_HOSTS)


def paginate(
    items: Sequence[T], name: Callable[[T], str], limit: int | None, token: str | None
) -> tuple[list[T], str | None]:
    """A page of ``items`` (sorted by name) after the name ``token`` stands for; the next token or None."""
    start = 0
    if token:
        try:
            after = base64.urlsafe_b64decode(token.encode()).decode()
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise ValidationException("The NextToken provided is invalid.") from None
        start = next((n for n, item in enumerate(items) if name(item) > after), len(items))
    size = limit or 100
    chosen = list(items[start : start + size])
    more = start + size < len(items)
    return chosen, base64.urlsafe_b64encode(name(chosen[-1]).encode()).decode() if more and chosen else None


class Connections:
    def __init__(self, documents: DocumentStore, clock: Clock) -> None:
        self._documents = documents
        self._clock = clock
        self._by_key: dict[tuple[str, str], Connection] = {}

    async def load(self) -> None:
        for document in await self._documents.list(CONNECTION_KIND):
            connection = from_document(document.body)
            self._by_key[(document.scope, connection.name)] = connection

    def all(self) -> list[Connection]:
        return list(self._by_key.values())

    def get(self, name: str, *, scope: Scope) -> Connection:
        found = self._by_key.get((scope_key(scope), name))
        if found is None:
            raise ResourceNotFound(f"Failed to describe the connection(s). Connection '{name}' does not exist.")
        return found

    def by_arn(self, arn: str) -> Connection | None:
        for connection in self._by_key.values():
            if connection.arn == arn:
                return connection
        return None

    def list(
        self, prefix: str | None, state: str | None, limit: int | None, token: str | None, *, scope: Scope
    ) -> tuple[list[Connection], str | None]:
        found = named_in_scope(self._by_key, scope, prefix)
        if state:
            found = [c for c in found if c.state == state]
        return paginate(found, lambda c: c.name, limit, token)

    async def create(
        self,
        name: str,
        authorization_type: str,
        auth_parameters: Mapping[str, Any] | None,
        *,
        description: str | None = None,
        kms_key: str | None = None,
        scope: Scope,
    ) -> Connection:
        check(("name", name, CONNECTION_NAME), *_description(description))
        if (scope_key(scope), name) in self._by_key:
            raise ResourceAlreadyExists(f"Connection {name} already exists.")
        kind = _authorization_type(authorization_type)
        auth, invocation = parse_auth(kind, auth_parameters or {}, None, action="create")
        now = self._clock.now()
        oauth = kind is AuthorizationType.OAUTH_CLIENT_CREDENTIALS
        connection = Connection(
            name=name,
            account=scope.account,
            region=scope.region,
            uid=str(uuid.uuid4()),
            authorization_type=kind,
            state=ConnectionState.AUTHORIZING if oauth else ConnectionState.AUTHORIZED,
            auth=auth,
            invocation=invocation,
            description=description,
            kms_key=kms_key,
            secret_id=f"{uuid.uuid4()}-{hex_id(6)}",
            created_at=now,
            modified_at=now,
            authorized_at=None if oauth else now,
        )
        await self.save(connection)
        return connection

    async def update(
        self,
        name: str,
        *,
        description: str | None = None,
        authorization_type: str | None = None,
        auth_parameters: Mapping[str, Any] | None = None,
        kms_key: str | None = None,
        scope: Scope,
    ) -> Connection:
        check(*_description(description))
        current = self.get(name, scope=scope)
        changed = current
        if description is not None:
            changed = replace(changed, description=description)
        if kms_key is not None:
            changed = replace(changed, kms_key=kms_key)
        if authorization_type is not None or auth_parameters is not None:
            kind = _authorization_type(authorization_type) if authorization_type else current.authorization_type
            previous = current if kind is current.authorization_type else None
            auth, invocation = parse_auth(kind, auth_parameters or {}, previous, action="update")
            oauth = kind is AuthorizationType.OAUTH_CLIENT_CREDENTIALS
            changed = replace(
                changed,
                authorization_type=kind,
                auth=auth,
                invocation=invocation,
                state=ConnectionState.AUTHORIZING if oauth else ConnectionState.AUTHORIZED,
                state_reason=None,
                authorized_at=changed.authorized_at if oauth else self._clock.now(),
            )
        changed = replace(changed, modified_at=self._clock.now())
        await self.save(changed)
        return changed

    async def deauthorize(self, name: str, *, scope: Scope) -> Connection:
        current = self.get(name, scope=scope)
        return await self.mark_deauthorized(current, DEAUTHORIZED_REASON, remove_auth=True)

    async def mark_deauthorized(self, connection: Connection, reason: str, *, remove_auth: bool = False) -> Connection:
        changed = replace(
            connection,
            state=ConnectionState.DEAUTHORIZED,
            state_reason=reason,
            auth=None if remove_auth else connection.auth,
            invocation=HttpParameters() if remove_auth else connection.invocation,
            modified_at=self._clock.now(),
        )
        await self.save(changed)
        return changed

    async def mark_authorized(self, connection: Connection) -> Connection:
        now = self._clock.now()
        changed = replace(connection, state=ConnectionState.AUTHORIZED, state_reason=None, authorized_at=now)
        await self.save(changed)
        return changed

    async def delete(self, name: str, *, scope: Scope) -> Connection:
        current = self.get(name, scope=scope)
        await self._documents.delete(CONNECTION_KIND, scope_key(scope), name)
        self._by_key.pop((scope_key(scope), name), None)
        return current

    async def save(self, connection: Connection) -> None:
        key = scope_key(connection)
        await self._documents.put(CONNECTION_KIND, key, connection.name, to_document(connection), now=self._clock.now())
        self._by_key[(key, connection.name)] = connection

    def current(self, connection: Connection) -> Connection | None:
        """The stored version of ``connection`` (None once deleted or replaced by a namesake)."""
        found = self._by_key.get((scope_key(connection), connection.name))
        return found if found is not None and found.uid == connection.uid else None


# -- request parameters


def _description(description: str | None) -> list[tuple[str, object, Constraint]]:
    return [] if description is None else [("description", description, DESCRIPTION)]


def _authorization_type(value: str) -> AuthorizationType:
    try:
        return AuthorizationType(value)
    except ValueError:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at 'authorizationType' failed to satisfy constraint: "
            "Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]"
        ) from None


_MEMBER_OF = {
    AuthorizationType.BASIC: "BasicAuthParameters",
    AuthorizationType.API_KEY: "ApiKeyAuthParameters",
    AuthorizationType.OAUTH_CLIENT_CREDENTIALS: "OAuthParameters",
}


def parse_auth(
    kind: AuthorizationType, given: Mapping[str, Any], previous: Connection | None, *, action: str
) -> tuple[Auth, HttpParameters]:
    """The authorization and invocation parameters of a Create/UpdateConnection request.

    On update, members left out keep their previous value (``previous`` is the connection when the
    authorization type stays the same).
    """
    member = _MEMBER_OF[kind]
    for other in _MEMBER_OF.values():
        if other != member and given.get(other) is not None:
            raise ValidationException(
                f"Failed to {action} the connection(s). AuthorizationType does not match AuthParameters."
            )
    old_auth = previous.auth if previous is not None else None
    invocation_given = given.get("InvocationHttpParameters")
    old_invocation = previous.invocation if previous is not None else HttpParameters()
    invocation = parse_parameters(invocation_given, old_invocation) if invocation_given is not None else old_invocation
    body: Mapping[str, Any] = given.get(member) or {}
    if not body and old_auth is None:
        raise ValidationException(
            f"Failed to {action} the connection(s). {member} is required for AuthorizationType {kind}."
        )
    if kind is AuthorizationType.BASIC:
        old_basic = old_auth if isinstance(old_auth, BasicAuth) else None
        return BasicAuth(
            _required(body, "Username", old_basic, "username", member, action),
            _required(body, "Password", old_basic, "password", member, action),
        ), invocation
    if kind is AuthorizationType.API_KEY:
        old_key = old_auth if isinstance(old_auth, ApiKeyAuth) else None
        return ApiKeyAuth(
            _required(body, "ApiKeyName", old_key, "name", member, action),
            _required(body, "ApiKeyValue", old_key, "value", member, action),
        ), invocation
    return _oauth(body, old_auth if isinstance(old_auth, OAuthAuth) else None, action), invocation


def _oauth(body: Mapping[str, Any], old: OAuthAuth | None, action: str) -> OAuthAuth:
    client: Mapping[str, Any] = body.get("ClientParameters") or {}
    member = "OAuthParameters"
    endpoint = _required(body, "AuthorizationEndpoint", old, "endpoint", member, action)
    if not endpoint_ok(endpoint):
        raise ValidationException(
            f"Failed to {action} the connection(s). Parameter AuthorizationEndpoint is not valid. "
            f"Reason: Endpoint '{endpoint}' is invalid, please provide a valid HTTPS endpoint URL."
        )
    method = _required(body, "HttpMethod", old, "method", member, action)
    if method not in ("GET", "POST", "PUT"):
        raise ValidationException(
            f"1 validation error detected: Value '{method}' at 'authParameters.oAuthParameters.httpMethod' failed to "
            "satisfy constraint: Member must satisfy enum value set: [GET, POST, PUT]"
        )
    given_parameters = body.get("OAuthHttpParameters")
    old_parameters = old.parameters if old is not None else HttpParameters()
    parameters = parse_parameters(given_parameters, old_parameters) if given_parameters is not None else old_parameters
    return OAuthAuth(
        client_id=_required(client, "ClientID", old, "client_id", "ClientParameters", action),
        client_secret=_required(client, "ClientSecret", old, "client_secret", "ClientParameters", action),
        endpoint=endpoint,
        method=method,
        parameters=parameters,
    )


def _required(body: Mapping[str, Any], key: str, old: object, attribute: str, member: str, action: str) -> str:
    """``body[key]``, or on update the previous auth's ``attribute`` when the request leaves it out."""
    value = body.get(key, getattr(old, attribute) if old is not None else None)
    if not isinstance(value, str) or not value:
        raise ValidationException(f"Failed to {action} the connection(s). {member}.{key} is required.")
    return value


def parse_parameters(given: Mapping[str, Any], previous: HttpParameters) -> HttpParameters:
    """``ConnectionHttpParameters``; a secret parameter given without a value keeps its previous one."""
    places = (("HeaderParameters", "headers"), ("QueryStringParameters", "query"), ("BodyParameters", "body"))
    parsed: dict[str, tuple[Parameter, ...]] = {}
    for member, place in places:
        old = {item.key: item for item in getattr(previous, place)}
        items: list[Parameter] = []
        for item in given.get(member) or ():
            key = item.get("Key")
            if not isinstance(key, str) or not key:
                raise ValidationException(f"Parameter {member} is not valid. Reason: a parameter has no Key.")
            value = item.get("Value")
            if value is None:
                value = old[key].value if key in old else ""
            items.append(Parameter(key, str(value), bool(item.get("IsValueSecret", False))))
        parsed[place] = tuple(items)
    return HttpParameters(parsed["headers"], parsed["query"], parsed["body"])
