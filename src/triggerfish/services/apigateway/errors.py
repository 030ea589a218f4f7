"""API Gateway's errors, by the names of the botocore model's error shapes.

The wording of each message is AWS's own, as recorded from real answers (LocalStack's AWS-validated
snapshots of ``test_apigateway_api.py``, SDK and infrastructure-tool issue reports quoting AWS).
"""

from __future__ import annotations

from triggerfish.core.errors import ClientError


class ApiGatewayError(ClientError):
    code = "BadRequestException"


class BadRequest(ApiGatewayError):
    code = "BadRequestException"


class NotFound(ApiGatewayError):
    code = "NotFoundException"
    status = 404


class Conflict(ApiGatewayError):
    code = "ConflictException"
    status = 409


def api_not_found(account: str, api_id: str) -> NotFound:
    return NotFound(f"Invalid API identifier specified {account}:{api_id}")


def resource_not_found() -> NotFound:
    return NotFound("Invalid Resource identifier specified")


def method_not_found() -> NotFound:
    return NotFound("Invalid Method identifier specified")


def integration_not_found() -> NotFound:
    return NotFound("Invalid Integration identifier specified")


def status_not_found() -> NotFound:
    return NotFound("Invalid Response status code specified")


def authorizer_not_found() -> NotFound:
    return NotFound("Invalid Authorizer identifier specified")


def deployment_not_found() -> NotFound:
    return NotFound("Invalid Deployment identifier specified")


def stage_not_found() -> NotFound:
    return NotFound("Invalid stage identifier specified")
