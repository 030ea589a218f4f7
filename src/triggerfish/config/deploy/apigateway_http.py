"""``AWS::ApiGatewayV2::Api``, ``::Stage`` and ``::Deployment``: HTTP APIs and what their stages serve.

An API is created from its properties (quick create with ``Target``), or imported from its OpenAPI
definition (``Body``, or a local ``BodyS3Location``): SAM's ``AWS::Serverless::HttpApi`` arrives so,
with an auto-deployed ``$default`` stage; serverless.yml's ``httpApi`` events give the API, its stage,
routes and integrations as resources. ``Ref`` of an API is its id (``GetAtt`` ``ApiEndpoint``, ``ApiId``),
of a stage its name, of a deployment its id. Only HTTP APIs run locally: a WebSocket API is an error.

As with REST APIs (see :mod:`.apigateway_rest_stages`), a deployment whose API this stack deployment
changed is made anew once everything is done, so that stages without ``AutoDeploy`` show the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.apigateway_values import (
    already_gone,
    definition,
    definition_text,
    flag,
    http_apis,
    http_changed,
    mapping,
    string_map,
    strings,
    text,
)
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, require
from triggerfish.config.errors import TemplateError
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.identifiers import stage_arn
from triggerfish.services.apigatewayv2.inputs import ApiFields, QuickCreate, StageFields
from triggerfish.services.apigatewayv2.models import ApiState, Cors


class HttpApiHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        service = http_apis(context)
        body = definition(context, properties)
        protocol = _protocol(properties)
        tags = string_map(properties, "Tags")
        if body is None:
            if not text(properties, "Name"):
                raise TemplateError("Property Name cannot be empty.")
            state = await service.create_api(
                _fields(properties, imported=False),
                scope=context.scope,
                protocol_type=protocol,
                tags=tags,
                quick=_quick(properties),
            )
            return _physical(service, state)
        state = await service.import_api(
            definition_text(body),
            scope=context.scope,
            basepath=text(properties, "BasePath"),
            fail_on_warnings=flag(properties, "FailOnWarnings"),
        )
        state = await _lay_over(service, context, state, properties, imported=True, previous_tags={})
        return _physical(service, state)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        service = http_apis(context)
        body = definition(context, properties)
        if _protocol(properties) != _protocol(previous_properties):
            # Api.ProtocolType: "Update requires: Replacement"
            return await self.create(context, logical_id, properties)
        api_id = previous.physical_id
        if body is not None and any(
            properties.get(key) != previous_properties.get(key) for key in ("Body", "BodyS3Location", "BasePath")
        ):
            await service.reimport_api(
                api_id,
                definition_text(body),
                scope=context.scope,
                basepath=text(properties, "BasePath"),
                fail_on_warnings=flag(properties, "FailOnWarnings"),
            )
        state = service.get_api(api_id, scope=context.scope)
        previous_tags = string_map(previous_properties, "Tags")
        imported = body is not None
        state = await _lay_over(service, context, state, properties, imported=imported, previous_tags=previous_tags)
        http_changed(context, api_id)
        return _physical(service, state)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with already_gone():
            await http_apis(context).delete_api(resource.physical_id, scope=context.scope)


class HttpStageHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        api_id, name = str(require(properties, "ApiId")), str(require(properties, "StageName"))
        tags = string_map(properties, "Tags")
        await http_apis(context).stages.create(api_id, name, _stage_fields(properties), tags=tags, scope=context.scope)
        return PhysicalResource(name)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        api_id, name = str(require(properties, "ApiId")), str(require(properties, "StageName"))
        if api_id != previous_properties.get("ApiId") or name != previous.physical_id:
            # another API or name is another stage (Stage: "Update requires: Replacement")
            await self.delete(context, previous, previous_properties)
            return await self.create(context, logical_id, properties)
        service = http_apis(context)
        await service.stages.update(api_id, name, _stage_fields(properties), scope=context.scope)
        arn = stage_arn(context.scope.region, api_id, name)
        tags, old_tags = string_map(properties, "Tags"), string_map(previous_properties, "Tags")
        if dropped := [key for key in old_tags if key not in tags]:
            await service.untag_resource(arn, dropped, scope=context.scope)
        if tags:
            await service.tag_resource(arn, tags, scope=context.scope)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        api_id = str(properties.get("ApiId"))
        with already_gone():
            await http_apis(context).stages.delete(api_id, resource.physical_id, scope=context.scope)


class HttpDeploymentHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        deployment = await http_apis(context).deployments.create(
            str(require(properties, "ApiId")),
            description=text(properties, "Description"),
            stage_name=text(properties, "StageName"),
            scope=context.scope,
        )
        return PhysicalResource(deployment.id, {"DeploymentId": deployment.id})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        api_id = str(require(properties, "ApiId"))
        if api_id != previous_properties.get("ApiId"):
            # Deployment.ApiId: "Update requires: Replacement"
            return await self.create(context, logical_id, properties)
        stage_name = text(properties, "StageName")
        if stage_name and stage_name != text(previous_properties, "StageName"):
            fields: StageFields = {"deployment_id": previous.physical_id}
            await http_apis(context).stages.update(api_id, stage_name, fields, scope=context.scope)
        # a changed Description is not kept locally: deployments here are only what they capture
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        service = http_apis(context)
        api_id = str(properties.get("ApiId"))
        if not service.api_exists(api_id):
            return
        state = service.get_api(api_id, scope=context.scope)
        if any(stage.deployment_id == resource.physical_id for stage in state.stages.values()):
            # DeleteDeployment refuses while a stage serves it: it goes with the stage's API
            return
        with already_gone():
            await service.deployments.delete(api_id, resource.physical_id, scope=context.scope)

    async def settle(
        self, context: DeployContext, logical_id: str, resource: PhysicalResource, properties: Mapping[str, Any]
    ) -> PhysicalResource | None:
        api_id = str(properties.get("ApiId"))
        service = http_apis(context)
        if f"apis/{api_id}" not in context.changed_apis or not service.api_exists(api_id):
            return None
        state = service.get_api(api_id, scope=context.scope)
        deployment = state.deployments.get(resource.physical_id)
        serving = sorted(
            name
            for name, stage in state.stages.items()
            if stage.deployment_id == resource.physical_id and not stage.auto_deploy
        )
        if deployment is None or not serving or deployment.content == state.content:
            return None
        fresh = await service.deployments.create(
            api_id, description=deployment.description, stage_name=serving[0], scope=context.scope
        )
        for name in serving[1:]:
            await service.stages.update(api_id, name, {"deployment_id": fresh.id}, scope=context.scope)
        await self.delete(context, resource, properties)
        return PhysicalResource(fresh.id, {"DeploymentId": fresh.id})


def _physical(service: HttpApiService, state: ApiState) -> PhysicalResource:
    return PhysicalResource(state.id, {"ApiEndpoint": service.api_endpoint(state.id), "ApiId": state.id})


def _protocol(properties: Mapping[str, Any]) -> str:
    imported = properties.get("Body") is not None or properties.get("BodyS3Location") is not None
    protocol = (text(properties, "ProtocolType") or ("HTTP" if imported else "")).upper()
    if protocol == "WEBSOCKET":
        raise TemplateError("ProtocolType WEBSOCKET: WebSocket APIs are not supported locally, only HTTP APIs")
    if not protocol:
        # required unless the API is imported from a definition (Api.ProtocolType)
        raise TemplateError("Property ProtocolType cannot be empty.")
    return protocol


def _quick(properties: Mapping[str, Any]) -> QuickCreate | None:
    target = text(properties, "Target")
    if target is None:
        return None
    return QuickCreate(target, text(properties, "RouteKey"), text(properties, "CredentialsArn"))


def _fields(properties: Mapping[str, Any], *, imported: bool) -> ApiFields:
    """The API's settings. One the template leaves out goes back to its default, except on an imported
    API, where the definition's value stands."""
    fields: ApiFields = {}
    if (name := text(properties, "Name")) is not None:
        fields["name"] = name
    if (version := text(properties, "Version")) is not None:
        fields["version"] = version
    if (expression := text(properties, "RouteSelectionExpression")) is not None:
        fields["route_selection_expression"] = expression
    if (address := text(properties, "IpAddressType")) is not None:
        fields["ip_address_type"] = address
    if "Description" in properties or not imported:
        fields["description"] = text(properties, "Description")
    if "CorsConfiguration" in properties or not imported:
        fields["cors"] = _cors(mapping(properties, "CorsConfiguration"))
    if "DisableExecuteApiEndpoint" in properties or not imported:
        fields["disable_execute_api_endpoint"] = flag(properties, "DisableExecuteApiEndpoint")
    return fields


def _cors(value: Mapping[str, Any]) -> Cors | None:
    if not value:
        return None
    max_age = value.get("MaxAge")
    return Cors(
        allow_origins=strings(value, "AllowOrigins"),
        allow_methods=strings(value, "AllowMethods"),
        allow_headers=strings(value, "AllowHeaders"),
        expose_headers=strings(value, "ExposeHeaders"),
        max_age=None if max_age is None else as_int(max_age, "CorsConfiguration.MaxAge"),
        allow_credentials=flag(value, "AllowCredentials") if "AllowCredentials" in value else None,
    )


async def _lay_over(
    service: HttpApiService,
    context: DeployContext,
    state: ApiState,
    properties: Mapping[str, Any],
    *,
    imported: bool,
    previous_tags: Mapping[str, str],
) -> ApiState:
    """``state`` with the template's settings, quick create and tags applied."""
    fields, quick = _fields(properties, imported=imported), _quick(properties)
    if fields or quick:
        state = await service.update_api(state.id, fields, scope=context.scope, quick=quick)
    tags = string_map(properties, "Tags")
    if dropped := [key for key in previous_tags if key not in tags]:
        await service.untag_resource(state.api.arn, dropped, scope=context.scope)
    if tags:
        await service.tag_resource(state.api.arn, tags, scope=context.scope)
    return service.get_api(state.id, scope=context.scope)


def _stage_fields(properties: Mapping[str, Any]) -> StageFields:
    access_logs = mapping(properties, "AccessLogSettings")
    routes = mapping(properties, "RouteSettings")
    fields: StageFields = {
        "auto_deploy": flag(properties, "AutoDeploy"),
        "description": text(properties, "Description"),
        "variables": string_map(properties, "StageVariables"),
        "default_route_settings": dict(mapping(properties, "DefaultRouteSettings")),
        "route_settings": {str(key): dict(mapping(routes, str(key))) for key in routes},
        "access_log_settings": dict(access_logs) if access_logs else None,
        "client_certificate_id": text(properties, "ClientCertificateId"),
    }
    deployment_id = text(properties, "DeploymentId")
    if deployment_id is not None or not fields["auto_deploy"]:
        # an AutoDeploy stage keeps the deployment it made itself
        fields["deployment_id"] = deployment_id
    return fields
