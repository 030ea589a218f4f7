"""Errors the wire layer raises before any service is called.

Each carries the AWS error code, message and HTTP status the service in question would answer
with (see :mod:`.dialect`), so the server turns it into a response with :func:`error_response`
like any service error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


class ErrorLike(Protocol):
    """What an error must tell to be serialised: ``core.errors.TriggerfishError`` fits."""

    @property
    def code(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def sender_fault(self) -> bool: ...
    @property
    def fields(self) -> Mapping[str, object]: ...


class ProtocolError(Exception):
    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        sender_fault: bool = True,
        fields: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields: dict[str, object] = dict(fields or {})


class UnknownOperation(ProtocolError):
    """No operation of the service matches the request."""

    def __init__(self, code: str, message: str, *, status: int = 400, operation: str | None = None) -> None:
        super().__init__(code, message, status=status)
        #: the operation name the client asked for, when the request names one
        self.operation = operation


class MalformedRequest(ProtocolError):
    """The body or a parameter does not parse as its shape says (bad JSON or XML, wrong type)."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken constraint, in the terms AWS's validation messages use."""

    #: member path as AWS prints it: ``targets.1.member.id``
    path: str
    #: the offending value as AWS prints it; ``None`` when a required member is missing
    value: object
    #: ``Member must not be null``, ``Member must have length less than or equal to 64``...
    constraint: str
    #: the member's own name (``QueueName``), used by services that name it in their message
    member: str


class ValidationFailed(ProtocolError):
    """The request parsed but breaks the model's constraints."""

    def __init__(self, code: str, message: str, violations: Sequence[Violation], *, status: int = 400) -> None:
        super().__init__(code, message, status=status)
        self.violations = tuple(violations)
