"""What the gateway needs from the rest of triggerfish, as interfaces the app wires in.

The lookups are synchronous and O(1): they are called on every request and return the same view object
until the API changes, so the gateway can cache what it compiles from a view by the view's identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from triggerfish.services.apigateway.views import RestStageView
from triggerfish.services.apigatewayv2.views import HttpStageView
from triggerfish.services.lambda_.records import InvokeResult
from triggerfish.services.lambda_.service import Scope
from triggerfish.services.lambda_.url_config import FunctionUrlConfig


class RestApis(Protocol):
    def stage_view(self, api_id: str, stage_name: str) -> RestStageView | None: ...

    def stage_names(self, api_id: str) -> tuple[str, ...]: ...

    def api_exists(self, api_id: str) -> bool: ...


class HttpApis(Protocol):
    def stage_view(self, api_id: str, stage_name: str) -> HttpStageView | None: ...

    def stage_names(self, api_id: str) -> tuple[str, ...]: ...

    def api_exists(self, api_id: str) -> bool: ...


class FunctionUrlLookup(Protocol):
    def lookup(self, url_id: str) -> FunctionUrlConfig | None: ...

    def allows_unauthenticated(self, config: FunctionUrlConfig) -> bool:
        """The function's policy lets anyone call a URL whose AuthType is NONE (spec §6.6)."""
        ...

    def allows_caller(self, config: FunctionUrlConfig, account: str) -> bool:
        """A signed caller of ``account`` may call an ``AWS_IAM`` URL (spec §6.6)."""
        ...


class Functions(Protocol):
    """The synchronous Invoke of the Lambda service."""

    async def invoke(self, function_name: str, payload: bytes = b"", *, scope: Scope = ...) -> InvokeResult: ...


@dataclass(frozen=True)
class Caller:
    """Who signed a request: the access key and the account it belongs to."""

    access_key: str
    account: str
    user_arn: str | None = None
    user_id: str | None = None


class Unauthenticated(Exception):
    """A request whose SigV4 signature is missing, malformed or wrong."""


class SignatureVerifier(Protocol):
    async def verify(
        self, method: str, raw_path: str, raw_query: str, headers: Sequence[tuple[str, str]], body: bytes
    ) -> Caller:
        """The signer of a request signed for the service ``lambda``; raises :class:`Unauthenticated`."""
        ...
