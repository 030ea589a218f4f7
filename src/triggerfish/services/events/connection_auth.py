"""How a connection authorizes a request: Basic and API key headers, and OAuth client-credentials tokens.

For OAuth, EventBridge exchanges the client id and secret for an access token at the connection's
authorization endpoint, caches it, refreshes it when it is about to expire or when the endpoint
answers 401 or 407 (user guide, "Authorization methods for connections"). The token request sends
the client credentials as HTTP Basic authentication and the ``OAuthHttpParameters`` as headers,
query string and a form-encoded body (OAuth 2.0, RFC 6749 §4.4), adding
``grant_type=client_credentials`` unless the parameters already say.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from triggerfish.core.clock import Clock
from triggerfish.services.events.connection_models import ApiKeyAuth, BasicAuth, Connection, OAuthAuth
from triggerfish.services.http_call import HttpCallError, HttpRequest, http_call

# a token is refreshed this long before it expires, or halfway through a shorter life
_REFRESH_MARGIN = 30.0
_NO_TOKEN = "The authorization endpoint's answer holds no access_token."


class AuthorizationFailed(Exception):
    """The authorization endpoint would not give a token.

    ``lasting`` says the endpoint refused (the connection is deauthorized); otherwise it could not
    be reached and a later attempt may succeed.
    """

    def __init__(self, message: str, *, lasting: bool) -> None:
        super().__init__(message)
        self.message = message
        self.lasting = lasting


@dataclass(frozen=True)
class Token:
    value: str
    refresh_at: float | None


def basic_header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class OAuthTokens:
    """Access tokens of OAuth connections, fetched on demand and cached until they are about to expire."""

    def __init__(self, clock: Clock, *, timeout: float) -> None:
        self._clock = clock
        self._timeout = timeout
        self._tokens: dict[tuple[str, OAuthAuth], Token] = {}

    async def token(self, connection: Connection) -> str:
        auth = connection.auth
        assert isinstance(auth, OAuthAuth)
        key = (connection.arn, auth)
        cached = self._tokens.get(key)
        if cached is not None and (cached.refresh_at is None or self._clock.now() < cached.refresh_at):
            return cached.value
        fresh = await self.fetch(auth)
        self._tokens = {k: v for k, v in self._tokens.items() if k[0] != connection.arn}
        self._tokens[key] = fresh
        return fresh.value

    def forget(self, connection_arn: str) -> None:
        self._tokens = {k: v for k, v in self._tokens.items() if k[0] != connection_arn}

    async def fetch(self, auth: OAuthAuth) -> Token:
        fetched_at = self._clock.now()
        try:
            response = await http_call(_token_request(auth), timeout=self._timeout)
        except HttpCallError as error:
            raise AuthorizationFailed(
                f"The authorization endpoint could not be reached: {error}", lasting=False
            ) from error
        if not 200 <= response.status < 300:
            raise AuthorizationFailed(
                f"The authorization endpoint answered HTTP {response.status} {response.reason}".rstrip(), lasting=True
            )
        try:
            answer = json.loads(response.body)
            value = answer["access_token"]
            lifetime = answer.get("expires_in")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise AuthorizationFailed(
                "The authorization endpoint's answer holds no access_token.", lasting=True
            ) from None
        if not isinstance(value, str) or not value:
            raise AuthorizationFailed("The authorization endpoint's answer holds no access_token.", lasting=True)
        refresh_at = None
        if isinstance(lifetime, int | float) and not isinstance(lifetime, bool):
            refresh_at = fetched_at + max(lifetime - _REFRESH_MARGIN, lifetime / 2)
        return Token(value, refresh_at)


def _token_request(auth: OAuthAuth) -> HttpRequest:
    form = [(p.key, p.value) for p in auth.parameters.body]
    if not any(key == "grant_type" for key, _ in form):
        form.insert(0, ("grant_type", "client_credentials"))
    query = [(p.key, p.value) for p in auth.parameters.query]
    headers = [("Authorization", basic_header(auth.client_id, auth.client_secret)), ("Accept", "application/json")]
    headers += [(p.key, p.value) for p in auth.parameters.headers]
    body = b""
    if auth.method == "GET":
        query += form
    else:
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        body = urlencode(form).encode()
    return HttpRequest(auth.method, with_query(auth.endpoint, query), tuple(headers), body)


def with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    if not pairs:
        return url
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(pairs)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def static_auth_header(connection: Connection) -> tuple[str, str] | None:
    """The header a BASIC or API_KEY connection adds; None for OAuth (a token is needed) or no auth."""
    auth = connection.auth
    if isinstance(auth, BasicAuth):
        return ("Authorization", basic_header(auth.username, auth.password))
    if isinstance(auth, ApiKeyAuth):
        return (auth.name, auth.value)
    return None
