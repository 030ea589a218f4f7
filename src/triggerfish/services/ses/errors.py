"""SES's errors, by the ``error.code`` of the botocore model's error shapes (all HTTP 400, Sender).

The query protocol carries them as ``<Error><Type>Sender</Type><Code>..</Code><Message>..``.
"""

from __future__ import annotations

from collections.abc import Sequence

from triggerfish.core.errors import ClientError


class SesError(ClientError):
    code = "InvalidParameterValue"


class InvalidParameterValue(SesError):
    code = "InvalidParameterValue"


class ValidationError(SesError):
    code = "ValidationError"


class MessageRejected(SesError):
    code = "MessageRejected"


class TemplateDoesNotExist(SesError):
    code = "TemplateDoesNotExist"

    def __init__(self, name: str) -> None:
        # recorded SES answer: "Template foobar does not exist."
        super().__init__(f"Template {name} does not exist.", fields={"TemplateName": name})


class AlreadyExists(SesError):
    code = "AlreadyExists"


class InvalidTemplate(SesError):
    code = "InvalidTemplate"


class MissingRenderingAttribute(SesError):
    code = "MissingRenderingAttribute"


class InvalidRenderingParameter(SesError):
    code = "InvalidRenderingParameter"


class LimitExceeded(SesError):
    code = "LimitExceeded"


class MessageNotFound(SesError):
    """No stored message has that id (the internal inspection endpoint's 404)."""

    code = "NotFound"
    status = 404


def not_verified(region: str, identities: Sequence[str]) -> MessageRejected:
    """The sandbox refusal (SES developer guide, "Amazon SES SMTP issues" / "errors": Email address is not verified).

    SES lists each failing identity as it was given (display name included) and names the region in upper case.
    """
    listed = ", ".join(dict.fromkeys(identities))
    return MessageRejected(
        f"Email address is not verified. The following identities failed the check in region {region.upper()}: {listed}"
    )
