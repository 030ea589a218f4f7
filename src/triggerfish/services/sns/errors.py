"""SNS's errors, by the ``error.code`` of the botocore model's error shapes (statuses from the same).

SNS words most refusals as ``InvalidParameter`` with a message ``Invalid parameter: <what>`` and,
sometimes, `` Reason: <why>`` (recorded SNS answers); :func:`invalid` builds those.
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError


class SnsError(ClientError):
    code = "InvalidParameter"


class InvalidParameter(SnsError):
    code = "InvalidParameter"


class InvalidParameterValue(SnsError):
    # the model's InvalidParameterValueException travels as "ParameterValueInvalid"
    code = "ParameterValueInvalid"


class ValidationError(SnsError):
    code = "ValidationError"


class NotFound(SnsError):
    code = "NotFound"
    status = 404


class ResourceNotFound(SnsError):
    code = "ResourceNotFound"
    status = 404


class AuthorizationError(SnsError):
    code = "AuthorizationError"
    status = 403


class TagLimitExceeded(SnsError):
    code = "TagLimitExceeded"


class BatchEntryIdsNotDistinct(SnsError):
    code = "BatchEntryIdsNotDistinct"

    def __init__(self) -> None:
        super().__init__("Two or more batch entries in the request have the same Id.")


class TooManyEntriesInBatchRequest(SnsError):
    code = "TooManyEntriesInBatchRequest"

    def __init__(self) -> None:
        super().__init__("The batch request contains more entries than permissible.")


class EmptyBatchRequest(SnsError):
    code = "EmptyBatchRequest"

    def __init__(self) -> None:
        super().__init__("The batch request doesn't contain any entries.")


class BatchRequestTooLong(SnsError):
    code = "BatchRequestTooLong"

    def __init__(self) -> None:
        super().__init__("The length of all the messages put together is more than the limit.")


class InvalidBatchEntryId(SnsError):
    code = "InvalidBatchEntryId"


def invalid(parameter: str, reason: str | None = None) -> InvalidParameter:
    """``Invalid parameter: <parameter>[ Reason: <reason>]``, SNS's usual refusal."""
    text = f"Invalid parameter: {parameter}"
    return InvalidParameter(f"{text} Reason: {reason}" if reason else text)


def topic_not_found() -> NotFound:
    return NotFound("Topic does not exist")


def subscription_not_found() -> NotFound:
    return NotFound("Subscription does not exist")
