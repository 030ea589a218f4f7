"""``AWS::ApiGateway::Authorizer``: a Lambda (``TOKEN``, ``REQUEST``) or Cognito authorizer of a REST API.

``Ref`` and ``GetAtt AuthorizerId`` are its id. A change of API makes a new authorizer; any other change
is made in place with UpdateAuthorizer's patch operations, so methods keep naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.apigateway_values import (
    already_gone,
    optional_int,
    rest_apis,
    rest_changed,
    strings,
    text,
)
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, require
from triggerfish.services.apigateway.authorizers import NewAuthorizer


class RestAuthorizerHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        api_id = str(require(properties, "RestApiId"))
        authorizer = await rest_apis(context).authorizers.create(context.scope, api_id, _settings(properties))
        rest_changed(context, api_id)
        return PhysicalResource(authorizer.id, {"AuthorizerId": authorizer.id})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        api_id = str(require(properties, "RestApiId"))
        if api_id != previous_properties.get("RestApiId"):
            # another API (Authorizer.RestApiId: "Update requires: Replacement")
            return await self.create(context, logical_id, properties)
        wanted = _settings(properties)
        current = rest_apis(context).authorizers.get(context.scope, api_id, previous.physical_id)
        operations = [
            {"op": "replace", "path": path, "value": value or ""}
            for path, value in (
                ("/name", wanted.name),
                ("/type", wanted.type),
                ("/authorizerUri", wanted.authorizer_uri),
                ("/authorizerCredentials", wanted.authorizer_credentials),
                ("/identitySource", wanted.identity_source),
                ("/identityValidationExpression", wanted.identity_validation_expression),
                ("/authorizerResultTtlInSeconds", None if wanted.result_ttl is None else str(wanted.result_ttl)),
                ("/authType", wanted.auth_type),
            )
        ]
        operations += [
            {"op": "remove", "path": "/providerARNs", "value": arn}
            for arn in current.provider_arns
            if arn not in wanted.provider_arns
        ]
        operations += [
            {"op": "add", "path": "/providerARNs", "value": arn}
            for arn in wanted.provider_arns
            if arn not in current.provider_arns
        ]
        await rest_apis(context).authorizers.update(context.scope, api_id, previous.physical_id, operations)
        rest_changed(context, api_id)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        api_id = str(properties.get("RestApiId"))
        with already_gone():
            await rest_apis(context).authorizers.delete(context.scope, api_id, resource.physical_id)
        rest_changed(context, api_id)


def _settings(properties: Mapping[str, Any]) -> NewAuthorizer:
    return NewAuthorizer(
        name=str(require(properties, "Name")),
        type=str(require(properties, "Type")).upper(),
        authorizer_uri=text(properties, "AuthorizerUri"),
        authorizer_credentials=text(properties, "AuthorizerCredentials"),
        identity_source=text(properties, "IdentitySource"),
        identity_validation_expression=text(properties, "IdentityValidationExpression"),
        result_ttl=optional_int(properties, "AuthorizerResultTtlInSeconds"),
        auth_type=text(properties, "AuthType"),
        provider_arns=strings(properties, "ProviderARNs"),
    )
