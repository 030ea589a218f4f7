"""``AWS::Lambda::Url``: a function URL. ``Ref`` is the function's ARN; ``GetAtt`` gives ``FunctionArn``
and ``FunctionUrl`` (the CloudFormation resource reference)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, require
from triggerfish.core.errors import ResourceNotFound
from triggerfish.services.lambda_.url_config import FunctionUrlConfig, UrlCors
from triggerfish.services.lambda_.validation import split_function_name


class FunctionUrlHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        config = await context.services.lambda_.urls.create(
            _function(properties),
            auth_type=str(require(properties, "AuthType")),
            scope=context.scope,
            qualifier=_qualifier(properties),
            cors=_cors(properties.get("Cors")),
            invoke_mode=_optional(properties, "InvokeMode"),
        )
        return _physical(config)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        same_target = (_function(previous_properties), _qualifier(previous_properties)) == (
            _function(properties),
            _qualifier(properties),
        )
        if not same_target:  # a new target function or qualifier replaces the URL
            await self.delete(context, previous, previous_properties)
            return await self.create(context, logical_id, properties)
        config = await context.services.lambda_.urls.update(
            _function(properties),
            scope=context.scope,
            qualifier=_qualifier(properties),
            auth_type=str(require(properties, "AuthType")),
            cors=_cors(properties.get("Cors")) or UrlCors(),
            invoke_mode=_optional(properties, "InvokeMode") or "BUFFERED",
        )
        return _physical(config)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(ResourceNotFound):
            await context.services.lambda_.urls.delete(
                _function(properties), scope=context.scope, qualifier=_qualifier(properties)
            )


def _physical(config: FunctionUrlConfig) -> PhysicalResource:
    arn = config.function_arn
    return PhysicalResource(arn, {"FunctionArn": arn, "FunctionUrl": config.function_url})


def _function(properties: Mapping[str, Any]) -> str:
    return split_function_name(str(properties.get("TargetFunctionArn", "")))[0]


def _qualifier(properties: Mapping[str, Any]) -> str | None:
    explicit = _optional(properties, "Qualifier")
    return explicit or split_function_name(str(properties.get("TargetFunctionArn", "")))[1]


def _optional(properties: Mapping[str, Any], key: str) -> str | None:
    value = properties.get(key)
    return None if value is None else str(value)


def _cors(value: Any) -> UrlCors | None:
    if not isinstance(value, Mapping):
        return None
    max_age = value.get("MaxAge")
    return UrlCors(
        allow_credentials=str(value.get("AllowCredentials", False)).lower() == "true",
        allow_headers=tuple(str(item) for item in value.get("AllowHeaders") or ()),
        allow_methods=tuple(str(item) for item in value.get("AllowMethods") or ()),
        allow_origins=tuple(str(item) for item in value.get("AllowOrigins") or ()),
        expose_headers=tuple(str(item) for item in value.get("ExposeHeaders") or ()),
        max_age=0 if max_age is None else as_int(max_age, "Cors.MaxAge"),
    )
