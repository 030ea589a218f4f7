"""The Lambda resources that configure a function: event invoke configs and permissions."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, generated_name, require
from triggerfish.core.errors import ResourceNotFound
from triggerfish.services.lambda_.models import LATEST
from triggerfish.services.lambda_.permissions import FunctionPolicies, Grant


class EventInvokeConfigHandler:
    """``AWS::Lambda::EventInvokeConfig``: retries, event age and destinations of async invocations."""

    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        function = str(require(properties, "FunctionName"))
        qualifier = str(require(properties, "Qualifier"))
        destinations = properties.get("DestinationConfig") or {}
        retries = properties.get("MaximumRetryAttempts")
        age = properties.get("MaximumEventAgeInSeconds")
        await context.services.lambda_.put_event_invoke_config(
            _unqualified(function, qualifier),
            maximum_retry_attempts=None if retries is None else as_int(retries, "MaximumRetryAttempts"),
            maximum_event_age=None if age is None else as_int(age, "MaximumEventAgeInSeconds"),
            on_success=(destinations.get("OnSuccess") or {}).get("Destination"),
            on_failure=(destinations.get("OnFailure") or {}).get("Destination"),
            scope=context.scope,
        )
        return PhysicalResource(generated_name(context.stack_name, logical_id))

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if previous_properties.get("FunctionName") != properties.get("FunctionName"):
            await self.delete(context, previous, previous_properties)
        return await self.create(context, logical_id, properties)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        function = _unqualified(str(properties.get("FunctionName", "")), str(properties.get("Qualifier", LATEST)))
        with contextlib.suppress(ResourceNotFound):
            await context.services.lambda_.delete_event_invoke_config(function, scope=context.scope)


class PermissionHandler:
    """``AWS::Lambda::Permission``: a statement in the function's resource policy."""

    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        statement_id = generated_name(context.stack_name, logical_id, limit=100)
        grant = Grant(
            statement_id=statement_id,
            action=str(require(properties, "Action")),
            principal=str(require(properties, "Principal")),
            source_arn=_optional(properties, "SourceArn"),
            source_account=_optional(properties, "SourceAccount"),
            event_source_token=_optional(properties, "EventSourceToken"),
            principal_org_id=_optional(properties, "PrincipalOrgID"),
            function_url_auth_type=_optional(properties, "FunctionUrlAuthType"),
        )
        function = str(require(properties, "FunctionName"))
        policies = FunctionPolicies(context.services.lambda_)
        with contextlib.suppress(ResourceNotFound):
            await policies.remove(function, statement_id, scope=context.scope)
        await policies.add(function, grant, scope=context.scope)
        return PhysicalResource(statement_id)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        await self.delete(context, previous, previous_properties)
        return await self.create(context, logical_id, properties)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(ResourceNotFound):
            await FunctionPolicies(context.services.lambda_).remove(
                str(properties.get("FunctionName", "")), resource.physical_id, scope=context.scope
            )


def _unqualified(function: str, qualifier: str) -> str:
    """The function's name from a name, ARN or partial ARN; only ``$LATEST`` runs locally."""
    if function.startswith("arn:"):
        parts = function.split(":")
        return parts[6] if len(parts) > 6 else function
    return function.split(":", 1)[0]


def _optional(properties: Mapping[str, Any], key: str) -> str | None:
    value = properties.get(key)
    return None if value is None else str(value)
