"""EventBridge connections as values: how a connection authorizes, its extra HTTP parameters, its state.

A connection's secrets (password, API key value, OAuth client secret, parameters marked secret) live in
the stored document only; AWS keeps them in a Secrets Manager secret and never returns them, so the
wire shapes here leave them out (EventBridge API reference, ``DescribeConnection``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

CONNECTION_KIND = "events.connection"


class AuthorizationType(StrEnum):
    BASIC = "BASIC"
    OAUTH_CLIENT_CREDENTIALS = "OAUTH_CLIENT_CREDENTIALS"
    API_KEY = "API_KEY"


class ConnectionState(StrEnum):
    CREATING = "CREATING"
    UPDATING = "UPDATING"
    DELETING = "DELETING"
    AUTHORIZED = "AUTHORIZED"
    DEAUTHORIZED = "DEAUTHORIZED"
    AUTHORIZING = "AUTHORIZING"
    DEAUTHORIZING = "DEAUTHORIZING"
    ACTIVE = "ACTIVE"
    FAILED_CONNECTIVITY = "FAILED_CONNECTIVITY"


@dataclass(frozen=True)
class Parameter:
    key: str
    value: str
    secret: bool = False


@dataclass(frozen=True)
class HttpParameters:
    """Headers, query-string and body parameters a connection adds to a request."""

    headers: tuple[Parameter, ...] = ()
    query: tuple[Parameter, ...] = ()
    body: tuple[Parameter, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.headers or self.query or self.body)


@dataclass(frozen=True)
class BasicAuth:
    username: str
    password: str


@dataclass(frozen=True)
class ApiKeyAuth:
    name: str
    value: str


@dataclass(frozen=True)
class OAuthAuth:
    client_id: str
    client_secret: str
    endpoint: str
    method: str
    parameters: HttpParameters = HttpParameters()


Auth = BasicAuth | ApiKeyAuth | OAuthAuth


@dataclass(frozen=True)
class Connection:
    name: str
    account: str
    region: str
    uid: str
    authorization_type: AuthorizationType
    state: ConnectionState
    #: None once deauthorized: the secret is gone
    auth: Auth | None
    invocation: HttpParameters = HttpParameters()
    description: str | None = None
    kms_key: str | None = None
    state_reason: str | None = None
    secret_id: str = ""
    created_at: float = 0.0
    modified_at: float = 0.0
    authorized_at: float | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return connection_arn(self.region, self.account, self.name, self.uid)

    @property
    def secret_arn(self) -> str:
        # the secret EventBridge creates for a connection is named events!connection/<name>/<id>
        return (
            f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:events!connection/{self.name}/{self.secret_id}"
        )

    @property
    def usable(self) -> bool:
        return self.auth is not None and self.state in (ConnectionState.AUTHORIZED, ConnectionState.AUTHORIZING)


def connection_arn(region: str, account: str, name: str, uid: str) -> str:
    return f"arn:aws:events:{region}:{account}:connection/{name}/{uid}"


# -- storage


def to_document(connection: Connection) -> str:
    data = asdict(connection)
    if connection.auth is not None:
        data["auth"]["kind"] = type(connection.auth).__name__
    return json.dumps(data)


def from_document(body: str) -> Connection:
    data = json.loads(body)
    return Connection(
        **{
            **data,
            "authorization_type": AuthorizationType(data["authorization_type"]),
            "state": ConnectionState(data["state"]),
            "auth": _auth_from(data["auth"]),
            "invocation": _parameters_from(data["invocation"]),
            "tags": dict(data.get("tags") or {}),
        }
    )


def _auth_from(data: Mapping[str, Any] | None) -> Auth | None:
    if data is None:
        return None
    fields = {k: v for k, v in data.items() if k != "kind"}
    if data["kind"] == "BasicAuth":
        return BasicAuth(**fields)
    if data["kind"] == "ApiKeyAuth":
        return ApiKeyAuth(**fields)
    return OAuthAuth(**{**fields, "parameters": _parameters_from(fields["parameters"])})


def _parameters_from(data: Mapping[str, Any]) -> HttpParameters:
    return HttpParameters(
        **{place: tuple(Parameter(**item) for item in data.get(place, ())) for place in ("headers", "query", "body")}
    )


# -- wire shapes (secrets left out)


def parameters_shape(parameters: HttpParameters) -> dict[str, Any]:
    """``ConnectionHttpParameters``: a secret parameter shows its key, never its value."""
    shape: dict[str, Any] = {}
    for member, items in (
        ("HeaderParameters", parameters.headers),
        ("QueryStringParameters", parameters.query),
        ("BodyParameters", parameters.body),
    ):
        if items:
            shape[member] = [_parameter_shape(item) for item in items]
    return shape


def _parameter_shape(item: Parameter) -> dict[str, Any]:
    if item.secret:
        return {"Key": item.key, "IsValueSecret": True}
    return {"Key": item.key, "Value": item.value, "IsValueSecret": False}


def auth_shape(connection: Connection) -> dict[str, Any]:
    """``ConnectionAuthResponseParameters``: usernames, key names and client ids, no secrets."""
    auth = connection.auth
    shape: dict[str, Any] = {}
    if isinstance(auth, BasicAuth):
        shape["BasicAuthParameters"] = {"Username": auth.username}
    elif isinstance(auth, ApiKeyAuth):
        shape["ApiKeyAuthParameters"] = {"ApiKeyName": auth.name}
    elif isinstance(auth, OAuthAuth):
        oauth: dict[str, Any] = {
            "ClientParameters": {"ClientID": auth.client_id},
            "AuthorizationEndpoint": auth.endpoint,
            "HttpMethod": auth.method,
        }
        if not auth.parameters.empty:
            oauth["OAuthHttpParameters"] = parameters_shape(auth.parameters)
        shape["OAuthParameters"] = oauth
    if not connection.invocation.empty:
        shape["InvocationHttpParameters"] = parameters_shape(connection.invocation)
    return shape


def state_shape(connection: Connection, *, state: ConnectionState | None = None) -> dict[str, Any]:
    """What Create/Update/Delete/DeauthorizeConnection answer."""
    shape: dict[str, Any] = {
        "ConnectionArn": connection.arn,
        "ConnectionState": str(state or connection.state),
        "CreationTime": connection.created_at,
        "LastModifiedTime": connection.modified_at,
    }
    if connection.authorized_at is not None:
        shape["LastAuthorizedTime"] = connection.authorized_at
    return shape


def summary_shape(connection: Connection) -> dict[str, Any]:
    """One ``Connection`` of ListConnections."""
    shape: dict[str, Any] = {
        "ConnectionArn": connection.arn,
        "Name": connection.name,
        "ConnectionState": str(connection.state),
        "AuthorizationType": str(connection.authorization_type),
        "CreationTime": connection.created_at,
        "LastModifiedTime": connection.modified_at,
    }
    if connection.state_reason:
        shape["StateReason"] = connection.state_reason
    if connection.authorized_at is not None:
        shape["LastAuthorizedTime"] = connection.authorized_at
    return shape


def describe_shape(connection: Connection) -> dict[str, Any]:
    """DescribeConnection's answer."""
    shape = summary_shape(connection)
    if connection.description is not None:
        shape["Description"] = connection.description
    if connection.kms_key:
        shape["KmsKeyIdentifier"] = connection.kms_key
    if connection.auth is not None:
        shape["SecretArn"] = connection.secret_arn
    auth = auth_shape(connection)
    if auth:
        shape["AuthParameters"] = auth
    return shape


def with_state(connection: Connection, state: ConnectionState, *, reason: str | None = None) -> Connection:
    return replace(connection, state=state, state_reason=reason)
