"""Signature checks for function URLs with ``AuthType AWS_IAM``: the gateway asks, the AWS endpoint's own
SigV4 verifier answers (the composition root joins the two, which do not import each other)."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import parse_qsl

from triggerfish.aws import auth_sigv4 as sigv4
from triggerfish.aws.auth import Authenticator, AuthFailure
from triggerfish.aws.protocol.http import Headers, HttpRequest
from triggerfish.core.ids import DEFAULT_ACCOUNT
from triggerfish.gateway.ports import Caller, Unauthenticated


class FunctionUrlSignatures:
    """Checks a request signed for the service ``lambda`` (spec §6.6); every local key is in one account."""

    def __init__(self, authenticator: Authenticator, account: str = DEFAULT_ACCOUNT) -> None:
        self._authenticator = authenticator
        self._account = account

    async def verify(
        self, method: str, raw_path: str, raw_query: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Caller:
        request = HttpRequest(method, raw_path, raw_query, Headers(headers), body)
        access_key = _access_key(request)
        if access_key is None:
            raise Unauthenticated("the request is not signed")
        try:
            await self._authenticator.verify(request, "lambda", "rest-json")
        except AuthFailure as exc:
            raise Unauthenticated(str(exc)) from exc
        return Caller(access_key, self._account)


def _access_key(request: HttpRequest) -> str | None:
    parts = sigv4.parse_authorization(request.headers.get("authorization", ""))
    if parts is not None:
        return parts.scope.access_key
    credential = dict(parse_qsl(request.query_string)).get("X-Amz-Credential")
    scope = sigv4.parse_scope(credential) if credential else None
    return scope.access_key if scope is not None else None
