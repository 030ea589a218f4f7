"""SQS's errors, by the names of the botocore model's error shapes.

The AWS edge writes each with its legacy query code in ``x-amzn-query-error`` (see
``aws/protocol/dialect.py``), which is what boto3 reports and maps to ``client.exceptions.<Name>``.
Statuses are the ones SQS answers with (SQS API reference, "Common Errors" and each action's errors).
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError


class SqsError(ClientError):
    code = "InvalidParameterValue"


class InvalidParameterValue(SqsError):
    code = "InvalidParameterValue"


class MissingParameter(SqsError):
    code = "MissingParameter"


class QueueDoesNotExist(SqsError):
    code = "QueueDoesNotExist"

    def __init__(self, message: str = "The specified queue does not exist.") -> None:
        super().__init__(message)


class QueueNameExists(SqsError):
    code = "QueueNameExists"


class InvalidAttributeName(SqsError):
    code = "InvalidAttributeName"


class InvalidAttributeValue(SqsError):
    code = "InvalidAttributeValue"


class InvalidMessageContents(SqsError):
    code = "InvalidMessageContents"


class EmptyBatchRequest(SqsError):
    code = "EmptyBatchRequest"


class TooManyEntriesInBatchRequest(SqsError):
    code = "TooManyEntriesInBatchRequest"


class BatchEntryIdsNotDistinct(SqsError):
    code = "BatchEntryIdsNotDistinct"


class BatchRequestTooLong(SqsError):
    code = "BatchRequestTooLong"


class InvalidBatchEntryId(SqsError):
    code = "InvalidBatchEntryId"


class ReceiptHandleIsInvalid(SqsError):
    code = "ReceiptHandleIsInvalid"
    status = 404


class MessageNotInflight(SqsError):
    code = "MessageNotInflight"


class PurgeQueueInProgress(SqsError):
    code = "PurgeQueueInProgress"
    status = 403


class ResourceNotFound(SqsError):
    code = "ResourceNotFoundException"
    status = 404


class UnsupportedOperation(SqsError):
    code = "UnsupportedOperation"
