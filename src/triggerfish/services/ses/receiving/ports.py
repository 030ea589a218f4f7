"""What receiving needs from elsewhere, as narrow interfaces the composition root fills in."""

from __future__ import annotations

from typing import Protocol

from triggerfish.services.lambda_.records import InvokeResult


class SyncInvoker(Protocol):
    """Invokes a function by ARN (the Lambda action's ``RequestResponse`` invocation)."""

    async def invoke(self, function_arn: str, payload: bytes, *, invocation_type: str) -> InvokeResult: ...


class RecipientPolicy(Protocol):
    """Which recipients SES receives mail for (``SesService`` satisfies it)."""

    def receives_for(self, region: str, recipient: str) -> bool: ...
