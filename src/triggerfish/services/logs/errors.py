"""CloudWatch Logs' errors. Logs answers every client error with HTTP 400, ResourceNotFoundException
included (Logs API reference, "Common Errors" and each action's errors)."""

from __future__ import annotations

from triggerfish.core.errors import ClientError


class LogsError(ClientError):
    status = 400
    code = "InvalidParameterException"


class ResourceNotFound(LogsError):
    code = "ResourceNotFoundException"


class ResourceAlreadyExists(LogsError):
    code = "ResourceAlreadyExistsException"


class InvalidParameter(LogsError):
    code = "InvalidParameterException"


class LimitExceeded(LogsError):
    code = "LimitExceededException"


class InvalidOperation(LogsError):
    code = "InvalidOperationException"


class DataAlreadyAccepted(LogsError):
    code = "DataAlreadyAcceptedException"


class OperationAborted(LogsError):
    code = "OperationAbortedException"


# the wording of Logs' answers (quoted in SDK and tool issue reports)
def group_not_found() -> ResourceNotFound:
    return ResourceNotFound("The specified log group does not exist.")


def stream_not_found() -> ResourceNotFound:
    return ResourceNotFound("The specified log stream does not exist.")


def filter_not_found() -> ResourceNotFound:
    return ResourceNotFound("The specified subscription filter does not exist.")


def group_exists() -> ResourceAlreadyExists:
    return ResourceAlreadyExists("The specified log group already exists")


def stream_exists() -> ResourceAlreadyExists:
    return ResourceAlreadyExists("The specified log stream already exists")


def bad_token() -> InvalidParameter:
    return InvalidParameter("The specified nextToken is invalid.")
