"""SES v2's errors (the sesv2 model's error shapes) and how the shared service's v1 errors read in v2.

Both APIs share one service, which words its errors as v1 does (``TemplateDoesNotExist``,
``AlreadyExists``, ``InvalidParameterValue``...); v2 names the same failures by its own codes
(SES API v2 reference, "Errors" of each operation): a missing resource is ``NotFoundException``
(404), a name taken ``AlreadyExistsException``, bad input ``BadRequestException``, a refused send
``MessageRejected``, all 400 otherwise.
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError, TriggerfishError
from triggerfish.services.ses import errors as v1


class NotFound(ClientError):
    code = "NotFoundException"
    status = 404


class AlreadyExists(ClientError):
    code = "AlreadyExistsException"


class BadRequest(ClientError):
    code = "BadRequestException"


class LimitExceeded(ClientError):
    code = "LimitExceededException"


class MessageRejected(ClientError):
    code = "MessageRejected"


_BY_V1_CODE: dict[str, type[ClientError]] = {
    v1.TemplateDoesNotExist.code: NotFound,
    v1.MessageNotFound.code: NotFound,
    v1.AlreadyExists.code: AlreadyExists,
    v1.MessageRejected.code: MessageRejected,
    v1.LimitExceeded.code: LimitExceeded,
}


def in_v2(error: TriggerfishError) -> TriggerfishError:
    """``error`` as v2 reports it: v1's codes map to v2's, anything else of the service is a bad request."""
    if not isinstance(error, v1.SesError):
        return error
    kind = _BY_V1_CODE.get(error.code, BadRequest)
    return kind(error.message)


def identity_not_found(identity: str) -> NotFound:
    return NotFound(f"Email identity {identity} does not exist.")


def identity_exists(identity: str) -> AlreadyExists:
    # observed SES v2 answer to a second CreateEmailIdentity: "Email identity example.com already exist."
    return AlreadyExists(f"Email identity {identity} already exist.")
