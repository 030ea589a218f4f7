"""Typed errors raised by services.

Services raise these; only the edges map them: the AWS endpoint to an error code, HTTP status and
message, the CLI to a one-line message. ``code`` is the AWS error code, ``status`` its HTTP status.
"""

from __future__ import annotations

from collections.abc import Mapping


class TriggerfishError(Exception):
    """Root of every error triggerfish raises on purpose."""

    code = "ServiceException"
    status = 500
    sender_fault = False

    def __init__(self, message: str, *, fields: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: extra members AWS puts in the error body (e.g. ``Reason`` on throttling)
        self.fields: dict[str, object] = dict(fields or {})


class ClientError(TriggerfishError):
    status = 400
    sender_fault = True


class InvalidParameterValue(ClientError):
    code = "InvalidParameterValueException"


class ValidationError(ClientError):
    code = "ValidationException"


class InvalidRequestContent(ClientError):
    code = "InvalidRequestContentException"


class ResourceNotFound(ClientError):
    code = "ResourceNotFoundException"
    status = 404


class ResourceConflict(ClientError):
    code = "ResourceConflictException"
    status = 409


class RequestTooLarge(ClientError):
    code = "RequestEntityTooLargeException"
    status = 413


class TooManyRequests(ClientError):
    code = "TooManyRequestsException"
    status = 429


class InvalidRuntime(TriggerfishError):
    code = "InvalidRuntimeException"
    status = 502


class ServiceError(TriggerfishError):
    code = "ServiceException"
    status = 500
