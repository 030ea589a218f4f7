"""Receipt rule errors, by the ``error.code`` of the SES botocore model (all HTTP 400, Sender).

Observed: SES answers with Code and Message only, without the model's extra members (``Name``...).
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError


class ReceiptError(ClientError):
    code = "InvalidParameterValue"


class InvalidParameterValue(ReceiptError):
    code = "InvalidParameterValue"


class RuleSetDoesNotExist(ReceiptError):
    code = "RuleSetDoesNotExist"

    def __init__(self, name: str) -> None:
        super().__init__(f"Rule set does not exist: {name}")


class RuleDoesNotExist(ReceiptError):
    code = "RuleDoesNotExist"

    def __init__(self, name: str) -> None:
        super().__init__(f"Rule does not exist: {name}")


class AlreadyExists(ReceiptError):
    code = "AlreadyExists"

    def __init__(self, what: str, name: str) -> None:
        super().__init__(f"{what} already exists: {name}")


class CannotDelete(ReceiptError):
    code = "CannotDelete"

    def __init__(self, name: str) -> None:
        super().__init__(f"Cannot delete active rule set: {name}")


class LimitExceeded(ReceiptError):
    code = "LimitExceeded"


class InvalidLambdaFunction(ReceiptError):
    code = "InvalidLambdaFunction"

    def __init__(self, arn: str) -> None:
        super().__init__(f"Invalid Lambda function ARN: {arn}")


class InvalidSnsTopic(ReceiptError):
    code = "InvalidSnsTopic"

    def __init__(self, arn: str) -> None:
        super().__init__(f"Invalid SNS topic ARN: {arn}")


class InvalidS3Configuration(ReceiptError):
    code = "InvalidS3Configuration"

    def __init__(self, bucket: str) -> None:
        super().__init__(f"Invalid S3 bucket name: {bucket}")
