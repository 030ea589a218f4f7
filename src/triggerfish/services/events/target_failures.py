"""Why a target did not take an event, in the ``ERROR_CODE`` terms of EventBridge's dead-letter queues.

The codes are those the EventBridge user guide lists for DLQ messages ("Using dead-letter queues to
process undelivered events"). Which of them are retried follows spec §4.4: throttling, timeouts and
server-side faults are; a missing target or permission is not, and goes straight to the DLQ. A
target that refuses the message itself (too large, FIFO parameters) would refuse it again, so that
is not retried either.
"""

from __future__ import annotations

from enum import StrEnum

from triggerfish.core.delivery import DeliveryFailed
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.events.errors import TargetFailure


class ErrorCode(StrEnum):
    CONNECTION_FAILURE = "CONNECTION_FAILURE"
    ERROR_FROM_TARGET = "ERROR_FROM_TARGET"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    INVALID_JSON = "INVALID_JSON"
    INVALID_PARAMETER = "INVALID_PARAMETER"
    NO_PERMISSIONS = "NO_PERMISSIONS"
    NO_RESOURCE = "NO_RESOURCE"
    SDK_CLIENT_ERROR = "SDK_CLIENT_ERROR"
    THROTTLING = "THROTTLING"
    TIMEOUT = "TIMEOUT"


_THROTTLING_CODES = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "Throttling", "RequestThrottled", "OverLimit"}
)


def missing_target(arn: str) -> TargetFailure:
    # a target resource that no longer exists is not retried (EventBridge user guide, DLQs)
    return TargetFailure(ErrorCode.NO_RESOURCE, f"The target {arn} does not exist.", retriable=False)


def unsupported_target(arn: str) -> TargetFailure:
    """A target of a service that is not emulated: as far as events can tell, it does not exist."""
    return TargetFailure(ErrorCode.NO_RESOURCE, f"No service here accepts events for the target {arn}.", False)


def classify(exc: BaseException) -> TargetFailure:
    """The failure a delivery's exception stands for (the caller checks first whether the target
    still exists: a missing target is ``NO_RESOURCE`` whatever the exception said)."""
    if isinstance(exc, TargetFailure):
        return exc
    cause = exc.__cause__ if isinstance(exc, DeliveryFailed) else exc
    if isinstance(cause, TriggerfishError):
        return _typed(cause)
    if isinstance(exc, DeliveryFailed):
        # the target exists but refused this message (size, FIFO parameters): it would refuse it again
        return TargetFailure(ErrorCode.INVALID_PARAMETER, str(exc), retriable=False)
    return TargetFailure(ErrorCode.INTERNAL_ERROR, str(exc) or type(exc).__name__, retriable=True)


def _typed(error: TriggerfishError) -> TargetFailure:
    if error.status == 429 or error.code in _THROTTLING_CODES:
        return TargetFailure(ErrorCode.THROTTLING, error.message, retriable=True)
    if error.status == 404 or error.code.endswith(("NotFoundException", "NotFound", "DoesNotExist")):
        return TargetFailure(ErrorCode.NO_RESOURCE, error.message, retriable=False)
    if error.status == 403 or error.code.startswith("AccessDenied"):
        return TargetFailure(ErrorCode.NO_PERMISSIONS, error.message, retriable=False)
    if error.status >= 500:
        return TargetFailure(ErrorCode.INTERNAL_ERROR, error.message, retriable=True)
    return TargetFailure(ErrorCode.INVALID_PARAMETER, error.message, retriable=False)
