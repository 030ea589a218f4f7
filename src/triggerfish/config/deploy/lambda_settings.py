"""The Lambda resources that configure a function: event invoke configs and permissions."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, generated_name, require
from triggerfish.core.errors import ResourceNotFound
from triggerfish.services.lambda_.permissions import FunctionPolicies, Grant
from triggerfish.services.lambda_.validation import split_function_name


class EventInvokeConfigHandler:
    """``AWS::Lambda::EventInvokeConfig``: retries, event age and destinations of async invocations."""

    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        require(properties, "FunctionName")
        require(properties, "Qualifier")
        destinations = properties.get("DestinationConfig") or {}
        retries = properties.get("MaximumRetryAttempts")
        age = properties.get("MaximumEventAgeInSeconds")
        await context.services.lambda_.put_event_invoke_config(
            _function(properties),
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
        function = _function(properties)
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


def _function(properties: Mapping[str, Any]) -> str:
    """The function's name from a name, partial ARN or ARN; only ``$LATEST`` runs locally, so a
    qualifier (``Qualifier`` or in the ARN) still names the function itself."""
    return split_function_name(str(properties.get("FunctionName", "")))[0]


def _optional(properties: Mapping[str, Any], key: str) -> str | None:
    value = properties.get(key)
    return None if value is None else str(value)
