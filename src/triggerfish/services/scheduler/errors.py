"""EventBridge Scheduler's errors, by the names of the botocore model's error shapes.

``ValidationException`` (400), ``ConflictException`` (409), ``ResourceNotFoundException`` (404) and
``ServiceQuotaExceededException`` (402), each with its ``Message`` (scheduler model, error shapes).
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError


class SchedulerError(ClientError):
    code = "ValidationException"


class ValidationException(SchedulerError):
    code = "ValidationException"


class ConflictException(SchedulerError):
    code = "ConflictException"
    status = 409


class ResourceNotFoundException(SchedulerError):
    code = "ResourceNotFoundException"
    status = 404


def schedule_not_found(name: str) -> ResourceNotFoundException:
    # "Schedule <name> does not exist." (observed answers to GetSchedule/DeleteSchedule)
    return ResourceNotFoundException(f"Schedule {name} does not exist.")


def schedule_exists(name: str) -> ConflictException:
    # "Schedule <name> already exists." (observed answer to CreateSchedule)
    return ConflictException(f"Schedule {name} already exists.")


def group_not_found(name: str) -> ResourceNotFoundException:
    # worded as the schedule's own "does not exist" answer; AWS's exact text is not recorded
    return ResourceNotFoundException(f"Schedule group {name} does not exist.")


def group_exists(name: str) -> ConflictException:
    # worded as the schedule's own "already exists" answer; AWS's exact text is not recorded
    return ConflictException(f"Schedule group {name} already exists.")


def constraint(value: object, path: str, rule: str) -> ValidationException:
    """A broken model constraint, in the words AWS's request validation uses for every member."""
    shown = "null" if value is None else f"'{value}'"
    return ValidationException(
        f"1 validation error detected: Value {shown} at '{path}' failed to satisfy constraint: {rule}"
    )
