"""EventBridge's typed errors: AWS's codes, every one a 400 (the ``events`` API answers faults that way)."""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.core.errors import ClientError


class EventsError(ClientError):
    code = "ValidationException"


class ValidationException(EventsError):
    code = "ValidationException"


class InvalidEventPattern(EventsError):
    code = "InvalidEventPatternException"


class ResourceNotFound(EventsError):
    code = "ResourceNotFoundException"


class ResourceAlreadyExists(EventsError):
    code = "ResourceAlreadyExistsException"


class LimitExceeded(EventsError):
    code = "LimitExceededException"


class ConcurrentModification(EventsError):
    code = "ConcurrentModificationException"


class IllegalStatus(EventsError):
    code = "IllegalStatusException"


class ManagedRule(EventsError):
    code = "ManagedRuleException"


class PolicyLengthExceeded(EventsError):
    code = "PolicyLengthExceededException"


class AccessDenied(EventsError):
    code = "AccessDeniedException"


class RetryReason:
    """Why a delivery gave up, as the ``EXHAUSTED_RETRY_CONDITION`` DLQ attribute names it (§4.4)."""

    MAXIMUM_RETRY_ATTEMPTS = "MaximumRetryAttempts"
    MAXIMUM_EVENT_AGE = "MaximumEventAgeInSeconds"


@dataclass(frozen=True)
class TargetFailure(Exception):
    """A target would not take an event.

    ``code`` is the ``ERROR_CODE`` DLQ attribute (``NO_RESOURCE``, ``NO_PERMISSIONS``, ``THROTTLING``,
    ``TIMEOUT``, ``SDK_CLIENT_ERROR``...), ``message`` the ``ERROR_MESSAGE``; only ``retriable``
    failures are tried again (§4.4 "only retriable errors").
    """

    code: str
    message: str
    retriable: bool

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
