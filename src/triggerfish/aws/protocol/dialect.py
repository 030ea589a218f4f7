"""How each service words the errors the wire layer raises itself.

Services of one protocol mostly agree, but not all: CloudWatch Logs reports validation as
``InvalidParameterException``, SQS names the missing parameter, Lambda wraps unparseable bodies in
``InvalidRequestContentException``. Sources are noted per entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .errors import MalformedRequest, UnknownOperation, ValidationFailed, Violation
from .model import ServiceModel, protocol_of
from .validation import describe


@dataclass(frozen=True, slots=True)
class Dialect:
    validation_code: str = "ValidationException"
    #: the one message a service gives for any validation failure, instead of listing them
    validation_message: str | None = None
    #: a service that reports only the first missing parameter, by name, under this code
    missing_parameter_code: str | None = None
    malformed_code: str = "SerializationException"
    malformed_prefix: str = ""
    unknown_operation_code: str = "UnknownOperationException"
    unknown_operation_status: int = 400
    #: whether min/max/enum/pattern are enforced, or only required members
    check_constraints: bool = True
    #: the member errors carry to say whose fault it was (``"User"`` or ``"Service"``)
    fault_member: str | None = None


_JSON = Dialect()
# Query services answer unknown actions with InvalidAction and unparseable values with
# InvalidParameterValue (AWS "Common Errors" lists); SNS reports constraints as ValidationError
# (recorded SNS responses in corpus/recorded/localstack-snapshots/sns).
_QUERY = Dialect(
    validation_code="ValidationError",
    malformed_code="InvalidParameterValue",
    unknown_operation_code="InvalidAction",
)
# S3 does not validate against the model: its only required members beyond the URI are XML
# documents, and a missing or broken document is MalformedXML; a method a resource does not
# support is 405 MethodNotAllowed (S3 "Error responses" list).
MALFORMED_XML = "The XML you provided was not well-formed or did not validate against our published schema"
_REST_XML = Dialect(
    validation_code="MalformedXML",
    validation_message=MALFORMED_XML,
    malformed_code="MalformedXML",
    unknown_operation_code="MethodNotAllowed",
    unknown_operation_status=405,
    check_constraints=False,
)

_BY_PROTOCOL = {"json": _JSON, "rest-json": _JSON, "query": _QUERY, "rest-xml": _REST_XML}

_BY_SERVICE = {
    # "Could not parse request body into json: ..." (Lambda Invoke API reference, spec §1.1);
    # Lambda error bodies carry "Type": "User" (recorded Lambda responses)
    "lambda": replace(
        _JSON,
        malformed_code="InvalidRequestContentException",
        malformed_prefix="Could not parse request body into json: ",
        fault_member="Type",
    ),
    # CloudWatch Logs: "InvalidParameterException: 1 validation error detected: ..." (SDK issue reports)
    "logs": replace(_JSON, validation_code="InvalidParameterException"),
    # SQS: MissingParameter (SQS "Common Errors"), worded "The request must contain the parameter
    # Attribute.Name." in a real answer quoted in aws-controllers-k8s/community#2139; its model has
    # no constraints worth enforcing, and unknown attribute names are its own InvalidAttributeName
    "sqs": replace(
        _JSON,
        validation_code="InvalidParameterValue",
        missing_parameter_code="MissingParameter",
        check_constraints=False,
    ),
    # API Gateway's only 400 is BadRequestException (apigatewayv2 model)
    "apigatewayv2": replace(
        _JSON,
        validation_code="BadRequestException",
        malformed_code="BadRequestException",
        unknown_operation_code="NotFoundException",
        unknown_operation_status=404,
    ),
    # SES v2's only 400 for a malformed or invalid request is BadRequestException (sesv2 model)
    "sesv2": replace(_JSON, validation_code="BadRequestException", malformed_code="BadRequestException"),
}


def dialect_for(service: ServiceModel) -> Dialect:
    found = _BY_SERVICE.get(service.service_name)
    return found if found is not None else _BY_PROTOCOL.get(protocol_of(service), _JSON)


def validation_error(service: ServiceModel, violations: Sequence[Violation]) -> ValidationFailed:
    dialect = dialect_for(service)
    if dialect.missing_parameter_code:
        missing = next((v for v in violations if v.value is None), None)
        if missing is not None:
            return ValidationFailed(
                dialect.missing_parameter_code,
                f"The request must contain the parameter {missing.member}.",
                violations,
            )
    message = dialect.validation_message or describe(list(violations))
    return ValidationFailed(dialect.validation_code, message, violations)


def malformed(service: ServiceModel, detail: str) -> MalformedRequest:
    dialect = dialect_for(service)
    return MalformedRequest(dialect.malformed_code, dialect.malformed_prefix + detail)


def unknown_operation(service: ServiceModel, name: str | None) -> UnknownOperation:
    dialect = dialect_for(service)
    code = dialect.unknown_operation_code
    status = dialect.unknown_operation_status
    if protocol_of(service) == "query":
        if not name:
            return UnknownOperation("MissingAction", "The request must contain the parameter Action.")
        # "The action X is not valid for this web service." (AWS query services)
        return UnknownOperation(code, f"The action {name} is not valid for this web service.", operation=name)
    if protocol_of(service) == "rest-xml":
        return UnknownOperation(code, "The specified method is not allowed against this resource.", status=status)
    if name:
        return UnknownOperation(code, f"Operation {name} is not supported.", status=status, operation=name)
    return UnknownOperation(code, "The request does not name a supported operation.", status=status)


# The legacy query-protocol codes of SQS's JSON errors, sent as ``x-amzn-query-error: CODE;Sender``
# (SQS Developer Guide "JSON API responses"; the awsQueryError traits of the SQS Smithy model,
# which botocore's model drops). Status is the one each error has on the wire.
QUERY_COMPATIBLE_CODES: dict[str, dict[str, tuple[str, int]]] = {
    "sqs": {
        "BatchEntryIdsNotDistinct": ("AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400),
        "BatchRequestTooLong": ("AWS.SimpleQueueService.BatchRequestTooLong", 400),
        "EmptyBatchRequest": ("AWS.SimpleQueueService.EmptyBatchRequest", 400),
        "InvalidAddress": ("InvalidAddress", 404),
        "InvalidAttributeName": ("InvalidAttributeName", 400),
        "InvalidAttributeValue": ("InvalidAttributeValue", 400),
        "InvalidBatchEntryId": ("AWS.SimpleQueueService.InvalidBatchEntryId", 400),
        "InvalidIdFormat": ("InvalidIdFormat", 400),
        "InvalidMessageContents": ("InvalidMessageContents", 400),
        "InvalidSecurity": ("InvalidSecurity", 403),
        "KmsAccessDenied": ("KMS.AccessDeniedException", 400),
        "KmsDisabled": ("KMS.DisabledException", 400),
        "KmsInvalidKeyUsage": ("KMS.InvalidKeyUsageException", 400),
        "KmsInvalidState": ("KMS.InvalidStateException", 400),
        "KmsNotFound": ("KMS.NotFoundException", 400),
        "KmsOptInRequired": ("KMS.OptInRequired", 403),
        "KmsThrottled": ("KMS.ThrottlingException", 400),
        "MessageNotInflight": ("AWS.SimpleQueueService.MessageNotInflight", 400),
        "OverLimit": ("OverLimit", 403),
        "PurgeQueueInProgress": ("AWS.SimpleQueueService.PurgeQueueInProgress", 403),
        "QueueDeletedRecently": ("AWS.SimpleQueueService.QueueDeletedRecently", 400),
        "QueueDoesNotExist": ("AWS.SimpleQueueService.NonExistentQueue", 400),
        "QueueNameExists": ("QueueAlreadyExists", 400),
        "ReceiptHandleIsInvalid": ("ReceiptHandleIsInvalid", 404),
        "RequestThrottled": ("RequestThrottled", 403),
        "ResourceNotFoundException": ("ResourceNotFoundException", 404),
        "TooManyEntriesInBatchRequest": ("AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400),
        "UnsupportedOperation": ("AWS.SimpleQueueService.UnsupportedOperation", 400),
    },
}


def query_compatible_code(service: ServiceModel, code: str) -> tuple[str, str, int | None]:
    """``(shape name, legacy query code, wire status)`` for an error given by either name."""
    table = QUERY_COMPATIBLE_CODES.get(service.service_name, {})
    if code in table:
        query_code, status = table[code]
        return code, query_code, status
    for shape_name, (query_code, status) in table.items():
        if query_code == code:
            return shape_name, query_code, status
    return code, code, None
