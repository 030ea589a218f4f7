"""What the endpoint hands a provider and what it takes back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from triggerfish.aws.protocol import ByteStream, HttpRequest
from triggerfish.services.lambda_.service import Scope


@dataclass(frozen=True)
class Call:
    """One parsed request: the operation, its parameters and where it runs."""

    operation: str
    params: Mapping[str, Any]
    scope: Scope
    request_id: str
    request: HttpRequest


@dataclass(frozen=True)
class Reply:
    """An operation's output shape; ``status`` and ``headers`` override the model's.

    ``stream``, for an operation whose output is an event stream (CloudWatch Logs StartLiveTail), is
    the response body itself, already framed: the endpoint sends it as it is produced instead of
    serialising ``result``, and stops reading it when the client goes away.
    """

    result: Mapping[str, Any] = field(default_factory=dict)
    status: int | None = None
    headers: Mapping[str, str] | None = None
    stream: ByteStream | None = None


@dataclass(frozen=True)
class BodyLimit:
    """The largest body a request may carry, and the operation AWS names when refusing more."""

    size: int
    operation: str


class Provider(Protocol):
    def operations(self) -> frozenset[str]:
        """The operations this provider answers; others get a 501."""
        ...

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        """The largest request body accepted for ``request``, judged before reading it."""
        ...

    async def call(self, call: Call) -> Reply: ...
