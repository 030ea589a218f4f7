"""DynamoDB's and DynamoDB Streams' errors, by the ``error.code`` of the botocore models' error shapes.

DynamoDB answers every client error with HTTP 400, ``ResourceNotFoundException`` included.
"""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.core.errors import ClientError


class DynamoDBError(ClientError):
    code = "ValidationException"


class ValidationError(DynamoDBError):
    code = "ValidationException"


class ResourceNotFound(DynamoDBError):
    code = "ResourceNotFoundException"

    def __init__(self, message: str = "Requested resource not found") -> None:
        super().__init__(message)


class ResourceInUse(DynamoDBError):
    code = "ResourceInUseException"


class LimitExceeded(DynamoDBError):
    code = "LimitExceededException"


class ConditionalCheckFailed(DynamoDBError):
    code = "ConditionalCheckFailedException"

    def __init__(self, item: Mapping[str, object] | None = None) -> None:
        # ReturnValuesOnConditionCheckFailure=ALL_OLD puts the item in the error body (DynamoDB API reference)
        super().__init__("The conditional request failed", fields=None if item is None else {"Item": item})


class TransactionCanceled(DynamoDBError):
    code = "TransactionCanceledException"


class TransactionConflict(DynamoDBError):
    code = "TransactionConflictException"


class IdempotentParameterMismatch(DynamoDBError):
    code = "IdempotentParameterMismatchException"


class ItemCollectionSizeLimitExceeded(DynamoDBError):
    code = "ItemCollectionSizeLimitExceededException"


class ExpiredIterator(DynamoDBError):
    code = "ExpiredIteratorException"


class TrimmedDataAccess(DynamoDBError):
    code = "TrimmedDataAccessException"
