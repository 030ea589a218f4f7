"""API Gateway v2's errors, by the names of the botocore model's error shapes.

Every answer of the service is one of four: ``BadRequestException`` (400), ``NotFoundException``
(404, with the ``ResourceType`` it looked for), ``ConflictException`` (409) and
``TooManyRequestsException`` (429) (apigatewayv2 API reference, "Errors").
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError


class ApiGatewayV2Error(ClientError):
    code = "BadRequestException"


class BadRequest(ApiGatewayV2Error):
    code = "BadRequestException"


class Conflict(ApiGatewayV2Error):
    code = "ConflictException"
    status = 409


class NotFound(ApiGatewayV2Error):
    code = "NotFoundException"
    status = 404

    def __init__(self, message: str, resource_type: str) -> None:
        super().__init__(message, fields={"ResourceType": resource_type})
        self.resource_type = resource_type


def api_not_found(account: str, api_id: str) -> NotFound:
    # "Invalid API identifier specified 123456789012:abc123" (real answers quoted in SDK issues)
    return NotFound(f"Invalid API identifier specified {account}:{api_id}", "Api")


def child_not_found(kind: str, identifier: str) -> NotFound:
    """``Route``, ``Integration``, ``Authorizer`` or ``Deployment`` with this id does not exist."""
    return NotFound(f"Invalid {kind} identifier specified {identifier}", kind)


def stage_not_found(stage_name: str) -> NotFound:
    # the stage wording is lower-case in AWS's answers ("Invalid stage identifier specified")
    return NotFound(f"Invalid stage identifier specified {stage_name}", "Stage")
