"""Resource-based policies: the statements AddPermission adds to a function's policy document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from triggerfish.core.errors import ClientError, InvalidParameterValue, ResourceConflict, ResourceNotFound
from triggerfish.services.lambda_.models import LATEST, FunctionConfig

if TYPE_CHECKING:
    from triggerfish.services.lambda_.service import LambdaService, Scope

POLICY_VERSION = "2012-10-17"


class PreconditionFailed(ClientError):
    code = "PreconditionFailedException"
    status = 412


@dataclass(frozen=True)
class Grant:
    """What one AddPermission call grants, before it becomes a policy statement."""

    statement_id: str
    action: str
    principal: str
    source_arn: str | None = None
    source_account: str | None = None
    event_source_token: str | None = None
    principal_org_id: str | None = None
    function_url_auth_type: str | None = None


class FunctionPolicies:
    """AddPermission, RemovePermission and GetPolicy over a function's stored policy."""

    def __init__(self, service: LambdaService) -> None:
        self._service = service

    async def add(
        self,
        function_name: str,
        grant: Grant,
        *,
        scope: Scope,
        qualifier: str | None = None,
        revision_id: str | None = None,
    ) -> dict[str, Any]:
        function = self._function(function_name, scope, qualifier, revision_id)
        statements = _statements(function)
        # AWS: a statement id is unique within a function's policy.
        if any(s.get("Sid") == grant.statement_id for s in statements):
            raise ResourceConflict(
                f"The statement id ({grant.statement_id}) provided already exists. "
                "Please provide a new statement id, or remove the existing statement."
            )
        resource = function.qualified_arn(qualifier) if qualifier and qualifier != LATEST else function.arn
        statement = _statement(grant, resource)
        await self._save(function, [*statements, statement])
        return statement

    async def remove(
        self,
        function_name: str,
        statement_id: str,
        *,
        scope: Scope,
        qualifier: str | None = None,
        revision_id: str | None = None,
    ) -> None:
        function = self._function(function_name, scope, qualifier, revision_id)
        statements = _statements(function)
        kept = [s for s in statements if s.get("Sid") != statement_id]
        if len(kept) == len(statements):
            raise ResourceNotFound(f"Statement {statement_id} is not found in resource policy.")
        await self._save(function, kept)

    def get(self, function_name: str, *, scope: Scope, qualifier: str | None = None) -> tuple[str, str]:
        """The policy document as JSON text, and the function's revision id."""
        function = self._function(function_name, scope, qualifier, None)
        if not _statements(function):
            raise ResourceNotFound("The resource you requested does not exist.")
        return function.resource_policy or "", function.revision_id

    def _function(
        self, function_name: str, scope: Scope, qualifier: str | None, revision_id: str | None
    ) -> FunctionConfig:
        function = self._service.get_function(function_name, qualifier, scope=scope)
        if revision_id and revision_id != function.revision_id:
            raise PreconditionFailed(
                "The Revision Id provided does not match the latest Revision Id. "
                "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
            )
        return function

    async def _save(self, function: FunctionConfig, statements: list[dict[str, Any]]) -> None:
        policy = None
        if statements:
            document = {"Version": POLICY_VERSION, "Id": "default", "Statement": statements}
            policy = orjson.dumps(document).decode()
        await self._service.functions.update(function.evolve(resource_policy=policy))


def _statements(function: FunctionConfig) -> list[dict[str, Any]]:
    if not function.resource_policy:
        return []
    statements: list[dict[str, Any]] = orjson.loads(function.resource_policy)["Statement"]
    return statements


def _statement(grant: Grant, resource: str) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": grant.statement_id,
        "Effect": "Allow",
        "Principal": _principal(grant.principal),
        "Action": grant.action,
        "Resource": resource,
    }
    conditions: dict[str, dict[str, str]] = {}
    if grant.source_account:
        conditions.setdefault("StringEquals", {})["AWS:SourceAccount"] = grant.source_account
    if grant.event_source_token:
        conditions.setdefault("StringEquals", {})["lambda:EventSourceToken"] = grant.event_source_token
    if grant.principal_org_id:
        conditions.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = grant.principal_org_id
    if grant.function_url_auth_type:
        conditions.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = grant.function_url_auth_type
    if grant.source_arn:
        conditions["ArnLike"] = {"AWS:SourceArn": grant.source_arn}
    if conditions:
        statement["Condition"] = conditions
    return statement


def _principal(principal: str) -> str | dict[str, str]:
    """AWS writes a principal as ``*``, an IAM ARN (accounts become ``:root``) or a service."""
    if principal == "*":
        return "*"
    if principal.isdigit() and len(principal) == 12:
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    if "." in principal:
        return {"Service": principal}
    raise InvalidParameterValue("The provided principal was invalid. Please check the principal and try again.")
